import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendHeaders, clientHeaders, createAttributes, createTestService, createTrigger, putUser, send, trigger } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';
import { parseTrigger } from '../../src/routes/trigger-body.ts';
import { createMetrics } from '../../src/ops/index.ts';
import { runTrigger } from '../../src/services/index.ts';
import { createRecordingProvider, createWorkflowInput, createWorkflowTrigger, putWorkflow, startWebhookReceiver, withProviders } from './fixtures.ts';
import type { WebhookReceiver } from './fixtures.ts';

describe('runTrigger', () => {
  let service: TestService;
  let receiver: WebhookReceiver | null = null;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
    await service.close();
  });

  const inbox = async (userId: string) => (await send(service, 'GET', '/v1/me/notifications', { headers: clientHeaders(service, userId) })).body;
  const deliveries = async (query = '') => (await send(service, 'GET', `/v1/deliveries${query}`, { headers: backendHeaders(service) })).body.items;
  const userId = async (identifier: string) => (await service.storage.findUser((await service.storage.findAppByApiKey(service.apiKey))!.id, identifier))!.id;

  describe('with a workflow', () => {
    it('delivers in-app and email, and skips SMS for a user without a phone number', async () => {
      await putWorkflow(service, 'order-shipped', createWorkflowInput({ channels: { ...createWorkflowInput().channels, sms: { text: 'Order <<data.orderId>>' } } }));
      await putUser(service, 'ada', { firstName: 'Ada', email: 'ada@example.com' });
      const answer = await trigger(service, createWorkflowTrigger('order-shipped', ['ada'], { orderId: 42 }));
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({
        id: expect.stringMatching(/^trg_/),
        delivered: ['ada'],
        discarded: [],
        skipped: [{ identifier: 'ada', channel: 'sms', reason: 'missing_attribute' }],
      });

      const [item] = (await inbox('ada')).items;
      expect(item).toMatchObject({
        workflow: 'order-shipped',
        category: 'orders',
        title: 'Hi <<recipient.firstName>>',
        message: 'Order **<<data.orderId>>** shipped',
        url: '/orders/42',
        data: { orderId: 42 },
      });
      expect(await deliveries()).toEqual([
        {
          id: expect.any(String),
          triggerId: answer.body.id,
          channel: 'email',
          recipient: 'ada',
          to: 'ada@example.com',
          subject: 'Order 42 shipped',
          body: 'Hello Ada, it is on its way.',
          status: 'sent',
          error: null,
          createdAt: expect.any(String),
        },
      ]);
    });

    it("renders the app's name into email, SMS and stored in-app URLs, and empty (or the default) when the app has none", async () => {
      const named = await createTestService({ appName: 'Acme' });
      try {
        for (const target of [named, service]) {
          await putWorkflow(target, 'welcome', createWorkflowInput({
            channels: {
              inApp: { title: 'Welcome to <<app.name>>', message: 'Hi', url: 'https://example.com/?from=<<app.name | default: "none">>' },
              email: { subject: 'Welcome to <<app.name>>', body: 'Hello <<recipient.firstName>>, <<app.name | upper | default: "we">> are glad.' },
              sms: { text: '<<app.name>>: code <<data.code>>' },
            },
          }));
          await putUser(target, 'ada', { firstName: 'Ada', email: 'ada@example.com', phoneNumber: '+16020000000' });
          expect((await trigger(target, createWorkflowTrigger('welcome', ['ada'], { code: 7 }))).status).toBe(202);
        }
        const logged = (await send(named, 'GET', '/v1/deliveries', { headers: backendHeaders(named) })).body.items;
        expect(logged.map((d: { channel: string; subject: string | null; body: string }) => [d.channel, d.subject, d.body]).sort()).toEqual([
          ['email', 'Welcome to Acme', 'Hello Ada, ACME are glad.'],
          ['sms', null, 'Acme: code 7'],
        ]);
        const [item] = (await send(named, 'GET', '/v1/me/notifications', { headers: clientHeaders(named, 'ada') })).body.items;
        // In-app titles stay template sources (the widget renders them); stored URLs are filled now.
        expect(item).toMatchObject({ title: 'Welcome to <<app.name>>', url: 'https://example.com/?from=Acme' });

        expect((await deliveries()).map((d: { channel: string; subject: string | null; body: string }) => [d.channel, d.subject, d.body]).sort()).toEqual([
          ['email', 'Welcome to ', 'Hello Ada, we are glad.'],
          ['sms', null, ': code 7'],
        ]);
        expect((await inbox('ada')).items[0].url).toBe('https://example.com/?from=none');
      } finally {
        await named.close();
      }
    });

    it('sends SMS to a user with a phone number and skips email for one without an email', async () => {
      await putWorkflow(service, 'code', createWorkflowInput({ category: null, channels: { email: { subject: 's', body: 'b' }, sms: { text: 'Your code is <<data.code>>' } } }));
      await putUser(service, 'bob', { firstName: 'Bob', phoneNumber: '+16020000000' });
      const answer = await trigger(service, createWorkflowTrigger('code', ['bob'], { code: '123456' }));
      expect(answer.body.delivered).toEqual(['bob']);
      expect(answer.body.skipped).toEqual([{ identifier: 'bob', channel: 'email', reason: 'missing_attribute' }]);
      expect(await deliveries('?channel=sms')).toMatchObject([{ recipient: 'bob', to: '+16020000000', subject: null, body: 'Your code is 123456', status: 'sent' }]);
      expect((await inbox('bob')).items).toEqual([]);
    });

    it('leaves out a recipient whose every channel is skipped from delivered', async () => {
      await putWorkflow(service, 'sms-only', createWorkflowInput({ channels: { sms: { text: 'x' } } }));
      await putUser(service, 'ada');
      const answer = await trigger(service, createWorkflowTrigger('sms-only'));
      expect(answer.body).toMatchObject({ delivered: [], discarded: [], skipped: [{ identifier: 'ada', channel: 'sms', reason: 'missing_attribute' }] });
    });

    it('skips the channels a user opted out of for the workflow\'s category', async () => {
      await putWorkflow(service, 'order-shipped');
      await putUser(service, 'ada');
      await putUser(service, 'bob', { firstName: 'Bob', email: 'bob@example.com' });
      await service.storage.preferences.set(await userId('ada'), { orders: { email: false, inApp: false }, default: { email: true } });
      await service.storage.preferences.set(await userId('bob'), { billing: { email: false } });
      const answer = await trigger(service, createWorkflowTrigger('order-shipped', ['ada', 'bob']));
      expect(answer.body.delivered).toEqual(['bob']);
      expect(answer.body.skipped).toEqual([
        { identifier: 'ada', channel: 'inApp', reason: 'preference' },
        { identifier: 'ada', channel: 'email', reason: 'preference' },
      ]);
      expect((await inbox('ada')).items).toEqual([]);
      expect((await deliveries()).map((d: { recipient: string }) => d.recipient)).toEqual(['bob']);
    });

    it('governs notifications without a category by the default category', async () => {
      await putWorkflow(service, 'plain', createWorkflowInput({ category: null }));
      await putUser(service, 'ada');
      await service.storage.preferences.set(await userId('ada'), { default: { email: false } });
      const answer = await trigger(service, createWorkflowTrigger('plain'));
      expect(answer.body.skipped).toEqual([{ identifier: 'ada', channel: 'email', reason: 'preference' }]);
      expect(answer.body.delivered).toEqual(['ada']);
    });

    it('answers 400 naming an unknown workflow and writes nothing, not even inline recipients', async () => {
      const answer = await trigger(service, createWorkflowTrigger('nope', [{ identifier: 'cy', email: 'cy@example.com' }]));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({ code: 'invalid_request', message: expect.stringContaining('"nope"') });
      expect(answer.body.error.message).toContain('notification.workflow.identifier');
      expect((await send(service, 'GET', '/v1/users/cy', { headers: backendHeaders(service) })).status).toBe(404);
    });

    it('renders email with the attributes an inline recipient brought', async () => {
      await putWorkflow(service, 'order-shipped');
      await trigger(service, createWorkflowTrigger('order-shipped', [{ identifier: 'cy', firstName: 'Cy', email: 'cy@example.com' }]));
      expect(await deliveries()).toMatchObject([{ to: 'cy@example.com', body: 'Hello Cy, it is on its way.' }]);
    });

    it('renders data as plain text in email, so a value cannot add markup', async () => {
      await putWorkflow(service, 'wf', createWorkflowInput({ channels: { email: { subject: '<<data.s>>', body: '**Hi** <<data.b>>' } } }));
      await putUser(service, 'ada');
      await trigger(service, createWorkflowTrigger('wf', ['ada'], { s: '<b>x</b>', b: '[a](javascript:x)' }));
      expect(await deliveries()).toMatchObject([{ subject: '<b>x</b>', body: 'Hi [a](javascript:x)' }]);
    });

    it('drops a stored URL that data turned unsafe', async () => {
      await putWorkflow(service, 'wf', createWorkflowInput({ channels: { inApp: { title: 't', message: 'm', url: '<<data.link>>' } } }));
      await putUser(service, 'ada');
      await trigger(service, createWorkflowTrigger('wf', ['ada'], { link: 'javascript:alert(1)' }));
      await trigger(service, createWorkflowTrigger('wf', ['ada'], { link: 'https://example.com/x' }));
      expect((await inbox('ada')).items.map((n: { url: string | null }) => n.url)).toEqual(['https://example.com/x', null]);
    });
  });

  describe('with providers', () => {
    it('hands email and SMS to the configured providers and logs their outcome', async () => {
      const email = createRecordingProvider({ status: 'failed', error: 'mailbox full' });
      const sms = createRecordingProvider(new Error('gateway down'));
      const custom = withProviders(service, { email, sms });
      await putWorkflow(custom, 'wf', createWorkflowInput({ channels: { email: { subject: 'S <<data.n>>', body: 'B' }, sms: { text: 'T' } } }));
      await putUser(custom, 'ada', { firstName: 'Ada', email: 'ada@example.com', phoneNumber: '+16020000000' });
      const answer = await trigger(custom, createWorkflowTrigger('wf', ['ada'], { n: 1 }));
      expect(answer.status).toBe(202);
      expect(answer.body.delivered).toEqual(['ada']);
      expect(email.messages).toEqual([{ channel: 'email', to: 'ada@example.com', subject: 'S 1', body: 'B', recipient: 'ada', triggerId: answer.body.id, appId: expect.any(String) }]);
      expect(sms.messages).toMatchObject([{ channel: 'sms', to: '+16020000000', body: 'T' }]);
      const logged = await deliveries();
      expect(logged.find((d: { channel: string }) => d.channel === 'email')).toMatchObject({ status: 'failed', error: 'mailbox full' });
      expect(logged.find((d: { channel: string }) => d.channel === 'sms')).toMatchObject({ status: 'failed', error: 'gateway down' });
    });
  });

  describe('with a webhook', () => {
    const verify = (secret: string, header: string, body: string) => {
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      expect(match).not.toBeNull();
      const [, t, v1] = match!;
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
      expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    };

    it('POSTs the rendered notification signed with the secret derived from the API secret', async () => {
      receiver = await startWebhookReceiver();
      await putWorkflow(service, 'wf', createWorkflowInput({ channels: { ...createWorkflowInput().channels, webhook: { url: receiver.url } } }));
      await putUser(service, 'ada');
      const answer = await trigger(service, createWorkflowTrigger('wf', ['ada'], { orderId: 7 }));
      expect(answer.body.delivered).toEqual(['ada']);
      expect(receiver.received).toHaveLength(1);
      const [hook] = receiver.received;
      expect(hook!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(hook!.body)).toEqual({
        triggerId: answer.body.id,
        workflow: 'wf',
        recipient: { identifier: 'ada', attributes: { firstName: 'Ada', email: 'ada@example.com' } },
        notification: { title: 'Hi Ada', message: 'Order 7 shipped', url: '/orders/7', data: { orderId: 7 } },
      });
      const derived = createHmac('sha256', createHash('sha256').update(service.apiSecret).digest('hex')).update('belfry-webhook-v1').digest('hex');
      verify(derived, hook!.headers['belfry-signature'] as string, hook!.body);
      expect(await deliveries('?channel=webhook')).toMatchObject([{ recipient: 'ada', to: receiver.url, body: hook!.body, status: 'sent', error: null }]);
    });

    it("renders the app's name into the notification it POSTs", async () => {
      receiver = await startWebhookReceiver();
      const named = await createTestService({ appName: 'Acme' });
      try {
        await putWorkflow(named, 'wf', createWorkflowInput({ channels: { inApp: { title: 'News from <<app.name>>', message: '<<app.name | upper>> <<data.orderId>>' }, webhook: { url: receiver.url } } }));
        await putUser(named, 'ada');
        await trigger(named, createWorkflowTrigger('wf', ['ada'], { orderId: 7 }));
        expect(JSON.parse(receiver.received[0]!.body).notification).toMatchObject({ title: 'News from Acme', message: 'ACME 7' });
      } finally {
        await named.close();
      }
    });

    it('signs with the app\'s signing secret when it has one', async () => {
      receiver = await startWebhookReceiver();
      const { app, apiSecret } = await service.storage.createApp({ signingSecret: 'a-signing-secret-of-enough-length' });
      const other = { ...service, apiKey: app.apiKey, apiSecret };
      await putWorkflow(other, 'wf', createWorkflowInput({ channels: { webhook: { url: receiver.url } } }));
      await putUser(other, 'ada');
      await trigger(other, createWorkflowTrigger('wf'));
      const [hook] = receiver.received;
      verify('a-signing-secret-of-enough-length', hook!.headers['belfry-signature'] as string, hook!.body);
    });

    it('logs a webhook answering 500 as failed and still answers 202', async () => {
      receiver = await startWebhookReceiver();
      receiver.status = 500;
      await putWorkflow(service, 'wf', createWorkflowInput({ channels: { ...createWorkflowInput().channels, webhook: { url: receiver.url } } }));
      await putUser(service, 'ada');
      const answer = await trigger(service, createWorkflowTrigger('wf'));
      expect(answer.status).toBe(202);
      expect(answer.body.delivered).toEqual(['ada']);
      expect(receiver.received).toHaveLength(1);
      expect(await deliveries('?channel=webhook')).toMatchObject([{ status: 'failed', error: 'the webhook answered 500' }]);
      expect((await inbox('ada')).items).toHaveLength(1);
    });

    it('logs an unreachable webhook as failed', async () => {
      // A port that was free a moment ago: nothing listens there now.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      await putWorkflow(service, 'wf', createWorkflowInput({ channels: { webhook: { url: `http://127.0.0.1:${port}/hook` } } }));
      await putUser(service, 'ada');
      const answer = await trigger(service, createWorkflowTrigger('wf'));
      expect(answer.status).toBe(202);
      const [logged] = await deliveries();
      expect(logged).toMatchObject({ channel: 'webhook', status: 'failed', error: expect.stringContaining('could not be reached') });
    });

    it('gives up on a webhook that does not answer within the timeout', async () => {
      // Accepts connections and never answers.
      const open = new Set<Socket>();
      const silent = createServer((socket) => void open.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const custom = withProviders(service, { webhook: { timeoutMs: 200 } });
        await putWorkflow(custom, 'wf', createWorkflowInput({ channels: { webhook: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/` } } }));
        await putUser(custom, 'ada');
        const started = Date.now();
        expect((await trigger(custom, createWorkflowTrigger('wf'))).status).toBe(202);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(await deliveries()).toMatchObject([{ status: 'failed', error: 'the webhook did not answer within 200 ms' }]);
      } finally {
        // Sockets the abandoned request left open would keep close() waiting.
        for (const socket of open) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });

  describe('called directly', () => {
    it('runs a parsed trigger for an app with the given trigger id and counts it in the metrics', async () => {
      await putWorkflow(service, 'order-shipped');
      await putUser(service, 'ada');
      await putUser(service, 'bob', { firstName: 'Bob' });
      const app = (await service.storage.findAppByApiKey(service.apiKey))!;
      const metrics = createMetrics();
      const deps = { storage: service.storage, bus: service.bus, hub: service.hub, log: service.log, metrics };
      const answer = await runTrigger(deps, app, parseTrigger(createWorkflowTrigger('order-shipped', ['ada', 'bob', 'ghost'])), 'trg_given');
      expect(answer).toEqual({
        id: 'trg_given',
        delivered: ['ada', 'bob'],
        discarded: [{ identifier: 'ghost', reason: 'user_not_found' }],
        skipped: [{ identifier: 'bob', channel: 'email', reason: 'missing_attribute' }],
      });
      expect(metrics.value('belfry_notifications_triggered_total')).toBe(1);
      expect(metrics.value('belfry_notifications_delivered_total')).toBe(2);
      expect(metrics.value('belfry_notifications_discarded_total')).toBe(1);
      expect(metrics.value('belfry_notifications_skipped_total')).toBe(1);
    });

    it('looks up string recipients and preferences in one call each and keeps the order recipients were named', async () => {
      for (const identifier of ['ada', 'bob', 'cy']) await putUser(service, identifier, createAttributes({ firstName: identifier }));
      const app = (await service.storage.findAppByApiKey(service.apiKey))!;
      await service.storage.preferences.set(await userId('cy'), { orders: { inApp: false } });
      const calls: string[] = [];
      const { storage } = service;
      const counted = {
        ...storage,
        findUser: (...args: Parameters<typeof storage.findUser>) => (calls.push('findUser'), storage.findUser(...args)),
        findUsers: (...args: Parameters<typeof storage.findUsers>) => (calls.push('findUsers'), storage.findUsers(...args)),
        preferences: {
          ...storage.preferences,
          get: (id: number) => (calls.push('preferences.get'), storage.preferences.get(id)),
          getMany: (ids: readonly number[]) => (calls.push('preferences.getMany'), storage.preferences.getMany(ids)),
        },
      };
      const deps = { storage: counted, bus: service.bus, hub: service.hub, log: service.log, metrics: createMetrics() };
      const recipients = ['bob', { identifier: 'dan', firstName: 'Dan' }, 'ghost', 'ada', 'bob', { identifier: 'ada', firstName: 'Not Ada' }, 'cy'];
      const answer = await runTrigger(deps, app, parseTrigger(createTrigger({ notification: { category: 'orders' }, recipients })));
      expect(answer).toMatchObject({
        delivered: ['bob', 'dan', 'ada'],
        discarded: [{ identifier: 'ghost', reason: 'user_not_found' }],
        skipped: [{ identifier: 'cy', channel: 'inApp', reason: 'preference' }],
      });
      // One lookup for every string recipient; the inline one is saved on its own (saveUser reads it first).
      expect(calls.sort()).toEqual(['findUser', 'findUsers', 'preferences.getMany']);
      // The first mention of ada was a plain string, so the later inline one changed nothing.
      expect((await service.storage.findUser(app.id, 'ada'))!.attributes['firstName']).toBe('ada');
    });
  });
});
