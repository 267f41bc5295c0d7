// Type checks for request fields. Each throws a 400 `invalid_request` naming the field, so bad
// input can never reach the storage and surface as a 500.
import { isPlainObject } from 'belfry/protocol';
import type { Json } from 'belfry/protocol';
import { isSafeUrl } from 'belfry/template';
import { invalidField } from '../errors.ts';

/** The value as a plain object, or 400. */
export function objectField(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalidField(field, 'must be an object');
  return value;
}

/** A string, or null when absent (`undefined` or `null`); 400 for any other type. */
export function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidField(field, 'must be a string');
  return value;
}

/** A boolean, or undefined when absent; 400 for any other type. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, 'must be a boolean');
  return value;
}

/** A URL that passes the allow-list (https:, http:, mailto: or relative), or null when absent. */
export function optionalUrl(value: unknown, field: string): string | null {
  const url = optionalString(value, field);
  if (url !== null && !isSafeUrl(url)) throw invalidField(field, 'must be an https:, http:, mailto: or relative URL');
  return url;
}

/** A JSON object (the `data` of a trigger), or `{}` when absent. */
export function optionalJsonObject(value: unknown, field: string): Record<string, Json> {
  if (value === undefined || value === null) return {};
  // It came from JSON.parse, so a plain object is JSON all the way down.
  return objectField(value, field) as Record<string, Json>;
}

/** One of `allowed`, or `fallback` when absent; 400 otherwise. */
export function optionalEnum<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T | null): T | null {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidField(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A non-negative integer (a `seq`) from a query or header value, or null when absent; 400 otherwise. */
export function parseSeq(value: string | undefined, field: string): number | null {
  if (value === undefined || value === '') return null;
  const seq = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seq)) throw invalidField(field, 'must be a non-negative integer');
  return seq;
}
