import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTRIBUTE_SIZE } from 'belfry/protocol';
import type { Attributes } from 'belfry/protocol';
import { userTopic } from '../../src/index.ts';
import { MAX_BODY_BYTES } from '../../src/http/index.ts';
import { backendHeaders, clientHeaders, connect, createAttributes, createTestService, createTrigger, deliverMany, putUser, send, trigger } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

describe('userRoutes', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  const backend = () => ({ headers: backendHeaders(service) });
  const appId = async () => (await service.storage.findAppByApiKey(service.apiKey))!.id;
  const findUser = async (identifier: string) => service.storage.findUser(await appId(), identifier);
  /** Backend headers of a second app in the same service. */
  const otherApp = async () => {
    const { app, apiSecret } = await service.storage.createApp();
    return { headers: { 'X-API-Key': app.apiKey, 'X-API-Secret': apiSecret, 'Content-Type': 'application/json' } };
  };

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

    it('accepts an E.164 number of a possible length and refuses an impossible one', async () => {
      expect((await putUser(service, 'ada', { phoneNumber: '+16020000000' })).body.attributes.phoneNumber).toBe('+16020000000');
      expect((await putUser(service, 'ada', { phoneNumber: '+442071838750' })).status).toBe(200);
      // E.164 in shape, but NANP numbers have ten digits and +999 is no country code.
      for (const phoneNumber of ['+1602000000', '+160200000001', '+999123456789']) {
        const answer = await putUser(service, 'ada', { phoneNumber });
        expect(answer.status, phoneNumber).toBe(400);
        expect(answer.body.error).toEqual({ code: 'invalid_request', message: 'phoneNumber is not a possible phone number for its country code' });
      }
      expect((await findUser('ada'))!.attributes['phoneNumber']).toBe('+442071838750');
    });

    it('answers 400 naming an email or phone number of the wrong type', async () => {
      const cases: [Attributes, string][] = [[{ email: 42 }, 'email'], [{ email: ['ada@example.com'] }, 'email'], [{ phoneNumber: 16020000000 }, 'phoneNumber'], [{ phoneNumber: {} }, 'phoneNumber']];
      for (const [attributes, field] of cases) {
        const answer = await putUser(service, 'ada', attributes);
        expect(answer.status, JSON.stringify(attributes)).toBe(400);
        expect(answer.body.error.message.startsWith(`${field} must be`)).toBe(true);
      }
      expect(await findUser('ada')).toBeNull();
    });

    it('removes a phone number set to null', async () => {
      await putUser(service, 'ada', { phoneNumber: '+16020000000' });
      expect((await putUser(service, 'ada', { phoneNumber: null })).body.attributes).toEqual({});
    });

    it('keeps the creation time of an existing user', async () => {
      const created = await putUser(service, 'ada', createAttributes());
      const updated = await putUser(service, 'ada', { locale: 'en' });
      expect(updated.body).toMatchObject({ identifier: 'ada', createdAt: created.body.createdAt, attributes: { locale: 'en' } });
    });

    it('ignores an identifier in the body that matches the path and refuses one that does not', async () => {
      const echoed = await putUser(service, 'ada', { identifier: 'ada', firstName: 'Ada' });
      expect(echoed.body).toMatchObject({ identifier: 'ada', attributes: { firstName: 'Ada' } });
      expect(echoed.body.attributes).not.toHaveProperty('identifier');
      const renamed = await putUser(service, 'ada', { identifier: 'bob', locale: 'en' });
      expect(renamed.status).toBe(400);
      expect(renamed.body.error.message).toMatch(/^identifier cannot be changed/);
      expect(await findUser('bob')).toBeNull();
      expect((await findUser('ada'))!.attributes).toEqual({ firstName: 'Ada' });
    });

    it('answers 400 for an oversized attribute, a bad attribute name or too many attributes at once', async () => {
      const big = await putUser(service, 'ada', { bio: 'x'.repeat(MAX_ATTRIBUTE_SIZE) });
      expect(big.body.error.message).toMatch(/^bio must be at most/);
      expect((await putUser(service, 'ada', { ['k'.repeat(65)]: 1 })).status).toBe(400);
      const many = await putUser(service, 'ada', Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, i])));
      expect(many.status).toBe(400);
      expect(await findUser('ada')).toBeNull();
    });

    it('answers 400 invalid_json for malformed JSON and 413 for a body over the limit', async () => {
      const malformed = await send(service, 'PUT', '/v1/users/ada', { ...backend(), body: '{"email": ' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('invalid_json');
      const empty = await send(service, 'PUT', '/v1/users/ada', backend());
      expect(empty.body.error.code).toBe('invalid_json');
      const huge = await send(service, 'PUT', '/v1/users/ada', { ...backend(), body: { bio: 'x'.repeat(MAX_BODY_BYTES) } });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
    });

    it('answers 401 without the API secret or with a wrong one', async () => {
      const noSecret = await send(service, 'PUT', '/v1/users/ada', { headers: { 'X-API-Key': service.apiKey }, body: {} });
      expect(noSecret.status).toBe(401);
      const wrong = await send(service, 'PUT', '/v1/users/ada', { headers: { ...backendHeaders(service), 'X-API-Secret': 'wrong' }, body: {} });
      expect(wrong.body.error.code).toBe('unauthorized');
    });

    it('writes user.updated for an existing user and pokes its streams', async () => {
      await connect(service, 'ada');
      const user = (await findUser('ada'))!;
      const pokes: number[] = [];
      const unsubscribe = await service.bus.subscribe(userTopic(user.id), (seq) => pokes.push(seq));
      await putUser(service, 'ada', { firstName: 'Ada' });
      await putUser(service, 'ada', { firstName: 'Ada' });
      unsubscribe();
      expect(pokes).toEqual([1]);
      expect(await service.storage.listEvents(user.id, 0, 10)).toEqual([
        { type: 'user.updated', seq: 1, user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, counts: { unseen: 0, unread: 0 } },
      ]);
    });

    it("keeps each app's users apart", async () => {
      const other = await otherApp();
      await putUser(service, 'ada', { firstName: 'Ada' });
      const theirs = await send(service, 'PUT', '/v1/users/ada', { ...other, body: { firstName: 'Other' } });
      expect(theirs.body.attributes).toEqual({ firstName: 'Other' });
      expect((await findUser('ada'))!.attributes).toEqual({ firstName: 'Ada' });
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

    it("answers 404 for another app's user", async () => {
      await putUser(service, 'ada');
      const answer = await send(service, 'GET', '/v1/users/ada', await otherApp());
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('user_not_found');
    });

    it('answers 400 for an identifier over 256 characters', async () => {
      const answer = await send(service, 'GET', `/v1/users/${'x'.repeat(257)}`, backend());
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/^identifier must be 1–256 characters/);
    });
  });

  describe('DELETE /v1/users/{identifier}', () => {
    it('answers 204 with no body and forgets the user', async () => {
      await putUser(service, 'ada');
      const response = await service.app.request('/v1/users/ada', { method: 'DELETE', headers: backendHeaders(service) });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect((await send(service, 'GET', '/v1/users/ada', backend())).status).toBe(404);
    });

    it('removes the notifications, events and preferences, so a new user of that identifier starts empty', async () => {
      await deliverMany(service, 'ada', 2);
      await send(service, 'PUT', '/v1/me/preferences', { headers: clientHeaders(service, 'ada'), body: { preferences: { billing: { email: false } } } });
      const old = (await findUser('ada'))!;
      await send(service, 'DELETE', '/v1/users/ada', backend());
      expect(await service.storage.listEvents(old.id, 0, 100)).toEqual([]);
      expect(await service.storage.preferences.get(old.id)).toEqual({});
      expect(await service.storage.listNotifications(old.id, { limit: 100, before: null, status: 'all', category: null })).toMatchObject({ items: [] });

      const reconnected = await connect(service, 'ada');
      expect(reconnected.body).toMatchObject({ user: { attributes: {} }, counts: { unseen: 0, unread: 0 }, seq: 0 });
      expect((await send(service, 'GET', '/v1/me/notifications?status=all', { headers: clientHeaders(service, 'ada') })).body.items).toEqual([]);
      expect((await send(service, 'GET', '/v1/me/preferences', { headers: clientHeaders(service, 'ada') })).body.preferences).toEqual({});
    });

    it('discards later triggers to the deleted identifier', async () => {
      await putUser(service, 'ada');
      await send(service, 'DELETE', '/v1/users/ada', backend());
      const answer = await trigger(service, createTrigger({ recipients: ['ada'] }));
      expect(answer.body.discarded).toEqual([{ identifier: 'ada', reason: 'user_not_found' }]);
    });

    it('leaves other users alone', async () => {
      await deliverMany(service, 'bob', 1);
      await putUser(service, 'ada');
      await send(service, 'DELETE', '/v1/users/ada', backend());
      expect((await send(service, 'GET', '/v1/users/bob/notifications', backend())).body.items).toHaveLength(1);
    });

    it('answers 404 user_not_found for an unknown user, a second delete and another app', async () => {
      await putUser(service, 'ada');
      const foreign = await send(service, 'DELETE', '/v1/users/ada', await otherApp());
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('user_not_found');
      expect(await findUser('ada')).not.toBeNull();
      expect((await send(service, 'DELETE', '/v1/users/ada', backend())).status).toBe(204);
      const again = await send(service, 'DELETE', '/v1/users/ada', backend());
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('user_not_found');
    });

    it('answers 400 for an identifier with control characters', async () => {
      const answer = await send(service, 'DELETE', '/v1/users/a%07b', backend());
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('identifier');
    });
  });

  describe('GET /v1/users/{identifier}/notifications', () => {
    const list = async (identifier: string, query = '') => send(service, 'GET', `/v1/users/${encodeURIComponent(identifier)}/notifications${query}`, backend());

    it('pages newest first with the same cursor as the client list', async () => {
      const ids = await deliverMany(service, 'ada', 3);
      const first = await list('ada', '?limit=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ counts: { unseen: 3, unread: 3 }, seq: 3 });
      expect(first.body.items.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
      const client = await send(service, 'GET', '/v1/me/notifications?limit=2', { headers: clientHeaders(service, 'ada') });
      expect(first.body).toEqual(client.body);
      await trigger(service, createTrigger({ recipients: ['ada'] }));
      const second = await list('ada', `?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('filters by status and category', async () => {
      const [read] = await deliverMany(service, 'ada', 2, { category: 'billing' });
      await trigger(service, createTrigger({ recipients: ['ada'], notification: { category: 'social' } }));
      await send(service, 'PATCH', `/v1/me/notifications/${read}`, { headers: clientHeaders(service, 'ada'), body: { read: true } });
      expect((await list('ada', '?status=read')).body.items.map((n: { id: string }) => n.id)).toEqual([read]);
      expect((await list('ada', '?status=unread')).body.items).toHaveLength(2);
      expect((await list('ada', '?category=social')).body.items.map((n: { category: string }) => n.category)).toEqual(['social']);
    });

    it('answers 400 naming a bad limit, cursor or status', async () => {
      await putUser(service, 'ada');
      for (const [query, field] of [['?limit=0', 'limit'], ['?limit=101', 'limit'], ['?cursor=-1', 'cursor'], ['?status=new', 'status']]) {
        const answer = await list('ada', query);
        expect(answer.status, query).toBe(400);
        expect(answer.body.error.message.startsWith(field!), query).toBe(true);
      }
    });

    it("answers 404 user_not_found for an unknown user and another app's user", async () => {
      await deliverMany(service, 'ada', 1);
      expect((await list('nobody')).body.error.code).toBe('user_not_found');
      const foreign = await send(service, 'GET', '/v1/users/ada/notifications', await otherApp());
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe('user_not_found');
    });
  });

  describe('validAttributes() in triggers', () => {
    it('refuses an impossible phone number of an inline recipient, naming it', async () => {
      const answer = await trigger(service, createTrigger({ recipients: [{ identifier: 'ada', phoneNumber: '+1602000000' }] }));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe('sendTo.recipients[0].phoneNumber is not a possible phone number for its country code');
      expect(await findUser('ada')).toBeNull();
    });
  });
});
