// The OpenAPI 3.1 document of the service, served at `GET /v1/openapi.json`.
import { ERROR_RESPONSES, HEADERS, PARAMETERS, SECURITY_SCHEMES } from './components.ts';
import { OPENAPI_PATH, PATHS } from './paths.ts';
import type { JsonSchema } from './schema.ts';
import { SCHEMAS } from './schemas.ts';

export { OPENAPI_PATH };
export type { JsonSchema };
export type { Auth, OperationSpec } from './operation.ts';

const DESCRIPTION = [
  'Belfry is a self-hostable in-app notification inbox. The backend API (app server to service) authenticates with',
  '`X-API-Key` + `X-API-Secret`; the client API under `/v1/me` (the widget) with `X-API-Key` plus `X-User-Id`, or in',
  'secure mode `Authorization: Bearer <user token>`. Every error is `{"error": {"code", "message"}}`. Every answer',
  'carries `X-Request-Id`; rate-limited answers carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`.',
  'Unknown fields in bodies are ignored. The Engagespot v3 compatibility routes under `/v3` (for the official',
  '`@engagespot/node` SDK) are not described here.',
].join(' ');

/** Builds the document; a new object on every call, so callers may change their copy. */
export function createOpenApiDocument(): JsonSchema {
  return structuredClone({
    openapi: '3.1.0',
    info: { title: 'Belfry notification service', version: '1.0.0', description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [
      { name: 'Users', description: 'Backend API: users and their attributes.' },
      { name: 'Notifications', description: 'Backend API: triggers.' },
      { name: 'Workflows', description: 'Backend API: per-channel templates.' },
      { name: 'Deliveries', description: 'Backend API: the email, SMS and webhook log.' },
      { name: 'Inbox', description: 'Client API: what the widget calls for its user.' },
      { name: 'Operations', description: 'Health, metrics and this document.' },
    ],
    paths: PATHS,
    components: {
      schemas: SCHEMAS,
      parameters: PARAMETERS,
      headers: HEADERS,
      responses: Object.fromEntries(Object.values(ERROR_RESPONSES)),
      securitySchemes: SECURITY_SCHEMES,
    },
  });
}

let served: string | null = null;

/** The document as JSON text, built once: what `GET /v1/openapi.json` answers. */
export function openApiJson(): string {
  served ??= JSON.stringify(createOpenApiDocument());
  return served;
}
