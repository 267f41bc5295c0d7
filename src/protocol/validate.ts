// Validators shared by the service and its clients. Each returns null when the value is fine,
// or a message naming what is wrong.

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Longest accepted user identifier. */
export const MAX_IDENTIFIER_LENGTH = 256;

/** Checks a user identifier: 1–256 characters, no control characters. */
export function checkIdentifier(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0 || value.length > MAX_IDENTIFIER_LENGTH) return `must be 1–${MAX_IDENTIFIER_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return 'must not contain control characters';
  return null;
}

/** Checks an email address. */
export function checkEmail(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 320 && EMAIL.test(value) ? null : 'must be an email address';
}

/** Checks an E.164 phone number such as `+16020000000`. */
export function checkPhoneNumber(value: unknown): string | null {
  return typeof value === 'string' && E164.test(value) ? null : 'must be an E.164 phone number such as +16020000000';
}

/** Most attributes one user may carry. */
export const MAX_ATTRIBUTES = 100;
/** Largest serialized size of one attribute value, in characters. */
export const MAX_ATTRIBUTE_SIZE = 4096;

/**
 * Checks an attributes patch: a plain object whose values are JSON, where `null` removes an
 * attribute. Answers `{field, message}` for the first problem, or null.
 */
export function checkAttributes(value: unknown): { field: string; message: string } | null {
  if (!isPlainObject(value)) return { field: 'attributes', message: 'must be an object' };
  const keys = Object.keys(value);
  if (keys.length > MAX_ATTRIBUTES) return { field: 'attributes', message: `at most ${MAX_ATTRIBUTES} attributes` };
  for (const key of keys) {
    const v = value[key];
    if (key.length === 0 || key.length > 64 || CONTROL_CHARS.test(key)) {
      return { field: key, message: 'attribute names must be 1–64 characters without control characters' };
    }
    if (v === null) continue;
    if (key === 'email' && checkEmail(v)) return { field: key, message: checkEmail(v)! };
    if (key === 'phoneNumber' && checkPhoneNumber(v)) return { field: key, message: checkPhoneNumber(v)! };
    if (JSON.stringify(v).length > MAX_ATTRIBUTE_SIZE) return { field: key, message: `must be at most ${MAX_ATTRIBUTE_SIZE} characters as JSON` };
  }
  return null;
}

/** True for `{...}` objects (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
