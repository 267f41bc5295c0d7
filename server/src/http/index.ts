// Request helpers: body reading with a size cap and field type checks.
export { MAX_BODY_BYTES, readJson } from './body.ts';
export { objectField, optionalString, optionalBoolean, optionalUrl, optionalJsonObject, optionalEnum, parseSeq } from './fields.ts';
export { cors } from './cors.ts';
export type { CorsOptions } from './cors.ts';
export { setResponseHeader } from './headers.ts';
