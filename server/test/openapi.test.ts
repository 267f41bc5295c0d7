import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { ERROR_CODES, EVENT_TYPES } from 'belfry/protocol';
import { createApp, createMemoryBus, openStorage } from '../src/index.ts';
import type { Storage } from '../src/index.ts';
import { createOpenApiDocument, OPENAPI_PATH } from '../src/openapi/index.ts';
import type { JsonSchema } from '../src/openapi/index.ts';
import { createRecordingLog } from './fixtures.ts';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Hono's `/v1/users/:identifier` (maybe with a `{regex}`) as OpenAPI's `/v1/users/{identifier}`. */
function toTemplate(path: string): string {
  const template = path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
  return template.length > 1 ? template.replace(/\/$/, '') : template;
}

/** `GET /v1/users/{identifier}` for every handler the app registered in the documented scope. */
function servedRoutes(app: Hono): string[] {
  const inScope = (path: string) => path.startsWith('/v1/') || path === '/healthz' || path === '/metrics';
  return app.routes
    .filter((route) => route.method !== 'ALL' && !route.path.endsWith('*') && inScope(route.path))
    .map((route) => `${route.method} ${toTemplate(route.path)}`);
}

/** `GET /v1/users/{identifier}` for every operation of the document. */
function documentedRoutes(document: JsonSchema): string[] {
  return Object.entries(document['paths'] as Record<string, JsonSchema>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** Every operation of the document with its path and the path item's own parameters. */
function operations(document: JsonSchema): { path: string; method: string; op: JsonSchema; shared: JsonSchema[] }[] {
  return Object.entries(document['paths'] as Record<string, JsonSchema>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([key]) => HTTP_METHODS.includes(key))
      .map(([method, op]) => ({ path, method, op: op as JsonSchema, shared: (item['parameters'] as JsonSchema[] | undefined) ?? [] })),
  );
}

/** Follows a local JSON pointer (`#/components/schemas/User`); undefined when it leads nowhere. */
function resolvePointer(document: JsonSchema, pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const raw of pointer.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A `$ref` object resolved (one level), or the object itself. */
function deref(document: JsonSchema, node: JsonSchema): JsonSchema {
  return typeof node['$ref'] === 'string' ? (resolvePointer(document, node['$ref']) as JsonSchema) : node;
}

/** Every reference in the document: `$ref` values and discriminator mappings, with where they are. */
function references(node: unknown, at = '#'): { at: string; target: string }[] {
  if (node === null || typeof node !== 'object') return [];
  const found: { at: string; target: string }[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') found.push({ at, target: value });
    else if (key === 'mapping' && value !== null && typeof value === 'object') {
      for (const target of Object.values(value)) found.push({ at: `${at}/mapping`, target: String(target) });
    } else found.push(...references(value, `${at}/${key}`));
  }
  return found;
}

describe('openapi', () => {
  let storage: Storage;
  let app: Hono;
  const document = createOpenApiDocument();
  beforeAll(async () => {
    storage = await openStorage('sqlite::memory:');
    app = createApp({ storage, bus: createMemoryBus(), log: createRecordingLog() });
  });
  afterAll(async () => storage.close());

  describe('GET /v1/openapi.json', () => {
    it('answers the document as JSON without credentials', async () => {
      const response = await app.request(OPENAPI_PATH);
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(document);
    });
  });

  describe('createOpenApiDocument()', () => {
    it('documents every route the app serves under /v1, /healthz and /metrics', () => {
      const documented = new Set(documentedRoutes(document));
      expect(servedRoutes(app).filter((route) => !documented.has(route))).toEqual([]);
    });

    it('documents no route the app does not serve', () => {
      const served = new Set(servedRoutes(app));
      expect(documentedRoutes(document).filter((route) => !served.has(route))).toEqual([]);
    });

    it('covers the routes the lists above are built from', () => {
      // Guards the comparison itself: an empty or mis-mapped route list would pass both tests above.
      const served = servedRoutes(app);
      expect(served).toContain('GET /v1/users/{identifier}');
      expect(served).toContain('PATCH /v1/me/notifications/{id}');
      expect(served).toContain('GET /metrics');
      expect(served.some((route) => route.includes('/v3/') || route.includes(':'))).toBe(false);
      expect(new Set(served).size).toBe(served.length);
    });

    it('declares OpenAPI 3.1 with an info block that mentions the /v3 routes', () => {
      expect(document['openapi']).toMatch(/^3\.1\.\d+$/);
      const info = document['info'] as JsonSchema;
      expect(info['title']).toEqual(expect.any(String));
      expect(info['version']).toEqual(expect.any(String));
      expect(info['description']).toContain('/v3');
    });

    it("describes the connect answer's app with exactly the fields the route answers", async () => {
      const { app: record } = await storage.createApp({ name: 'Acme' });
      const response = await app.request('/v1/me/connect', { method: 'POST', headers: { 'X-API-Key': record.apiKey, 'X-User-Id': 'ada' } });
      const answered = ((await response.json()) as { app: Record<string, unknown> }).app;
      const schema = resolvePointer(document, '#/components/schemas/ConnectResponse/properties/app') as JsonSchema;
      expect(Object.keys(schema['properties'] as JsonSchema).sort()).toEqual(Object.keys(answered).sort());
      expect(answered).toEqual({ secureMode: false, name: 'Acme' });
    });

    it('describes the tab counts answer with exactly the fields the route answers', async () => {
      const { app: record } = await storage.createApp();
      const headers = { 'X-API-Key': record.apiKey, 'X-User-Id': 'ada' };
      await app.request('/v1/me/connect', { method: 'POST', headers });
      const answered = (await (await app.request('/v1/me/counts?category=billing', { headers })).json()) as Record<string, unknown>;
      const schema = resolvePointer(document, '#/components/schemas/TabCounts') as JsonSchema;
      expect(Object.keys(schema['properties'] as JsonSchema).sort()).toEqual(Object.keys(answered).sort());
      expect(schema['required']).toEqual(['counts', 'archived', 'categories', 'seq']);
      expect(answered['categories']).toEqual({ billing: 0 });
    });

    it('resolves every $ref and discriminator mapping', () => {
      const refs = references(document);
      expect(refs.length).toBeGreaterThan(50);
      expect(refs.filter(({ target }) => resolvePointer(document, target) === undefined)).toEqual([]);
    });

    it('declares every path parameter of every path, and no other', () => {
      const problems: string[] = [];
      for (const { path, method, op, shared } of operations(document)) {
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const parameters = [...shared, ...((op['parameters'] as JsonSchema[] | undefined) ?? [])].map((p) => deref(document, p));
        const declared = parameters.filter((p) => p['in'] === 'path');
        for (const name of inPath) if (!declared.some((p) => p['name'] === name)) problems.push(`${method} ${path}: {${name}} not declared`);
        for (const p of declared) {
          if (!inPath.includes(p['name'] as string)) problems.push(`${method} ${path}: declares ${String(p['name'])}, not in the path`);
          if (p['required'] !== true) problems.push(`${method} ${path}: path parameter ${String(p['name'])} must be required`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('gives every operation a unique operationId, a summary and a success answer', () => {
      const ops = operations(document).map(({ op }) => op);
      const ids = ops.map((op) => op['operationId']);
      expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const op of ops) {
        expect(op['summary']).toEqual(expect.any(String));
        expect(Object.keys(op['responses'] as JsonSchema).some((status) => /^2\d\d$/.test(status))).toBe(true);
      }
    });

    it('names only defined security schemes, and never needs the API secret on the client API', () => {
      const schemes = (document['components'] as JsonSchema)['securitySchemes'] as Record<string, JsonSchema>;
      expect(schemes['userToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.values(schemes).filter((s) => s['type'] === 'apiKey').map((s) => [s['in'], s['name']])).toEqual([
        ['header', 'X-API-Key'],
        ['header', 'X-API-Secret'],
        ['header', 'X-User-Id'],
      ]);
      for (const { path, op } of operations(document)) {
        const requirements = op['security'] as Record<string, unknown>[];
        for (const requirement of requirements) for (const name of Object.keys(requirement)) expect(schemes[name], name).toBeDefined();
        if (path.startsWith('/v1/me/')) expect(requirements.map(Object.keys)).toEqual([['apiKey', 'userId'], ['apiKey', 'userToken']]);
        else if (path.startsWith('/v1/') && path !== OPENAPI_PATH) expect(requirements.map(Object.keys)).toEqual([['apiKey', 'apiSecret']]);
        else expect(requirements).toEqual([]);
      }
    });

    it('answers 429 with Retry-After and RateLimit headers wherever credentials are required', () => {
      const rateLimited = deref(document, { $ref: '#/components/responses/RateLimited' });
      expect(Object.keys(rateLimited['headers'] as JsonSchema)).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']));
      for (const { path, method, op } of operations(document)) {
        const responses = op['responses'] as JsonSchema;
        const secured = (op['security'] as unknown[]).length > 0;
        expect(Object.hasOwn(responses, '429'), `${method} ${path}`).toBe(secured);
        expect(Object.hasOwn(responses, '401'), `${method} ${path}`).toBe(secured);
      }
    });

    it('lists every error code in ErrorBody', () => {
      const errorBody = resolvePointer(document, '#/components/schemas/ErrorBody/properties/error/properties/code') as JsonSchema;
      expect(errorBody['enum']).toEqual([...ERROR_CODES]);
    });

    it('describes the Idempotency-Key header with its 409 and 422 answers', () => {
      const trigger = resolvePointer(document, '#/paths/~1v1~1notifications/post') as JsonSchema;
      const headers = (trigger['parameters'] as JsonSchema[]).map((p) => deref(document, p)).filter((p) => p['in'] === 'header');
      expect(headers.map((p) => p['name'])).toEqual(['Idempotency-Key']);
      expect(Object.keys(trigger['responses'] as JsonSchema)).toEqual(expect.arrayContaining(['202', '409', '413', '422']));
    });

    it('describes the event stream and its long-poll fallback with their cursor and every event type', () => {
      const stream = resolvePointer(document, '#/paths/~1v1~1me~1events/get') as JsonSchema;
      const parameters = (stream['parameters'] as JsonSchema[]).map((p) => deref(document, p)).map((p) => `${String(p['in'])} ${String(p['name'])}`);
      expect(parameters).toEqual(['header Last-Event-ID', 'query after', 'query wait']);
      const content = resolvePointer(document, '#/paths/~1v1~1me~1events/get/responses/200/content') as JsonSchema;
      expect(Object.keys(content)).toEqual(['text/event-stream', 'application/json']);
      expect(deref(document, (content['application/json'] as JsonSchema)['schema'] as JsonSchema)['required']).toEqual(['events', 'seq']);
      const mapping = resolvePointer(document, '#/components/schemas/StreamEvent/discriminator/mapping') as JsonSchema;
      expect(Object.keys(mapping).sort()).toEqual([...EVENT_TYPES].sort());
    });

    it('gives every request body a JSON schema and an example', () => {
      const bodies = operations(document).filter(({ op }) => op['requestBody']);
      expect(bodies.map(({ op }) => op['operationId']).sort()).toEqual(
        ['bulkUpdateNotifications', 'setPreferences', 'triggerNotification', 'updateNotification', 'updateProfile', 'upsertUser', 'upsertWorkflow'].sort(),
      );
      for (const { op } of bodies) {
        const media = resolvePointer(op as JsonSchema, '#/requestBody/content/application~1json') as JsonSchema;
        expect(media['schema']).toBeDefined();
        expect(media['example']).toBeDefined();
      }
    });
  });
});
