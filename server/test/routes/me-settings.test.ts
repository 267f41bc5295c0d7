import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Preferences } from 'belfry/protocol';
import { userTopic } from '../../src/index.ts';
import { MAX_BODY_BYTES } from '../../src/http/index.ts';
import { backendHeaders, clientHeaders, connect, createTestService, putUser, send } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

/** A preferences patch with sensible defaults. */
function createPreferences(overrides: Preferences = {}): Preferences {
  return { billing: { email: false, inApp: true }, ...overrides };
}

/** `count` categories named `c0`, `c1`, ... each with email off. */
function manyCategories(count: number, from = 0): Preferences {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${from + i}`, { email: false }]));
}

describe('registerMeSettings', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  const as = (userId: string) => ({ headers: clientHeaders(service, userId) });
  const appId = async () => (await service.storage.findAppByApiKey(service.apiKey))!.id;
  const putPreferences = (userId: string, body: unknown) => send(service, 'PUT', '/v1/me/preferences', { ...as(userId), body });
  const patchProfile = (userId: string, body: unknown) => send(service, 'PATCH', '/v1/me/profile', { ...as(userId), body });

  describe('GET /v1/me/preferences', () => {
    it('answers no preferences and no categories for a new user of a new app', async () => {
      await connect(service, 'ada');
      const answer = await send(service, 'GET', '/v1/me/preferences', as('ada'));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ preferences: {}, categories: [] });
    });

    it("lists the app's named categories and its workflows' categories once each, by identifier", async () => {
      const id = await appId();
      await service.storage.categories.upsert(id, 'social', 'Social activity');
      await service.storage.categories.upsert(id, 'billing', 'Billing');
      const inApp = { inApp: { title: 't', message: 'm' } };
      await service.storage.workflows.upsert(id, 'invoice', { name: 'Invoice', category: 'billing', channels: inApp });
      await service.storage.workflows.upsert(id, 'digest', { name: 'Digest', category: 'account', channels: inApp });
      await service.storage.workflows.upsert(id, 'welcome', { name: 'Welcome', category: null, channels: inApp });
      // Another app's categories stay out.
      const { app: other } = await service.storage.createApp();
      await service.storage.categories.upsert(other.id, 'secret', 'Secret');
      await connect(service, 'ada');
      const answer = await send(service, 'GET', '/v1/me/preferences', as('ada'));
      expect(answer.body.categories).toEqual([
        { identifier: 'account', name: 'account' },
        { identifier: 'billing', name: 'Billing' },
        { identifier: 'social', name: 'Social activity' },
      ]);
    });

    it("answers only the user's own preferences", async () => {
      await connect(service, 'ada');
      await connect(service, 'bob');
      await putPreferences('ada', { preferences: createPreferences() });
      expect((await send(service, 'GET', '/v1/me/preferences', as('bob'))).body.preferences).toEqual({});
      expect((await send(service, 'GET', '/v1/me/preferences', as('ada'))).body.preferences).toEqual(createPreferences());
    });
  });

  describe('PUT /v1/me/preferences', () => {
    it('merges the patch per category and channel and answers the result with the categories', async () => {
      await connect(service, 'ada');
      await service.storage.categories.upsert(await appId(), 'billing', 'Billing');
      await putPreferences('ada', { preferences: { billing: { email: false, sms: false }, social: { inApp: false } } });
      const answer = await putPreferences('ada', { preferences: { billing: { sms: true, webhook: false } } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        preferences: { billing: { email: false, sms: true, webhook: false }, social: { inApp: false } },
        categories: [{ identifier: 'billing', name: 'Billing' }],
      });
      expect((await send(service, 'GET', '/v1/me/preferences', as('ada'))).body.preferences).toEqual(answer.body.preferences);
    });

    it('ignores unknown top-level fields and accepts an empty patch', async () => {
      await connect(service, 'ada');
      const answer = await putPreferences('ada', { preferences: {}, extra: 1 });
      expect(answer.body.preferences).toEqual({});
    });

    it('answers 400 naming the field that is wrong', async () => {
      await connect(service, 'ada');
      const cases: [unknown, string][] = [
        [{}, 'preferences must be an object'],
        [{ preferences: [] }, 'preferences must be an object'],
        [{ preferences: { billing: true } }, 'preferences.billing must be an object of channel: boolean'],
        [{ preferences: { billing: { email: 'no' } } }, 'preferences.billing.email must be a boolean'],
        [{ preferences: { billing: { email: null } } }, 'preferences.billing.email must be a boolean'],
        [{ preferences: { billing: { push: false } } }, 'preferences.billing.push is not a channel: use one of inApp, email, sms, webhook'],
        [{ preferences: { '': { email: false } } }, 'preferences. category names must be 1–100 characters'],
        [{ preferences: { ['x'.repeat(101)]: { email: false } } }, `preferences.${'x'.repeat(101)} category names must be 1–100 characters`],
        [{ preferences: manyCategories(101) }, 'preferences must name at most 100 categories'],
      ];
      for (const [body, message] of cases) {
        const answer = await putPreferences('ada', body);
        expect(answer.status, message).toBe(400);
        expect(answer.body.error).toEqual({ code: 'invalid_request', message });
      }
      for (const body of ['[]', '"x"', 'null']) expect((await putPreferences('ada', body)).body.error.message).toBe('body must be an object');
      expect((await send(service, 'GET', '/v1/me/preferences', as('ada'))).body.preferences).toEqual({});
    });

    it('refuses category names that are Object.prototype members, leaving the prototype alone', async () => {
      await connect(service, 'ada');
      for (const category of ['__proto__', 'constructor', 'toString']) {
        const answer = await putPreferences('ada', `{"preferences": {"${category}": {"inApp": false}}}`);
        expect(answer.status, category).toBe(400);
        expect(answer.body.error.message).toBe(`preferences.${category} is a reserved name`);
      }
      expect(({} as Record<string, unknown>)['inApp']).toBeUndefined();
    });

    it('answers 400 when the user would hold preferences for more than 100 categories', async () => {
      await connect(service, 'ada');
      expect((await putPreferences('ada', { preferences: manyCategories(60) })).status).toBe(200);
      // Categories already held count once: c0–c69 make 70.
      expect((await putPreferences('ada', { preferences: manyCategories(40, 30) })).status).toBe(200);
      const answer = await putPreferences('ada', { preferences: manyCategories(31, 70) });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe('preferences would exceed 100 categories');
    });

    it('answers 400 invalid_json for malformed JSON and 413 for a body over the limit', async () => {
      await connect(service, 'ada');
      expect((await putPreferences('ada', '{"preferences": {')).body.error.code).toBe('invalid_json');
      const huge = await putPreferences('ada', { preferences: {}, padding: 'x'.repeat(MAX_BODY_BYTES) });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
    });
  });

  describe('PATCH /v1/me/profile', () => {
    it("merges the user's own attributes, removes the ones set to null and answers identifier and attributes", async () => {
      await putUser(service, 'ada', { firstName: 'Ada', email: 'ada@example.com' });
      const answer = await patchProfile('ada', { email: null, locale: 'en-GB', phoneNumber: '+442071838750' });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ identifier: 'ada', attributes: { firstName: 'Ada', locale: 'en-GB', phoneNumber: '+442071838750' } });
      expect((await send(service, 'GET', '/v1/users/ada', { headers: backendHeaders(service) })).body.attributes).toEqual(answer.body.attributes);
    });

    it('writes user.updated and pokes the streams only when something changed', async () => {
      await connect(service, 'ada');
      const user = (await service.storage.findUser(await appId(), 'ada'))!;
      const pokes: number[] = [];
      const unsubscribe = await service.bus.subscribe(userTopic(user.id), (seq) => pokes.push(seq));
      await patchProfile('ada', { firstName: 'Ada' });
      await patchProfile('ada', { firstName: 'Ada' });
      unsubscribe();
      expect(pokes).toEqual([1]);
      expect(await service.storage.listEvents(user.id, 0, 10)).toEqual([
        { type: 'user.updated', seq: 1, user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, counts: { unseen: 0, unread: 0 } },
      ]);
    });

    it('refuses an identifier key with 400 and changes nothing', async () => {
      await connect(service, 'ada');
      for (const identifier of ['bob', 'ada', null]) {
        const answer = await patchProfile('ada', { identifier, firstName: 'Eve' });
        expect(answer.status).toBe(400);
        expect(answer.body.error.message).toMatch(/^identifier cannot be changed/);
      }
      expect((await service.storage.findUser(await appId(), 'ada'))!.attributes).toEqual({});
    });

    it('validates like PUT /v1/users, naming the attribute', async () => {
      await connect(service, 'ada');
      const cases: [unknown, string][] = [
        [{ email: 'nope' }, 'email must be an email address'],
        [{ phoneNumber: '16020000000' }, 'phoneNumber must be an E.164 phone number such as +16020000000'],
        [{ phoneNumber: '+1602000000' }, 'phoneNumber is not a possible phone number for its country code'],
        [{ bio: 'x'.repeat(5000) }, 'bio must be at most 4096 characters as JSON'],
        [[{ firstName: 'Ada' }], 'body must be an object'],
      ];
      for (const [body, message] of cases) {
        const answer = await patchProfile('ada', body);
        expect(answer.status, message).toBe(400);
        expect(answer.body.error).toEqual({ code: 'invalid_request', message });
      }
      expect((await patchProfile('ada', '{')).body.error.code).toBe('invalid_json');
      expect((await patchProfile('ada', { bio: 'x'.repeat(MAX_BODY_BYTES) })).status).toBe(413);
    });

    it('answers 400 when the merge would exceed 100 attributes', async () => {
      await putUser(service, 'ada', Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`a${i}`, i])));
      expect((await patchProfile('ada', { extra: 1 })).status).toBe(200);
      const answer = await patchProfile('ada', { another: 1 });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(/100 attributes/);
    });
  });

  describe('Idempotency-Key', () => {
    const withKey = (userId: string, key: string, body: unknown) => ({ headers: { ...clientHeaders(service, userId), 'Idempotency-Key': key }, body });

    it('answers a repeated PUT /preferences with the first answer without applying it again', async () => {
      await connect(service, 'ada');
      const first = await send(service, 'PUT', '/v1/me/preferences', withKey('ada', 'p-1', { preferences: { billing: { email: false } } }));
      await putPreferences('ada', { preferences: { billing: { email: true } } });
      const repeat = await send(service, 'PUT', '/v1/me/preferences', withKey('ada', 'p-1', { preferences: { billing: { email: false } } }));
      expect(repeat.status).toBe(200);
      expect(repeat.headers.get('Idempotent-Replayed')).toBe('true');
      expect(repeat.body).toEqual(first.body);
      expect((await send(service, 'GET', '/v1/me/preferences', as('ada'))).body.preferences).toEqual({ billing: { email: true } });
    });

    it('answers a repeated PATCH /profile with the first answer and writes one user.updated', async () => {
      await connect(service, 'ada');
      const first = await send(service, 'PATCH', '/v1/me/profile', withKey('ada', 'u-1', { firstName: 'Ada' }));
      const repeat = await send(service, 'PATCH', '/v1/me/profile', withKey('ada', 'u-1', { firstName: 'Ada' }));
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('Idempotent-Replayed')).toBe('true');
      const user = (await service.storage.findUser(await appId(), 'ada'))!;
      expect((await service.storage.listEvents(user.id, 0, 10)).map((e) => e.type)).toEqual(['user.updated']);
    });
  });

  describe('before connect', () => {
    it('every route answers 404 user_not_found and creates no user', async () => {
      const requests: [string, string, unknown?][] = [
        ['GET', '/v1/me/preferences'],
        ['PUT', '/v1/me/preferences', { preferences: createPreferences() }],
        ['PATCH', '/v1/me/profile', { firstName: 'Ada' }],
      ];
      for (const [method, path, body] of requests) {
        const answer = await send(service, method, path, { ...as('never-connected'), body });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error.code).toBe('user_not_found');
      }
      expect(await service.storage.findUser(await appId(), 'never-connected')).toBeNull();
    });

    it('answers 401 without an API key or user', async () => {
      expect((await send(service, 'GET', '/v1/me/preferences')).status).toBe(401);
      expect((await send(service, 'GET', '/v1/me/preferences', { headers: { 'X-API-Key': service.apiKey } })).body.error.code).toBe('unauthorized');
    });
  });
});

describe('registerMeSettings in secure mode', () => {
  const SECRET = 'me-settings-signing-secret';
  let service: TestService;
  beforeEach(async () => {
    service = await createTestService({ secureMode: true });
    await service.storage.ensureApp({ apiKey: service.apiKey, apiSecret: service.apiSecret, signingSecret: SECRET });
  });
  afterEach(async () => service.close());

  const tokenOf = (identifier: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(identifier)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));

  it("changes the token's user, whatever X-User-Id says", async () => {
    await putUser(service, 'ada', { firstName: 'Ada' });
    await putUser(service, 'bob', { firstName: 'Bob' });
    const headers = { 'X-API-Key': service.apiKey, 'X-User-Id': 'bob', Authorization: `Bearer ${await tokenOf('ada')}`, 'Content-Type': 'application/json' };
    const answer = await send(service, 'PATCH', '/v1/me/profile', { headers, body: { firstName: 'Mallory' } });
    expect(answer.body).toEqual({ identifier: 'ada', attributes: { firstName: 'Mallory' } });
    await send(service, 'PUT', '/v1/me/preferences', { headers, body: { preferences: createPreferences() } });
    const appId = (await service.storage.findAppByApiKey(service.apiKey))!.id;
    const bob = (await service.storage.findUser(appId, 'bob'))!;
    expect(bob.attributes).toEqual({ firstName: 'Bob' });
    expect(await service.storage.preferences.get(bob.id)).toEqual({});
  });

  it('answers 401 without a token', async () => {
    await putUser(service, 'ada');
    const answer = await send(service, 'PATCH', '/v1/me/profile', { headers: clientHeaders(service, 'ada'), body: { firstName: 'Mallory' } });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('user_token_required');
  });
});
