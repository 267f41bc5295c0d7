// The one error type of the server SDK.

/** A request the service refused or could not answer; `code` is the service's error code. */
export class BelfryApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BelfryApiError';
    this.status = status;
    this.code = code;
  }
}
