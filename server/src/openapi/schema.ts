// Small builders for JSON Schema 2020-12 (the dialect of OpenAPI 3.1), so the document reads like
// the wire types it describes instead of like nested literals.

/** A JSON Schema (or any other OpenAPI object): plain JSON data. */
export type JsonSchema = { [key: string]: unknown };

/** A reference to a schema under `#/components/schemas`. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** A string schema with optional keywords (`format`, `minLength`, `description`, ...). */
export function string(extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', ...extra };
}

/** An integer schema with optional keywords. */
export function integer(extra: JsonSchema = {}): JsonSchema {
  return { type: 'integer', ...extra };
}

/** A boolean schema with optional keywords. */
export function boolean(extra: JsonSchema = {}): JsonSchema {
  return { type: 'boolean', ...extra };
}

/** An RFC 3339 timestamp, as every `...At` field is. */
export function dateTime(description?: string): JsonSchema {
  return string({ format: 'date-time', ...(description ? { description } : {}) });
}

/** One of `values` (strings). */
export function enumOf(values: readonly string[], extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', enum: [...values], ...extra };
}

/** An array of `items`. */
export function array(items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', items, ...extra };
}

/** `schema` or `null`: 3.1 has no `nullable`, so it is a union with the null type. */
export function nullable(schema: JsonSchema): JsonSchema {
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * An object with `properties`; `required` lists the keys always present (default: all of them).
 * Unknown keys are allowed: the API ignores unknown fields, and answers may grow new ones.
 */
export function object(properties: Record<string, JsonSchema>, required: readonly string[] = Object.keys(properties), extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, ...(required.length > 0 ? { required: [...required] } : {}), ...extra };
}

/** An object whose values all follow `values` (a map or a bag of attributes). */
export function record(values: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', additionalProperties: values, ...extra };
}

/** Adds a description to any schema. */
export function described(description: string, schema: JsonSchema): JsonSchema {
  return { ...schema, description };
}
