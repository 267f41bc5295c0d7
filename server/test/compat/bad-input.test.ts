// Every /v3 route answers bad input with a 4xx in the `{"error": {"code", "message"}}` shape,
// never a 500, in-process (no SDK: these are requests the SDK would never build).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestService, send } from '../fixtures.ts';
import type { JsonAnswer, TestService } from '../fixtures.ts';

describe('compatRoutes bad input', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  const headers = () => ({ 'X-ENGAGESPOT-API-KEY': service.apiKey, 'X-ENGAGESPOT-API-SECRET': service.apiSecret, 'Content-Type': 'application/json' });
  const v3 = (method: string, path: string, body?: unknown) => send(service, method, `/v3${path}`, { headers: headers(), body });
  const expectError = (answer: JsonAnswer, status: number, code: string) => {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
  };

  describe('authentication', () => {
    it('answers 401 without the Engagespot headers, or with Belfry header names instead', async () => {
      expectError(await send(service, 'GET', '/v3/notifications?userIdentifier=ada'), 401, 'unauthorized');
      const belfryHeaders = { 'X-API-Key': service.apiKey, 'X-API-Secret': service.apiSecret };
      expectError(await send(service, 'GET', '/v3/notifications?userIdentifier=ada', { headers: belfryHeaders }), 401, 'unauthorized');
    });
  });

  describe('POST /v3/notifications', () => {
    it('answers 400 for malformed JSON and for fields of the wrong type', async () => {
      expectError(await v3('POST', '/notifications', '{"notification":'), 400, 'invalid_json');
      const cases: [unknown, string][] = [
        [{ sendTo: { recipients: ['ada'] } }, 'notification'],
        [{ notification: 'hi', sendTo: { recipients: ['ada'] } }, 'notification'],
        [{ notification: { title: 5 }, sendTo: { recipients: ['ada'] } }, 'notification.title'],
        [{ notification: { workflow: 'order' }, sendTo: { recipients: ['ada'] } }, 'notification.workflow'],
        [{ notification: { title: 'T' }, data: [1], sendTo: { recipients: ['ada'] } }, 'data'],
        [{ notification: { title: 'T' }, sendTo: { recipients: [5] } }, 'sendTo.recipients[0]'],
        [{ notification: { title: 'T' }, sendTo: { recipients: [{ email: 'a@b.co' }] } }, 'identifier'],
        [{ notification: { title: 'T' }, recipients: {} }, 'recipients'],
        [{ notification: { title: 'T' } }, 'sendTo.recipients'],
        [{ notification: { title: 'T', url: 'javascript:alert(1)' }, sendTo: { recipients: ['ada'] } }, 'notification.url'],
        [{ notification: { title: 'T' }, category: 7, sendTo: { recipients: ['ada'] } }, 'notification.category'],
      ];
      for (const [body, field] of cases) {
        const answer = await v3('POST', '/notifications', body);
        expectError(answer, 400, 'invalid_request');
        expect(answer.body.error.message, JSON.stringify(body)).toContain(field);
      }
    });

    it('answers 413 for a body over the limit', async () => {
      const body = { notification: { title: 'T' }, data: { blob: 'x'.repeat(300 * 1024) }, sendTo: { recipients: ['ada'] } };
      expectError(await v3('POST', '/notifications', body), 413, 'payload_too_large');
    });
  });

  describe('GET /v3/notifications', () => {
    it('answers 400 for a missing user or bad paging values', async () => {
      for (const query of ['', '?userIdentifier=', '?userIdentifier=ada&pageNo=0', '?userIdentifier=ada&pageNo=x', '?userIdentifier=ada&limit=101', '?userIdentifier=ada&limit=-1', '?userIdentifier=ada&pageNo=99999999']) {
        expectError(await v3('GET', `/notifications${query}`), 400, 'invalid_request');
      }
    });
  });

  describe('PUT /v3/users/:identifier', () => {
    it('answers 400 for malformed JSON, a non-object profile, or a bad phone number', async () => {
      expectError(await v3('PUT', '/users/ada', '{'), 400, 'invalid_json');
      expectError(await v3('PUT', '/users/ada', [1, 2]), 400, 'invalid_request');
      expectError(await v3('PUT', '/users/ada', { phoneNumber: '12' }), 400, 'invalid_request');
    });
  });

  describe('POST /v3/notifications/categories', () => {
    it('answers 400 for a missing or wrongly typed identifier or name', async () => {
      expectError(await v3('POST', '/notifications/categories', 'nope'), 400, 'invalid_json');
      for (const body of [{}, { identifier: 5, name: 'X' }, { identifier: 'x'.repeat(101), name: 'X' }, { identifier: 'a\u0000b', name: 'X' }, { identifier: 'orders', name: 5 }, { identifier: 'orders', name: '' }]) {
        expectError(await v3('POST', '/notifications/categories', body), 400, 'invalid_request');
      }
    });
  });

  describe('notification changes', () => {
    it('answers 404 for unknown ids on every change route', async () => {
      for (const [method, path] of [['PATCH', '/notifications/ntf_x/click'], ['POST', '/notifications/ntf_x.YWRh/click'], ['DELETE', '/notifications/ntf_x/reads'], ['DELETE', '/notifications/ntf_x/views'], ['DELETE', '/notifications/ntf_x.YWRh']] as const) {
        expectError(await v3(method, path), 404, 'notification_not_found');
      }
    });
  });
});
