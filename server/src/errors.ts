// The one error type of the service: route code throws it, `onError` turns it into the wire shape.
import type { ErrorCode } from 'belfry/protocol';

/** An HTTP error answered as `{"error": {"code", "message"}}` with `status`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  constructor(status: number, code: ErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

/** A 400 `invalid_request` naming the field that is wrong. */
export function invalidField(field: string, message: string): HttpError {
  return new HttpError(400, 'invalid_request', `${field} ${message}`);
}
