// One builder for every operation, so the answers that follow from an operation's auth and body
// (401, 429 and the rate-limit headers; 400 and 413) are never forgotten on one of them.
import { ERROR_RESPONSES, LIMITED_HEADERS } from './components.ts';
import type { ErrorStatus } from './components.ts';
import type { JsonSchema } from './schema.ts';

/** Who may call an operation: the app's backend, the widget for a user, or anyone. */
export type Auth = 'backend' | 'client' | 'public';

/** What `operation` needs to know about one route. */
export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: Auth;
  /** Names under `#/components/parameters`, or inline parameter objects. */
  parameters?: (string | JsonSchema)[];
  /** A JSON request body; `example` is a valid one (the fuzz test mutates it). */
  body?: { schema: JsonSchema; example: unknown; description?: string };
  /** The success answer; `schema` absent means no body (e.g. 204). */
  answer: { status: number; description: string; schema?: JsonSchema; contentType?: string; headers?: Record<string, JsonSchema> };
  /** Error answers beyond those the auth and the body imply. */
  errors?: ErrorStatus[];
}

const SECURITY: Record<Auth, JsonSchema[]> = {
  backend: [{ apiKey: [], apiSecret: [] }],
  // Either requirement object suffices: X-User-Id for apps in non-secure mode, a token otherwise.
  client: [
    { apiKey: [], userId: [] },
    { apiKey: [], userToken: [] },
  ],
  public: [],
};

// A client request names its user, who may be malformed (400) or not yet connected (404).
const IMPLIED_ERRORS: Record<Auth, ErrorStatus[]> = { backend: [401, 429], client: [400, 401, 404, 429], public: [] };

/** Builds an OpenAPI operation object from its spec. */
export function operation(spec: OperationSpec): JsonSchema {
  const { answer } = spec;
  const limited = spec.auth !== 'public';
  const statuses = new Set<ErrorStatus>([...IMPLIED_ERRORS[spec.auth], ...(spec.body ? ([400, 413] as const) : []), ...(spec.errors ?? [])]);
  const responses: Record<string, JsonSchema> = {
    [answer.status]: {
      description: answer.description,
      ...(limited || answer.headers ? { headers: { ...(limited ? LIMITED_HEADERS : {}), ...answer.headers } } : {}),
      ...(answer.schema ? { content: { [answer.contentType ?? 'application/json']: { schema: answer.schema } } } : {}),
    },
  };
  for (const status of [...statuses].sort((a, b) => a - b)) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status][0]}` };
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: SECURITY[spec.auth],
    ...(spec.parameters?.length
      ? { parameters: spec.parameters.map((parameter) => (typeof parameter === 'string' ? { $ref: `#/components/parameters/${parameter}` } : parameter)) }
      : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            ...(spec.body.description ? { description: spec.body.description } : {}),
            content: { 'application/json': { schema: spec.body.schema, example: spec.body.example } },
          },
        }
      : {}),
    responses,
  };
}
