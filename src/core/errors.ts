// The one error type of the client. User-initiated calls reject with it; background failures
// become `inbox.error` state and retry.

/** What went wrong, in a word. */
export type InboxErrorCode = 'network' | 'unauthorized' | 'user_token_required' | 'http' | 'storage' | 'protocol' | 'aborted';

/** An inbox failure with a machine-readable `code`. */
export class InboxError extends Error {
  // Declared only: assigned below, so the build emits no field initialisers.
  declare readonly code: InboxErrorCode;
  declare readonly status: number | undefined;
  /** How long the service asked to wait before retrying (its `Retry-After`), in ms. */
  declare readonly retryAfterMs: number | undefined;
  constructor(code: InboxErrorCode, message: string, options: { status?: number; cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options); // Error takes `cause` from it and ignores the rest
    this.name = 'InboxError';
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
