// Error codes of `{"error": {"code", "message"}}` answers (design §4).

/** Every error code the service answers with. */
export const ERROR_CODES = [
  'invalid_json',
  'invalid_request',
  'payload_too_large',
  'unauthorized',
  'user_token_required',
  'forbidden',
  'not_found',
  'user_not_found',
  'notification_not_found',
  'workflow_not_found',
  'conflict',
  'idempotency_mismatch',
  'method_not_allowed',
  'rate_limited',
  'internal',
] as const;

/** An error code the service answers with. */
export type ErrorCode = (typeof ERROR_CODES)[number];
