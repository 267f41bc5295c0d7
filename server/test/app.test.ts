import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, createMemoryBus } from '../src/index.ts';
import type { Storage } from '../src/index.ts';
import { backendHeaders, clientHeaders, connect, createRecordingLog, createTestService, putUser, send } from './fixtures.ts';
import type { TestService } from './fixtures.ts';

describe('createApp', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  describe('GET /healthz', () => {
    it('answers 200 {ok: true}', async () => {
      const answer = await send(service, 'GET', '/healthz');
      expect(answer).toMatchObject({ status: 200, body: { ok: true } });
    });
  });

  describe('unknown routes', () => {
    it('answer 404 not_found as JSON', async () => {
      const answer = await send(service, 'GET', '/v1/nothing-here');
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
      expect(answer.headers.get('Content-Type')).toMatch(/application\/json/);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from any origin with the protocol headers and methods', async () => {
      const response = await service.app.request('/v1/me/notifications', {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'x-user-id' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const allowed = response.headers.get('Access-Control-Allow-Headers')!.toLowerCase();
      for (const header of ['content-type', 'x-api-key', 'x-user-id', 'authorization', 'last-event-id', 'idempotency-key']) expect(allowed).toContain(header);
      expect(response.headers.get('Access-Control-Allow-Methods')).toContain('PATCH');
      expect(Number(response.headers.get('Access-Control-Max-Age'))).toBeGreaterThan(0);
    });

    it('lets another origin read error answers', async () => {
      const response = await service.app.request('/v1/me/connect', { method: 'POST', headers: { Origin: 'https://shop.example' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    });
  });

  describe('backend auth', () => {
    it('answers 401 unauthorized for a missing header, an unknown key or a wrong secret', async () => {
      const cases: Record<string, string>[] = [
        { 'X-API-Key': service.apiKey },
        { 'X-API-Secret': service.apiSecret },
        { 'X-API-Key': 'bk_unknown', 'X-API-Secret': service.apiSecret },
        { 'X-API-Key': service.apiKey, 'X-API-Secret': service.apiSecret + 'x' },
        { 'X-API-Key': service.apiKey, 'X-API-Secret': 'short' },
      ];
      for (const headers of cases) {
        const answer = await send(service, 'PUT', '/v1/users/ada', { headers, body: {} });
        expect(answer.status, JSON.stringify(headers)).toBe(401);
        expect(answer.body.error.code).toBe('unauthorized');
      }
      expect((await send(service, 'GET', '/v1/users/ada', { headers: clientHeaders(service, 'ada') })).status).toBe(401);
    });
  });

  describe('client auth', () => {
    it('answers 401 without an API key or user id, and for an unknown key', async () => {
      const cases: Record<string, string>[] = [{ 'X-User-Id': 'ada' }, { 'X-API-Key': service.apiKey }, { 'X-API-Key': 'bk_nope', 'X-User-Id': 'ada' }];
      for (const headers of cases) {
        const answer = await send(service, 'POST', '/v1/me/connect', { headers });
        expect(answer.status).toBe(401);
        expect(answer.body.error.code).toBe('unauthorized');
      }
    });

    it('answers 400 for a malformed percent-encoded X-User-Id', async () => {
      const answer = await send(service, 'POST', '/v1/me/connect', { headers: { 'X-API-Key': service.apiKey, 'X-User-Id': '%E0%A4%A' } });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('X-User-Id') });
    });

    it('answers 400 for a user id with control characters', async () => {
      const answer = await send(service, 'POST', '/v1/me/connect', { headers: { 'X-API-Key': service.apiKey, 'X-User-Id': 'a%00b' } });
      expect(answer.status).toBe(400);
    });
  });

  describe('secure mode', () => {
    let secure: TestService;
    beforeEach(async () => (secure = await createTestService({ secureMode: true })));
    afterEach(async () => secure.close());

    it('answers 401 user_token_required without a bearer token and never creates the user', async () => {
      for (const path of ['/v1/me/connect', '/v1/me/notifications', '/v1/me/events']) {
        const answer = await send(secure, path === '/v1/me/connect' ? 'POST' : 'GET', path, { headers: clientHeaders(secure, 'ada') });
        expect(answer.status, path).toBe(401);
        expect(answer.body.error.code).toBe('user_token_required');
      }
      expect((await send(secure, 'GET', '/v1/users/ada', { headers: backendHeaders(secure) })).status).toBe(404);
    });

    it('answers 401 unauthorized to a bearer token until tokens can be verified', async () => {
      const answer = await send(secure, 'POST', '/v1/me/connect', { headers: { ...clientHeaders(secure, 'ada'), Authorization: 'Bearer abc.def.ghi' } });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('unauthorized');
    });

    it('still serves the backend API', async () => {
      expect((await putUser(secure, 'ada')).status).toBe(200);
    });
  });

  describe('bad input', () => {
    const bodyEndpoints = (s: TestService): [string, string, Record<string, string>][] => [
      ['PUT', '/v1/users/ada', backendHeaders(s)],
      ['POST', '/v1/notifications', backendHeaders(s)],
      ['PATCH', '/v1/me/notifications/ntf_x', clientHeaders(s, 'ada')],
      ['POST', '/v1/me/notifications/bulk', clientHeaders(s, 'ada')],
    ];

    it('answers 400 invalid_json for malformed or empty JSON on every endpoint with a body', async () => {
      await connect(service, 'ada');
      for (const [method, path, headers] of bodyEndpoints(service)) {
        for (const body of ['{"a":', 'not json', '']) {
          const answer = await send(service, method, path, { headers, body });
          expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
          expect(answer.body.error.code).toBe('invalid_json');
        }
      }
    });

    it('answers 4xx, never 500, for wrong types anywhere', async () => {
      await connect(service, 'ada');
      const nonObjects = [null, 1, 'x', [], true];
      const wrongShapes = [{ notification: 5 }, { notification: {}, sendTo: 5 }, { sendTo: { recipients: {} } }, { read: 1, action: [] }];
      for (const [method, path, headers] of bodyEndpoints(service)) {
        for (const body of nonObjects) {
          const answer = await send(service, method, path, { headers, body: JSON.stringify(body) });
          expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
          expect(answer.body.error.code).toBe('invalid_request');
        }
        for (const body of wrongShapes) {
          const answer = await send(service, method, path, { headers, body: JSON.stringify(body) });
          expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
        }
      }
      const trigger = await send(service, 'POST', '/v1/notifications', {
        headers: backendHeaders(service),
        body: { notification: { title: 1, actions: [{ id: 'a' }] }, sendTo: { recipients: ['ada'] } },
      });
      expect(trigger.body.error).toEqual({ code: 'invalid_request', message: 'notification.title must be a string' });
      expect(service.log.entries.filter((e) => e.level === 'error')).toEqual([]);
    });
  });

  describe('request bodies', () => {
    const nested = (depth: number) => `{"firstName":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

    it('accept nesting up to 64 levels, counting only brackets outside strings', async () => {
      const body = `{"a":${'['.repeat(63)}"[[[[{{{{"${']'.repeat(63)}}`;
      const answer = await send(service, 'PUT', '/v1/users/ada', { headers: backendHeaders(service), body });
      expect(answer.status).toBe(200);
      expect((await send(service, 'PUT', '/v1/users/ada', { headers: backendHeaders(service), body: nested(64) })).status).toBe(200);
    });

    it.each([65, 100_000])('answer 400 for %i levels of nesting instead of overflowing the stack', async (depth) => {
      const answer = await send(service, 'PUT', '/v1/users/ada', { headers: backendHeaders(service), body: nested(depth) });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({ code: 'invalid_request', message: 'the request body nests deeper than 64 levels' });
    });
  });

  describe('unexpected errors', () => {
    it('are logged and answered 500 internal without internals', async () => {
      const log = createRecordingLog();
      const broken = new Proxy({} as Storage, {
        get: () => async () => {
          throw new Error('disk on fire at /var/secret/path');
        },
      });
      const app = createApp({ storage: broken, bus: createMemoryBus(), log });
      const response = await app.request('/v1/users/ada', { headers: { 'X-API-Key': 'k', 'X-API-Secret': 's' } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
      expect(text).not.toContain('secret');
      expect(log.entries.filter((entry) => entry.level === 'error')).toMatchObject([{ level: 'error', fields: { error: expect.objectContaining({ message: expect.stringContaining('disk on fire') }) } }]);
    });
  });
});
