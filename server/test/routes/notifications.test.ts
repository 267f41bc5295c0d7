import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendHeaders, clientHeaders, connect, createTestService, createTrigger, putUser, send, trigger } from '../fixtures.ts';
import type { JsonAnswer, TestService } from '../fixtures.ts';
import { createWorkflowInput, createWorkflowTrigger, putWorkflow, withProviders } from '../services/fixtures.ts';

describe('notificationRoutes', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  const inbox = async (userId: string) => (await send(service, 'GET', '/v1/me/notifications', { headers: clientHeaders(service, userId) })).body;

  describe('POST /v1/notifications', () => {
    it('delivers to known users and discards unknown ones with a reason', async () => {
      await putUser(service, 'ada');
      await connect(service, 'bob');
      const answer = await trigger(service, createTrigger({ recipients: ['ada', 'ghost', 'bob'] }));
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({
        id: expect.stringMatching(/^trg_/),
        delivered: ['ada', 'bob'],
        discarded: [{ identifier: 'ghost', reason: 'user_not_found' }],
        skipped: [],
      });
      expect((await inbox('bob')).items).toHaveLength(1);
    });

    it('stores the template sources unrendered with the inline content and data', async () => {
      await putUser(service, 'ada');
      const notification = {
        title: 'Hi <<recipient.firstName>>',
        message: 'Order <<data.orderId>>',
        url: '/orders/42',
        icon: 'https://cdn.example.com/i.png',
        category: 'orders',
        workflow: { identifier: 'order-shipped' },
        actions: [{ id: 'view', label: 'View', url: 'https://example.com/o/42', style: 'primary' as const }],
      };
      await trigger(service, createTrigger({ notification, data: { orderId: 42 } }));
      const [item] = (await inbox('ada')).items;
      expect(item).toMatchObject({
        title: 'Hi <<recipient.firstName>>',
        message: 'Order <<data.orderId>>',
        url: '/orders/42',
        icon: 'https://cdn.example.com/i.png',
        category: 'orders',
        workflow: 'order-shipped',
        actions: notification.actions,
        data: { orderId: 42 },
        seenAt: null,
        readAt: null,
        archivedAt: null,
      });
      expect(item.id).toMatch(/^ntf_/);
    });

    it('creates or updates inline recipients before delivering', async () => {
      await putUser(service, 'ada', { firstName: 'Ada', locale: 'en' });
      const answer = await trigger(service, createTrigger({ recipients: [{ identifier: 'ada', locale: 'fr' }, { identifier: 'cy', email: 'cy@example.com' }] }));
      expect(answer.body.delivered).toEqual(['ada', 'cy']);
      const ada = await send(service, 'GET', '/v1/users/ada', { headers: backendHeaders(service) });
      expect(ada.body.attributes).toEqual({ firstName: 'Ada', locale: 'fr' });
      const cy = await send(service, 'GET', '/v1/users/cy', { headers: backendHeaders(service) });
      expect(cy.body.attributes).toEqual({ email: 'cy@example.com' });
    });

    it('delivers once to a recipient named twice', async () => {
      await putUser(service, 'ada');
      const answer = await trigger(service, createTrigger({ recipients: ['ada', { identifier: 'ada' }, 'ada'] }));
      expect(answer.body.delivered).toEqual(['ada']);
      expect((await inbox('ada')).items).toHaveLength(1);
    });

    it('answers 400 without a title and a message, and writes nothing', async () => {
      await putUser(service, 'ada');
      const answer = await trigger(service, createTrigger({ notification: { title: undefined, message: undefined } }));
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
      expect((await connect(service, 'ada')).body.seq).toBe(0);
    });

    it('answers 400 for empty title and message', async () => {
      await putUser(service, 'ada');
      const answer = await trigger(service, createTrigger({ notification: { title: '', message: '' } }));
      expect(answer.status).toBe(400);
      expect((await trigger(service, createTrigger({ notification: { title: '', message: 'Only a body' } }))).status).toBe(202);
    });

    it('accepts image URLs and data:image icons, and refuses script icons', async () => {
      await putUser(service, 'ada');
      for (const icon of ['https://cdn.example.com/a.png', '/icons/a.svg', 'data:image/png;base64,iVBORw0KGgo=']) {
        expect((await trigger(service, createTrigger({ notification: { icon } }))).status, icon).toBe(202);
      }
      const answer = await trigger(service, createTrigger({ notification: { icon: 'javascript:alert(1)' } }));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('notification.icon');
    });

    it('answers 400 naming an unsafe url or action url', async () => {
      await putUser(service, 'ada');
      const url = await trigger(service, createTrigger({ notification: { url: 'javascript:alert(1)' } }));
      expect(url.status).toBe(400);
      expect(url.body.error.message).toContain('notification.url');
      const action = await trigger(service, createTrigger({ notification: { actions: [{ id: 'a', label: 'A', url: 'java\tscript:alert(1)' }] } }));
      expect(action.status).toBe(400);
      expect(action.body.error.message).toContain('notification.actions[0].url');
      const data = await trigger(service, createTrigger({ notification: { url: 'data:text/html,<b>x</b>' } }));
      expect(data.status).toBe(400);
    });

    it('answers 400 for more than 100 recipients and for none', async () => {
      const many = Array.from({ length: 101 }, (_, i) => `user-${i}`);
      const tooMany = await trigger(service, createTrigger({ recipients: many }));
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toContain('sendTo.recipients');
      expect((await trigger(service, createTrigger({ recipients: many.slice(0, 100) }))).status).toBe(202);
      expect((await trigger(service, createTrigger({ recipients: [] }))).status).toBe(400);
    });

    it('answers 400 naming a recipient of the wrong type or with bad attributes', async () => {
      const number = await trigger(service, createTrigger({ recipients: ['ada', 7] }));
      expect(number.body.error.message).toContain('sendTo.recipients[1]');
      const email = await trigger(service, createTrigger({ recipients: [{ identifier: 'ada', email: 'nope' }] }));
      expect(email.body.error.message).toContain('sendTo.recipients[0].email');
      const missing = await trigger(service, createTrigger({ recipients: [{ email: 'a@b.co' }] }));
      expect(missing.body.error.message).toContain('sendTo.recipients[0].identifier');
    });

    it('answers 413 payload_too_large for a body over 256 KB', async () => {
      const answer = await trigger(service, createTrigger({ data: { blob: 'x'.repeat(300 * 1024) } }));
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
    });

    it('counts the bytes of a body sent without Content-Length', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 6) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await service.app.request('/v1/notifications', { method: 'POST', headers: backendHeaders(service), body, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(413);
    });
  });
  describe('POST /v1/notifications with a workflow', () => {
    it('uses inline content when the named workflow is not stored, labelled with its identifier', async () => {
      await putUser(service, 'ada');
      const answer = await trigger(service, createTrigger({ notification: { workflow: { identifier: 'not-stored' } } }));
      expect(answer.status).toBe(202);
      expect((await inbox('ada')).items[0]).toMatchObject({ workflow: 'not-stored', title: 'Hello <<recipient.firstName>>' });
    });

    it('prefers a stored workflow over inline content', async () => {
      await putWorkflow(service, 'wf', createWorkflowInput({ channels: { inApp: { title: 'From the workflow', message: 'm' } } }));
      await putUser(service, 'ada');
      await trigger(service, createTrigger({ notification: { workflow: { identifier: 'wf' } } }));
      expect((await inbox('ada')).items[0]).toMatchObject({ workflow: 'wf', title: 'From the workflow' });
    });

    it('answers 400 for a workflow identifier of the wrong type', async () => {
      const answer = await trigger(service, { notification: { workflow: { identifier: 7 } }, sendTo: { recipients: ['ada'] } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('notification.workflow.identifier');
    });
  });

  describe('POST /v1/notifications with an Idempotency-Key', () => {
    const triggerWithKey = (key: string, body: unknown = createTrigger(), on: TestService = service): Promise<JsonAnswer> =>
      send(on, 'POST', '/v1/notifications', { headers: { ...backendHeaders(on), 'Idempotency-Key': key }, body });

    it('answers a repeat with the first answer without sending again', async () => {
      await putUser(service, 'ada');
      const first = await triggerWithKey('order-42');
      const again = await triggerWithKey('order-42');
      expect(first.status).toBe(202);
      expect(first.headers.get('Idempotent-Replayed')).toBeNull();
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('Idempotent-Replayed')).toBe('true');
      expect((await inbox('ada')).items).toHaveLength(1);
    });

    it('treats a body with reordered keys as the same request', async () => {
      await putUser(service, 'ada');
      const body = createTrigger();
      await triggerWithKey('k', body);
      const reordered = JSON.stringify({ sendTo: body['sendTo'], data: body['data'], notification: body['notification'] }, null, 2);
      const again = await triggerWithKey('k', reordered);
      expect(again.headers.get('Idempotent-Replayed')).toBe('true');
      expect((await inbox('ada')).items).toHaveLength(1);
    });

    it('answers 422 idempotency_mismatch for the same key with another body', async () => {
      await putUser(service, 'ada');
      await triggerWithKey('k');
      const answer = await triggerWithKey('k', createTrigger({ data: { orderId: 43 } }));
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('idempotency_mismatch');
      expect((await inbox('ada')).items).toHaveLength(1);
    });

    it('answers 409 conflict while the first request is still running', async () => {
      let release!: () => void;
      let entered!: () => void;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const sending = new Promise<void>((resolve) => (entered = resolve));
      const slow = withProviders(service, {
        email: {
          async send() {
            entered();
            await blocked;
            return { status: 'sent' };
          },
        },
      });
      await putWorkflow(slow, 'wf');
      await putUser(slow, 'ada');
      const first = triggerWithKey('k', createWorkflowTrigger('wf'), slow);
      // The first request holds the key until its email provider answers.
      await sending;
      const concurrent = await triggerWithKey('k', createWorkflowTrigger('wf'), slow);
      expect(concurrent.status).toBe(409);
      expect(concurrent.body.error.code).toBe('conflict');
      release();
      expect((await first).status).toBe(202);
      expect((await triggerWithKey('k', createWorkflowTrigger('wf'), slow)).headers.get('Idempotent-Replayed')).toBe('true');
      expect((await inbox('ada')).items).toHaveLength(1);
    });

    it('does not remember a refused request, so a corrected retry runs', async () => {
      await putUser(service, 'ada');
      const unknown = await triggerWithKey('k', createWorkflowTrigger('later'));
      expect(unknown.status).toBe(400);
      await putWorkflow(service, 'later');
      const retry = await triggerWithKey('k', createWorkflowTrigger('later'));
      expect(retry.status).toBe(202);
      expect(retry.headers.get('Idempotent-Replayed')).toBeNull();
    });

    it('keeps keys apart per app', async () => {
      await putUser(service, 'ada');
      const other = await service.storage.createApp();
      const otherService = { ...service, apiKey: other.app.apiKey, apiSecret: other.apiSecret };
      await putUser(otherService, 'ada');
      await triggerWithKey('k');
      const answer = await triggerWithKey('k', createTrigger({ data: { other: true } }), otherService);
      expect(answer.status).toBe(202);
      expect(answer.headers.get('Idempotent-Replayed')).toBeNull();
    });

    it.each([
      ['empty', ''],
      ['too long', 'k'.repeat(256)],
      ['a control character', 'a\u0001b'],
      ['non-ASCII', 'clé'],
    ])('answers 400 for a key that is %s', async (_what, key) => {
      await putUser(service, 'ada');
      const response = await service.app.request('/v1/notifications', {
        method: 'POST',
        headers: new Headers([...Object.entries(backendHeaders(service)), ['Idempotency-Key', key]]),
        body: JSON.stringify(createTrigger()),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('Idempotency-Key');
      expect((await inbox('ada')).items).toHaveLength(0);
    });

    it('accepts a key of 255 printable characters', async () => {
      await putUser(service, 'ada');
      expect((await triggerWithKey('~ '.repeat(127) + 'k')).status).toBe(202);
    });
  });
});
