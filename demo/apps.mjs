// The demo's two apps and its notification categories. Fixed development credentials: these apps
// exist only in the demo's own databases. Only the demo's backend reads the secrets; the page gets
// the public keys and service URLs from `GET /api/config`.

/** A development app: the widget names its user (`user-id`) and the service trusts it. */
export const OPEN_APP = {
  apiKey: 'demo_public_key',
  apiSecret: 'demo_secret_do_not_use_in_production',
};

/**
 * A secure-mode app: the widget must present a user token signed with `signingSecret`, which the
 * demo's backend issues for the signed-in user. The signing secret is a key of its own, never the
 * API secret (design §5).
 */
export const SECURE_APP = {
  apiKey: 'demo_secure_public_key',
  apiSecret: 'demo_secure_secret_do_not_use_in_production',
  signingSecret: 'demo_signing_secret_do_not_use_in_production',
};

/** The categories the send form offers and the widget shows as tabs. */
export const CATEGORIES = [
  { id: 'orders', label: 'Orders' },
  { id: 'account', label: 'Account' },
  { id: 'news', label: 'News' },
];

/** How long a user token issued by the demo lives, in seconds: short, as the widget asks again before it expires. */
export const TOKEN_LIFETIME_SECONDS = 600;
