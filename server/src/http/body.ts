// Reads a JSON request body with a size cap that holds even when Content-Length is missing or
// wrong (chunked uploads): bytes are counted as they arrive and reading stops at the limit.
import type { Context } from 'hono';
import { HttpError } from '../errors.ts';

/** Largest accepted request body, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the request body must be at most ${limit} bytes`);
}

/** Reads the body as JSON; 413 `payload_too_large` over `limit`, 400 `invalid_json` if malformed. */
export async function readJson(c: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(c.req.header('Content-Length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (!body) throw new HttpError(400, 'invalid_json', 'the request body must be JSON');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'the request body must be JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}
