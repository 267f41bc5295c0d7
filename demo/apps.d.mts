// Types of demo/apps.mjs, for the end-to-end test that checks the demo never hands out a secret.

/** The development app's credentials. */
export declare const OPEN_APP: { apiKey: string; apiSecret: string };
/** The secure-mode app's credentials and its HS256 signing secret. */
export declare const SECURE_APP: { apiKey: string; apiSecret: string; signingSecret: string };
/** The categories the send form offers and the widget shows as tabs. */
export declare const CATEGORIES: { id: string; label: string }[];
/** Lifetime of a user token issued by the demo, in seconds. */
export declare const TOKEN_LIFETIME_SECONDS: number;
