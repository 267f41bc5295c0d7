import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxChangeEvent } from 'belfry/protocol';
import { MAX_BODY_BYTES } from '../../src/http/index.ts';
import { MAX_BULK_IDS } from '../../src/routes/me.ts';
import { MAX_COUNTED_CATEGORIES } from '../../src/validation/index.ts';
import { backendHeaders, clientHeaders, connect, createTestService, createTrigger, deliverMany, putUser, send, trigger } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

describe('meRoutes', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  const as = (userId: string) => ({ headers: clientHeaders(service, userId) });
  const page = async (userId: string, query = '') => (await send(service, 'GET', `/v1/me/notifications${query}`, as(userId))).body;
  const events = async (userId: string): Promise<InboxChangeEvent[]> => {
    const user = (await service.storage.findUser((await service.storage.findAppByApiKey(service.apiKey))!.id, userId))!;
    return service.storage.listEvents(user.id, 0, 1000);
  };
  const ids = (body: { items: { id: string }[] }) => body.items.map((n) => n.id);
  /** Client headers of the same `userId` in a second app of the same service. */
  const asInOtherApp = async (userId: string) => {
    const { app } = await service.storage.createApp();
    return { headers: { ...clientHeaders(service, userId), 'X-API-Key': app.apiKey } };
  };

  describe('POST /v1/me/connect', () => {
    it('creates the user on first load and answers its state', async () => {
      const answer = await connect(service, 'ada');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ user: { identifier: 'ada', attributes: {} }, app: { secureMode: false, name: null }, counts: { unseen: 0, unread: 0 }, seq: 0 });
    });

    it("answers the app's name, for templates that read <<app.name>>", async () => {
      const named = await createTestService({ appName: 'Acme Ünïcode 🛎' });
      try {
        expect((await connect(named, 'ada')).body.app).toEqual({ secureMode: false, name: 'Acme Ünïcode 🛎' });
      } finally {
        await named.close();
      }
    });

    it('answers an existing user with its attributes, counts and seq', async () => {
      await putUser(service, 'ada', { firstName: 'Ada' });
      await trigger(service);
      const answer = await connect(service, 'ada');
      expect(answer.body).toMatchObject({ user: { attributes: { firstName: 'Ada' } }, counts: { unseen: 1, unread: 1 }, seq: 1 });
    });

    it('decodes a percent-encoded X-User-Id', async () => {
      const answer = await connect(service, 'Zoë 🐙');
      expect(answer.body.user.identifier).toBe('Zoë 🐙');
    });
  });

  describe('GET /v1/me/notifications', () => {
    it('pages newest first and stays stable while new items arrive', async () => {
      const ids = await deliverMany(service, 'ada', 5);
      const first = await page('ada', '?limit=2');
      expect(first.items.map((n: { id: string }) => n.id)).toEqual([ids[4], ids[3]]);
      await trigger(service, createTrigger({ recipients: ['ada'], notification: { title: 'newer' } }));
      const second = await page('ada', `?limit=2&cursor=${first.nextCursor}`);
      expect(second.items.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
      const third = await page('ada', `?limit=2&cursor=${second.nextCursor}`);
      expect(third.items.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
      expect(third.nextCursor).toBeNull();
      expect(third).toMatchObject({ counts: { unseen: 6, unread: 6 }, seq: 6 });
    });

    it('defaults to 20 items and accepts 1–100', async () => {
      await deliverMany(service, 'ada', 21);
      expect((await page('ada')).items).toHaveLength(20);
      expect((await page('ada', '?limit=100')).items).toHaveLength(21);
      for (const limit of ['0', '101', '-1', '2.5', 'ten']) {
        const answer = await send(service, 'GET', `/v1/me/notifications?limit=${limit}`, as('ada'));
        expect(answer.status, limit).toBe(400);
        expect(answer.body.error.message).toContain('limit');
      }
    });

    it('filters by status (default: everything not archived) and category', async () => {
      const [read, archived] = await deliverMany(service, 'ada', 3, { category: 'billing' });
      await send(service, 'PATCH', `/v1/me/notifications/${read}`, { ...as('ada'), body: { read: true } });
      await send(service, 'PATCH', `/v1/me/notifications/${archived}`, { ...as('ada'), body: { archived: true } });
      await trigger(service, createTrigger({ recipients: ['ada'], notification: { category: 'social' } }));
      const count = async (query: string) => (await page('ada', query)).items.length;
      expect(await count('')).toBe(3);
      expect(await count('?status=unread')).toBe(2);
      expect(await count('?status=read')).toBe(1);
      expect(await count('?status=archived')).toBe(1);
      expect(await count('?status=all')).toBe(4);
      expect(await count('?status=all&category=billing')).toBe(3);
      expect((await send(service, 'GET', '/v1/me/notifications?status=new', as('ada'))).status).toBe(400);
    });

    it('combines status and category filters', async () => {
      const [billingRead] = await deliverMany(service, 'ada', 2, { category: 'billing' });
      await trigger(service, createTrigger({ recipients: ['ada'], notification: { category: 'social' } }));
      await send(service, 'PATCH', `/v1/me/notifications/${billingRead}`, { ...as('ada'), body: { read: true } });
      expect(ids(await page('ada', '?status=read&category=billing'))).toEqual([billingRead]);
      expect((await page('ada', '?status=unread&category=billing')).items).toHaveLength(1);
      expect((await page('ada', '?status=read&category=social')).items).toEqual([]);
      // An empty category means no category filter.
      expect((await page('ada', '?category=')).items).toHaveLength(3);
    });

    it('keeps a filtered cursor stable while items arrive, change state and go away', async () => {
      const all = await deliverMany(service, 'ada', 6);
      const first = await page('ada', '?status=unread&limit=2');
      expect(ids(first)).toEqual([all[5], all[4]]);
      await trigger(service, createTrigger({ recipients: ['ada'] }));
      await send(service, 'PATCH', `/v1/me/notifications/${all[5]}`, { ...as('ada'), body: { read: true } });
      await send(service, 'DELETE', `/v1/me/notifications/${all[3]}`, as('ada'));
      const second = await page('ada', `?status=unread&limit=2&cursor=${first.nextCursor}`);
      expect(ids(second)).toEqual([all[2], all[1]]);
      const third = await page('ada', `?status=unread&limit=2&cursor=${second.nextCursor}`);
      expect(ids(third)).toEqual([all[0]]);
      expect(third.nextCursor).toBeNull();
    });

    it("shows only the user's own notifications, apart from a same-named user of another app", async () => {
      const adas = await deliverMany(service, 'ada', 2);
      await deliverMany(service, 'bob', 1);
      expect(ids(await page('ada', '?status=all'))).toEqual([adas[1], adas[0]]);
      const other = await asInOtherApp('ada');
      await send(service, 'POST', '/v1/me/connect', other);
      const theirs = await send(service, 'GET', '/v1/me/notifications?status=all', other);
      expect(theirs.body).toMatchObject({ items: [], counts: { unseen: 0, unread: 0 }, seq: 0 });
    });

    it('answers 400 for a cursor of more than 15 digits', async () => {
      await connect(service, 'ada');
      expect((await send(service, 'GET', '/v1/me/notifications?cursor=9999999999999999', as('ada'))).status).toBe(400);
      expect((await send(service, 'GET', '/v1/me/notifications?cursor=999999999999999', as('ada'))).status).toBe(200);
    });

    it('answers 400 for a malformed cursor', async () => {
      await connect(service, 'ada');
      const answer = await send(service, 'GET', '/v1/me/notifications?cursor=abc', as('ada'));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('cursor');
    });
  });

  describe('GET /v1/me/counts', () => {
    const counts = (userId: string, query = '') => send(service, 'GET', `/v1/me/counts${query}`, as(userId));

    it('answers the counters, the archived total and the unread count of each category asked for', async () => {
      const [read, archived] = await deliverMany(service, 'ada', 3, { category: 'billing' });
      await trigger(service, createTrigger({ recipients: ['ada'], notification: { category: 'social' } }));
      await send(service, 'PATCH', `/v1/me/notifications/${read}`, { ...as('ada'), body: { read: true } });
      await send(service, 'PATCH', `/v1/me/notifications/${archived}`, { ...as('ada'), body: { archived: true } });
      const answer = await counts('ada', '?category=billing&category=social&category=orders&category=billing');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ counts: { unseen: 3, unread: 2 }, archived: 1, categories: { billing: 1, social: 1, orders: 0 }, seq: 6 });
    });

    it('answers no categories when none are asked for', async () => {
      await deliverMany(service, 'ada', 1);
      expect((await counts('ada')).body).toEqual({ counts: { unseen: 1, unread: 1 }, archived: 0, categories: {}, seq: 1 });
    });

    it('answers 400 naming the parameter for an empty or too long category or too many of them', async () => {
      await connect(service, 'ada');
      const many = Array.from({ length: MAX_COUNTED_CATEGORIES + 1 }, (_, i) => `category=c${i}`).join('&');
      for (const query of ['?category=', `?category=${'x'.repeat(101)}`, `?${many}`]) {
        const answer = await counts('ada', query);
        expect(answer.status, query).toBe(400);
        expect(answer.body.error).toEqual({ code: 'invalid_request', message: expect.stringContaining('category') });
      }
    });
  });

  describe('PATCH /v1/me/notifications/{id}', () => {
    it('changes read, seen and archived and answers the notification with counts', async () => {
      const [id] = await deliverMany(service, 'ada', 2);
      const answer = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { read: true, seen: true } });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ notification: { id, readAt: expect.any(String), seenAt: expect.any(String) }, counts: { unseen: 1, unread: 1 }, seq: 3 });
      const archived = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { archived: true, read: false } });
      expect(archived.body).toMatchObject({ notification: { readAt: null, archivedAt: expect.any(String) }, counts: { unseen: 1, unread: 1 }, seq: 4 });
      expect((await events('ada')).at(-1)).toMatchObject({ type: 'notification.updated', seq: 4, notification: { id } });
    });

    it('marks unread, seen and unarchived, with the counts of each step', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const patch = async (body: unknown) => (await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body })).body;
      expect(await patch({ read: true })).toMatchObject({ notification: { readAt: expect.any(String) }, counts: { unseen: 1, unread: 0 } });
      expect(await patch({ read: false })).toMatchObject({ notification: { readAt: null }, counts: { unseen: 1, unread: 1 } });
      expect(await patch({ seen: true })).toMatchObject({ notification: { seenAt: expect.any(String), readAt: null }, counts: { unseen: 0, unread: 1 } });
      // Archived items leave the unread count and the default list.
      expect(await patch({ archived: true })).toMatchObject({ notification: { archivedAt: expect.any(String) }, counts: { unseen: 0, unread: 0 } });
      expect((await page('ada')).items).toEqual([]);
      expect(await patch({ archived: false })).toMatchObject({ notification: { archivedAt: null }, counts: { unseen: 0, unread: 1 }, seq: 6 });
      expect(ids(await page('ada'))).toEqual([id]);
      expect((await events('ada')).map((e) => e.type)).toEqual(['notification.created', ...Array(5).fill('notification.updated')]);
    });

    it('ignores unknown fields and answers the unchanged notification for an empty patch', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const answer = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { pinned: true } });
      expect(answer.body).toMatchObject({ notification: { id, readAt: null }, counts: { unseen: 1, unread: 1 }, seq: 1 });
    });

    it('writes no event when nothing changes', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const answer = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { read: false, seen: false } });
      expect(answer.body.seq).toBe(1);
      expect(await events('ada')).toHaveLength(1);
    });

    it("answers 404 notification_not_found for unknown ids and other users' ids", async () => {
      const [bobs] = await deliverMany(service, 'bob', 1);
      await connect(service, 'ada');
      for (const id of [bobs, 'ntf_unknown']) {
        const answer = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { read: true } });
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe('notification_not_found');
      }
      expect((await page('bob')).items[0].readAt).toBeNull();
    });

    it('answers 400 naming a field of the wrong type', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const answer = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { read: 'yes' } });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({ code: 'invalid_request', message: 'read must be a boolean' });
      for (const [body, field] of [[{ seen: 1 }, 'seen'], [{ archived: null }, 'archived'], [{ read: true, archived: 'no' }, 'archived']] as const) {
        const wrong = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body });
        expect(wrong.body.error.message).toBe(`${field} must be a boolean`);
      }
      expect((await page('ada')).items[0].readAt).toBeNull();
    });

    it('answers 400 for malformed JSON or a body that is not an object, 413 over the limit', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const path = `/v1/me/notifications/${id}`;
      expect((await send(service, 'PATCH', path, { ...as('ada'), body: '{"read": tru' })).body.error.code).toBe('invalid_json');
      expect((await send(service, 'PATCH', path, as('ada'))).body.error.code).toBe('invalid_json');
      for (const body of ['[]', 'true', '"read"']) {
        const answer = await send(service, 'PATCH', path, { ...as('ada'), body });
        expect(answer.status, body).toBe(400);
        expect(answer.body.error).toEqual({ code: 'invalid_request', message: 'body must be an object' });
      }
      const huge = await send(service, 'PATCH', path, { ...as('ada'), body: { read: true, padding: 'x'.repeat(MAX_BODY_BYTES) } });
      expect(huge.status).toBe(413);
      expect((await page('ada')).items[0].readAt).toBeNull();
    });

    it("answers 404 for a same-named user's notification in another app, and for odd ids", async () => {
      const [adas] = await deliverMany(service, 'ada', 1);
      const other = await asInOtherApp('ada');
      await send(service, 'POST', '/v1/me/connect', other);
      for (const id of [adas, 'x'.repeat(5000), encodeURIComponent("' OR 1=1 --")]) {
        const answer = await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...other, body: { read: true } });
        expect(answer.status).toBe(404);
        expect(answer.body.error.code).toBe('notification_not_found');
      }
      expect((await send(service, 'DELETE', `/v1/me/notifications/${adas}`, other)).status).toBe(404);
      expect((await page('ada')).items[0]).toMatchObject({ id: adas, readAt: null });
    });
  });

  describe('DELETE /v1/me/notifications/{id}', () => {
    it('deletes the notification and answers the counts', async () => {
      const [id] = await deliverMany(service, 'ada', 2);
      const answer = await send(service, 'DELETE', `/v1/me/notifications/${id}`, as('ada'));
      expect(answer.body).toEqual({ counts: { unseen: 1, unread: 1 }, seq: 3 });
      expect((await events('ada')).at(-1)).toEqual({ type: 'notification.deleted', seq: 3, id, counts: { unseen: 1, unread: 1 } });
      expect((await send(service, 'DELETE', `/v1/me/notifications/${id}`, as('ada'))).status).toBe(404);
    });

    it("answers 404 for another user's notification and keeps it", async () => {
      const [bobs] = await deliverMany(service, 'bob', 1);
      await connect(service, 'ada');
      expect((await send(service, 'DELETE', `/v1/me/notifications/${bobs}`, as('ada'))).status).toBe(404);
      expect((await page('bob')).items).toHaveLength(1);
    });
  });

  describe('POST /v1/me/notifications/bulk', () => {
    it('applies an action to every notification when no ids are given', async () => {
      await deliverMany(service, 'ada', 3);
      const answer = await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'seen' } });
      expect(answer.body).toEqual({ counts: { unseen: 0, unread: 3 }, seq: 4 });
      expect((await events('ada')).at(-1)).toMatchObject({ type: 'notifications.bulk', action: 'seen', ids: null, category: null });
    });

    it("applies to the user's own named ids only", async () => {
      const [a, b] = await deliverMany(service, 'ada', 3);
      const [bobs] = await deliverMany(service, 'bob', 1);
      const answer = await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'archive', ids: [a, b, bobs] } });
      expect(answer.body.counts).toEqual({ unseen: 1, unread: 1 });
      expect((await events('ada')).at(-1)).toMatchObject({ ids: [a, b] });
      expect((await page('bob')).items).toHaveLength(1);
    });

    it('deletes within a category', async () => {
      await deliverMany(service, 'ada', 2, { category: 'billing' });
      await trigger(service, createTrigger({ recipients: ['ada'], notification: { category: 'social' } }));
      await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'delete', category: 'billing' } });
      expect((await page('ada', '?status=all')).items.map((n: { category: string }) => n.category)).toEqual(['social']);
    });

    it('applies each action by ids, by category, or to all, answering the counts', async () => {
      const [b1, b2] = await deliverMany(service, 'ada', 2, { category: 'billing' });
      // deliverMany answers all of the user's ids, oldest first.
      const [, , s1] = await deliverMany(service, 'ada', 1, { category: 'social' });
      const bulk = async (body: unknown) => (await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body })).body;
      expect(await bulk({ action: 'read', ids: [b1] })).toEqual({ counts: { unseen: 3, unread: 2 }, seq: 4 });
      expect(await bulk({ action: 'seen', category: 'billing' })).toEqual({ counts: { unseen: 1, unread: 2 }, seq: 5 });
      // Archived items leave the badge as well as the unread count.
      expect(await bulk({ action: 'archive', category: 'social' })).toEqual({ counts: { unseen: 0, unread: 1 }, seq: 6 });
      expect(ids(await page('ada', '?status=archived'))).toEqual([s1]);
      expect(await bulk({ action: 'read' })).toEqual({ counts: { unseen: 0, unread: 0 }, seq: 7 });
      expect(await bulk({ action: 'delete', ids: [b2, s1] })).toEqual({ counts: { unseen: 0, unread: 0 }, seq: 8 });
      expect(ids(await page('ada', '?status=all'))).toEqual([b1]);
      expect(await bulk({ action: 'delete' })).toEqual({ counts: { unseen: 0, unread: 0 }, seq: 9 });
      expect((await page('ada', '?status=all')).items).toEqual([]);
      expect((await events('ada')).slice(3).map((e) => (e.type === 'notifications.bulk' ? [e.action, e.ids?.toSorted() ?? null, e.category] : e.type))).toEqual([
        ['read', [b1], null],
        ['seen', null, 'billing'],
        ['archive', null, 'social'],
        ['read', null, null],
        ['delete', [b2, s1].toSorted(), null],
        ['delete', null, null],
      ]);
    });

    it('changes nothing for an empty ids list (it names none, not all)', async () => {
      await deliverMany(service, 'ada', 2);
      const answer = await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'delete', ids: [] } });
      expect(answer.body).toEqual({ counts: { unseen: 2, unread: 2 }, seq: 2 });
      expect((await page('ada')).items).toHaveLength(2);
    });

    it("leaves a same-named user's notifications in another app alone", async () => {
      const [adas] = await deliverMany(service, 'ada', 1);
      const other = await asInOtherApp('ada');
      await send(service, 'POST', '/v1/me/connect', other);
      await send(service, 'POST', '/v1/me/notifications/bulk', { ...other, body: { action: 'delete', ids: [adas] } });
      await send(service, 'POST', '/v1/me/notifications/bulk', { ...other, body: { action: 'read' } });
      expect((await page('ada')).items[0]).toMatchObject({ id: adas, readAt: null });
    });

    it(`answers 400 for more than ${MAX_BULK_IDS} ids, malformed JSON and bodies that are not objects`, async () => {
      await deliverMany(service, 'ada', 1);
      const post = (body: unknown) => send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body });
      const many = await post({ action: 'read', ids: Array.from({ length: MAX_BULK_IDS + 1 }, (_, i) => `ntf_${i}`) });
      expect(many.body.error.message).toBe(`ids must name at most ${MAX_BULK_IDS} notifications`);
      expect((await post({ action: 'read', ids: Array.from({ length: MAX_BULK_IDS }, (_, i) => `ntf_${i}`) })).status).toBe(200);
      expect((await post('{"action": "read"')).body.error.code).toBe('invalid_json');
      expect((await post('[{"action": "read"}]')).body.error.message).toBe('body must be an object');
      expect((await post({ action: 'delete', padding: 'x'.repeat(MAX_BODY_BYTES) })).status).toBe(413);
      expect((await page('ada')).items[0].readAt).toBeNull();
    });

    it('writes no event when nothing changes', async () => {
      await deliverMany(service, 'ada', 1);
      await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'read' } });
      const again = await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'read' } });
      expect(again.body.seq).toBe(2);
      expect(await events('ada')).toHaveLength(2);
    });

    it('answers 400 for a missing or unknown action and for ids that are not strings', async () => {
      await connect(service, 'ada');
      for (const body of [{}, { action: 'explode' }, { action: 'read', ids: 'all' }, { action: 'read', ids: [1] }, { action: 'read', category: 3 }]) {
        const answer = await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body });
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.error.code).toBe('invalid_request');
      }
    });
  });

  describe('counts', () => {
    it('every event carries the counts its answer carried', async () => {
      const [first, second] = await deliverMany(service, 'ada', 2);
      const answers = [
        await send(service, 'PATCH', `/v1/me/notifications/${first}`, { ...as('ada'), body: { read: true } }),
        await send(service, 'DELETE', `/v1/me/notifications/${second}`, as('ada')),
        await trigger(service, createTrigger({ recipients: ['ada'] })),
        await send(service, 'POST', '/v1/me/notifications/bulk', { ...as('ada'), body: { action: 'seen' } }),
      ];
      const log = await events('ada');
      expect(log.map((e) => [e.type, e.counts])).toEqual([
        ['notification.created', { unseen: 1, unread: 1 }],
        ['notification.created', { unseen: 2, unread: 2 }],
        ['notification.updated', { unseen: 2, unread: 1 }],
        ['notification.deleted', { unseen: 1, unread: 0 }],
        ['notification.created', { unseen: 2, unread: 1 }],
        ['notifications.bulk', { unseen: 0, unread: 1 }],
      ]);
      for (const [i, seq] of [[0, 3], [1, 4], [3, 6]] as const) {
        expect(answers[i]!.body).toMatchObject({ seq, counts: log[seq - 1]!.counts });
      }
    });
  });

  describe('Idempotency-Key on client mutations', () => {
    const withKey = (userId: string, key: string, body?: unknown) => ({ headers: { ...clientHeaders(service, userId), 'Idempotency-Key': key }, body });

    it('answers a repeated PATCH with the first answer and does not apply it again', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const first = await send(service, 'PATCH', `/v1/me/notifications/${id}`, withKey('ada', 'k-1', { read: true }));
      expect(first.status).toBe(200);
      expect(first.headers.get('Idempotent-Replayed')).toBeNull();
      // Undone by another request, so a second application would show.
      await send(service, 'PATCH', `/v1/me/notifications/${id}`, { ...as('ada'), body: { read: false } });
      const repeat = await send(service, 'PATCH', `/v1/me/notifications/${id}`, withKey('ada', 'k-1', { read: true }));
      expect(repeat.status).toBe(200);
      expect(repeat.headers.get('Idempotent-Replayed')).toBe('true');
      expect(repeat.body).toEqual(first.body);
      expect((await page('ada')).items[0]).toMatchObject({ id, readAt: null });
      expect((await events('ada')).map((e) => e.type)).toEqual(['notification.created', 'notification.updated', 'notification.updated']);
    });

    it('answers a repeated DELETE with its first 200, not a 404', async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const first = await send(service, 'DELETE', `/v1/me/notifications/${id}`, withKey('ada', 'k-del'));
      const repeat = await send(service, 'DELETE', `/v1/me/notifications/${id}`, withKey('ada', 'k-del'));
      expect([first.status, repeat.status]).toEqual([200, 200]);
      expect(repeat.body).toEqual(first.body);
      expect((await events('ada')).map((e) => e.type)).toEqual(['notification.created', 'notification.deleted']);
    });

    it('does not apply a repeated bulk action to notifications that arrived since', async () => {
      await deliverMany(service, 'ada', 2);
      const first = await send(service, 'POST', '/v1/me/notifications/bulk', withKey('ada', 'k-bulk', { action: 'read' }));
      expect(first.body.counts).toEqual({ unseen: 2, unread: 0 });
      await deliverMany(service, 'ada', 1);
      const repeat = await send(service, 'POST', '/v1/me/notifications/bulk', withKey('ada', 'k-bulk', { action: 'read' }));
      expect(repeat.body).toEqual(first.body);
      expect((await page('ada')).counts).toEqual({ unseen: 3, unread: 1 });
    });

    it('keeps the keys of different users and apps apart', async () => {
      const [adas] = await deliverMany(service, 'ada', 1);
      const [bobs] = await deliverMany(service, 'bob', 1);
      const ada = await send(service, 'PATCH', `/v1/me/notifications/${adas}`, withKey('ada', 'same', { read: true }));
      const bob = await send(service, 'PATCH', `/v1/me/notifications/${bobs}`, withKey('bob', 'same', { read: true }));
      expect(bob.headers.get('Idempotent-Replayed')).toBeNull();
      expect(bob.body.notification.id).toBe(bobs);
      expect(ada.body.notification.id).toBe(adas);
      const other = await asInOtherApp('ada');
      await send(service, 'POST', '/v1/me/connect', other);
      const inOtherApp = await send(service, 'POST', '/v1/me/notifications/bulk', { headers: { ...other.headers, 'Idempotency-Key': 'same' }, body: { action: 'read' } });
      expect(inOtherApp.status).toBe(200);
    });

    it("keeps the users' keys apart from the backend's trigger keys", async () => {
      const [id] = await deliverMany(service, 'ada', 1);
      const user = (await service.storage.findUser((await service.storage.findAppByApiKey(service.apiKey))!.id, 'ada'))!;
      // Whatever the client-side prefix is, a backend key in the same store never equals a user's.
      for (const key of ['same', `me:${user.id}:same`, `me ${user.id} same`]) {
        const triggered = await send(service, 'POST', '/v1/notifications', { headers: { ...backendHeaders(service), 'Idempotency-Key': key }, body: createTrigger({ recipients: ['bob'] }) });
        expect(triggered.status).toBe(202);
      }
      const patched = await send(service, 'PATCH', `/v1/me/notifications/${id}`, withKey('ada', 'same', { read: true }));
      expect(patched.status).toBe(200);
      expect(patched.headers.get('Idempotent-Replayed')).toBeNull();
      expect(patched.body.notification.readAt).toEqual(expect.any(String));
    });

    it('answers 422 when a key is reused for another request, and 400 for a malformed key', async () => {
      const [a, b] = await deliverMany(service, 'ada', 2);
      await send(service, 'PATCH', `/v1/me/notifications/${a}`, withKey('ada', 'k-2', { read: true }));
      const otherPath = await send(service, 'PATCH', `/v1/me/notifications/${b}`, withKey('ada', 'k-2', { read: true }));
      const otherBody = await send(service, 'PATCH', `/v1/me/notifications/${a}`, withKey('ada', 'k-2', { read: false }));
      expect([otherPath.status, otherBody.status]).toEqual([422, 422]);
      expect(otherPath.body.error.code).toBe('idempotency_mismatch');
      expect((await page('ada')).items.find((n: { id: string }) => n.id === b).readAt).toBeNull();
      const bad = await send(service, 'PATCH', `/v1/me/notifications/${a}`, withKey('ada', 'x'.repeat(256), { read: true }));
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
    });

    it('does not remember a refusal: a retry with the same key runs again', async () => {
      await connect(service, 'ada');
      const refused = await send(service, 'DELETE', '/v1/me/notifications/ntf_missing', withKey('ada', 'k-404'));
      expect(refused.status).toBe(404);
      const retried = await send(service, 'DELETE', '/v1/me/notifications/ntf_missing', withKey('ada', 'k-404'));
      expect(retried.status).toBe(404);
      expect(retried.headers.get('Idempotent-Replayed')).toBeNull();
    });
  });

  describe('client routes before connect', () => {
    it('answer 404 user_not_found', async () => {
      const requests: [string, string, unknown?][] = [
        ['GET', '/v1/me/notifications'],
        ['PATCH', '/v1/me/notifications/ntf_x', { read: true }],
        ['DELETE', '/v1/me/notifications/ntf_x'],
        ['POST', '/v1/me/notifications/bulk', { action: 'read' }],
        ['GET', '/v1/me/events'],
        ['GET', '/v1/me/counts'],
      ];
      for (const [method, path, body] of requests) {
        const answer = await send(service, method, path, { ...as('never-connected'), body });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error.code).toBe('user_not_found');
      }
    });
  });
});
