import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxChangeEvent } from 'belfry/protocol';
import { clientHeaders, connect, createTestService, createTrigger, deliverMany, putUser, send, trigger } from '../fixtures.ts';
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

  describe('POST /v1/me/connect', () => {
    it('creates the user on first load and answers its state', async () => {
      const answer = await connect(service, 'ada');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ user: { identifier: 'ada', attributes: {} }, app: { secureMode: false }, counts: { unseen: 0, unread: 0 }, seq: 0 });
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

    it('answers 400 for a malformed cursor', async () => {
      await connect(service, 'ada');
      const answer = await send(service, 'GET', '/v1/me/notifications?cursor=abc', as('ada'));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('cursor');
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

  describe('client routes before connect', () => {
    it('answer 404 user_not_found', async () => {
      const requests: [string, string, unknown?][] = [
        ['GET', '/v1/me/notifications'],
        ['PATCH', '/v1/me/notifications/ntf_x', { read: true }],
        ['DELETE', '/v1/me/notifications/ntf_x'],
        ['POST', '/v1/me/notifications/bulk', { action: 'read' }],
        ['GET', '/v1/me/events'],
      ];
      for (const [method, path, body] of requests) {
        const answer = await send(service, method, path, { ...as('never-connected'), body });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error.code).toBe('user_not_found');
      }
    });
  });
});
