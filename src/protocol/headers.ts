// Header names of the wire protocol (design §4, §5). Auth is by header, never by cookie or URL.

/** Public key of an app; on every request. */
export const HEADER_API_KEY = 'X-API-Key';
/** Private secret of an app; backend requests only. */
export const HEADER_API_SECRET = 'X-API-Secret';
/** The user a client request acts for (non-secure mode). */
export const HEADER_USER_ID = 'X-User-Id';
/** Makes a trigger safe to retry. */
export const HEADER_IDEMPOTENCY_KEY = 'Idempotency-Key';
/** The stream resume cursor (a `seq`). */
export const HEADER_LAST_EVENT_ID = 'Last-Event-ID';
