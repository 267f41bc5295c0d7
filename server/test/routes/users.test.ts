import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendHeaders, createAttributes, createTestService, putUser, send } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

describe('userRoutes', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  describe('PUT /v1/users/{identifier}', () => {
    it('creates a user with the given attributes', async () => {
      const answer = await putUser(service, 'ada', createAttributes());
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ identifier: 'ada', attributes: { firstName: 'Ada', email: 'ada@example.com' } });
      expect(Date.parse(answer.body.createdAt)).not.toBeNaN();
    });

    it('merges attributes and removes the ones set to null', async () => {
      await putUser(service, 'ada', createAttributes({ locale: 'en' }));
      const answer = await putUser(service, 'ada', { email: null, lastName: 'Lovelace', locale: 'fr' });
      expect(answer.body.attributes).toEqual({ firstName: 'Ada', locale: 'fr', lastName: 'Lovelace' });
    });

    it('takes a percent-encoded identifier from the path exactly', async () => {
      await putUser(service, 'Ada/Ünïcode user@x', createAttributes());
      const answer = await send(service, 'GET', `/v1/users/${encodeURIComponent('Ada/Ünïcode user@x')}`, { headers: backendHeaders(service) });
      expect(answer.body.identifier).toBe('Ada/Ünïcode user@x');
      expect((await send(service, 'GET', '/v1/users/ada%2F%C3%9Cn%C3%AFcode%20user%40x', { headers: backendHeaders(service) })).status).toBe(404);
    });

    it('answers 400 naming an invalid email or phone number', async () => {
      const email = await putUser(service, 'ada', { email: 'not-an-email' });
      expect(email.status).toBe(400);
      expect(email.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('email') });
      const phone = await putUser(service, 'ada', { phoneNumber: '555-1234' });
      expect(phone.body.error.message).toContain('phoneNumber');
    });

    it('answers 400 for a body that is not an object', async () => {
      for (const body of ['[1,2]', '"text"', '42', 'null']) {
        const answer = await send(service, 'PUT', '/v1/users/ada', { headers: backendHeaders(service), body });
        expect(answer.status, body).toBe(400);
        expect(answer.body.error.code).toBe('invalid_request');
      }
    });

    it('answers 400 for an identifier with control characters or over 256 characters', async () => {
      expect((await putUser(service, 'a\u0007b')).status).toBe(400);
      expect((await putUser(service, 'x'.repeat(257))).status).toBe(400);
      expect((await putUser(service, 'x'.repeat(256))).status).toBe(200);
    });

    it('answers 400 when the merge would exceed the attribute limit', async () => {
      const many = (from: number) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`a${from + i}`, i]));
      expect((await putUser(service, 'ada', many(0))).status).toBe(200);
      const answer = await putUser(service, 'ada', many(100));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/100 attributes/);
    });
  });

  describe('GET /v1/users/{identifier}', () => {
    it('answers the stored user', async () => {
      await putUser(service, 'ada', createAttributes());
      const answer = await send(service, 'GET', '/v1/users/ada', { headers: backendHeaders(service) });
      expect(answer.body).toMatchObject({ identifier: 'ada', attributes: createAttributes() });
    });

    it('answers 404 user_not_found for an unknown or differently cased identifier', async () => {
      await putUser(service, 'ada');
      const answer = await send(service, 'GET', '/v1/users/Ada', { headers: backendHeaders(service) });
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('user_not_found');
    });
  });
});
