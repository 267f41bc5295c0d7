// Reads a JSON request body with a size cap that holds even when Content-Length is missing
// (chunked uploads): then bytes are counted as they arrive and reading stops at the limit.
import type { Context } from 'hono';
import { HttpError } from '../errors.ts';

/** Largest accepted request body, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Deepest accepted nesting of arrays and objects in a body. */
export const MAX_BODY_DEPTH = 64;

/**
 * The deepest nesting of `[` and `{` in JSON text, outside strings, in one pass. JSON.parse copes
 * with deep nesting, but what walks the value afterwards (validation, JSON.stringify) recurses
 * and would overflow the stack on a 256 KB body of brackets.
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return deepest;
}

/**
 * False when the text holds too few `[` and `{` to nest deeper than `MAX_BODY_DEPTH`, counted with
 * native `indexOf` (strings included, so it only ever over-counts): most bodies skip the scan.
 */
function mayNestTooDeep(text: string): boolean {
  let brackets = 0;
  for (const bracket of ['{', '[']) {
    for (let i = text.indexOf(bracket); i !== -1; i = text.indexOf(bracket, i + 1)) {
      if (++brackets > MAX_BODY_DEPTH) return true;
    }
  }
  return false;
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the request body must be at most ${limit} bytes`);
}

// Reads a body of declared length in one piece. On @hono/node-server this reads the Node request
// directly into one Buffer (no web streams); the HTTP parser never hands over more body than the
// Content-Length it accepted, so the declared length is the cap.
async function readDeclared(c: Context): Promise<Buffer> {
  return Buffer.from(await c.req.raw.arrayBuffer());
}

// Reads a body of unknown length (chunked) chunk by chunk, stopping as soon as it passes `limit`.
async function readCounted(c: Context, limit: number): Promise<Buffer> {
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
  return Buffer.concat(chunks);
}

/** Reads the body as JSON; 413 `payload_too_large` over `limit`, 400 `invalid_json` if malformed. */
export async function readJson(c: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
  const length = c.req.header('Content-Length');
  const declared = length === undefined ? NaN : Number(length);
  if (declared > limit) throw tooLarge(limit);
  const text = (Number.isSafeInteger(declared) && declared >= 0 ? await readDeclared(c) : await readCounted(c, limit)).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'the request body must be JSON');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON');
  }
  if (mayNestTooDeep(text) && nestingDepth(text) > MAX_BODY_DEPTH) {
    throw new HttpError(400, 'invalid_request', `the request body nests deeper than ${MAX_BODY_DEPTH} levels`);
  }
  return value;
}
