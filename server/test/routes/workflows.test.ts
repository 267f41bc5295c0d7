import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendHeaders, createTestService, send } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';
import { createWorkflowInput, putWorkflow } from '../services/fixtures.ts';

describe('workflowRoutes', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(async () => service.close());

  const get = (identifier: string) => send(service, 'GET', `/v1/workflows/${encodeURIComponent(identifier)}`, { headers: backendHeaders(service) });

  describe('PUT /v1/workflows/{identifier}', () => {
    it('stores the workflow and answers it as GET does', async () => {
      const saved = await putWorkflow(service, 'order-shipped');
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        identifier: 'order-shipped',
        name: 'Order shipped',
        category: 'orders',
        channels: {
          inApp: { title: 'Hi <<recipient.firstName>>', message: 'Order **<<data.orderId>>** shipped', url: '/orders/<<data.orderId>>', icon: null, actions: [] },
          email: { subject: 'Order <<data.orderId>> shipped', body: 'Hello <<recipient.firstName>>, it is on its way.' },
        },
      });
      expect((await get('order-shipped')).body).toEqual(saved.body);
    });

    it('replaces an existing workflow and drops unknown fields', async () => {
      await putWorkflow(service, 'wf');
      const input = { name: 'Renamed', extra: true, channels: { sms: { text: 'Hi', extra: 1 }, push: { title: 'x' } } };
      const saved = await putWorkflow(service, 'wf', input);
      expect(saved.body).toMatchObject({ name: 'Renamed', category: null, channels: { sms: { text: 'Hi' } } });
      expect(saved.body.channels).toEqual({ sms: { text: 'Hi' } });
      expect(saved.body.extra).toBeUndefined();
    });

    it('lists the category for preference screens without renaming a known one', async () => {
      await service.storage.categories.upsert((await service.storage.findAppByApiKey(service.apiKey))!.id, 'billing', 'Billing & invoices');
      await putWorkflow(service, 'a', createWorkflowInput({ category: 'orders' }));
      await putWorkflow(service, 'b', createWorkflowInput({ category: 'billing' }));
      const app = (await service.storage.findAppByApiKey(service.apiKey))!;
      expect(await service.storage.categories.list(app.id)).toEqual([
        { identifier: 'billing', name: 'Billing & invoices' },
        { identifier: 'orders', name: 'orders' },
      ]);
    });

    it.each([
      ['channels.inApp.title', { inApp: { title: 'Hey <<recipient.firstName', message: 'x' } }, 'channels.inApp.title: unclosed << at 4'],
      ['channels.inApp.message', { inApp: { title: 'x', message: 'ab {{ data.x | nope }}' } }, 'channels.inApp.message:'],
      ['channels.email.subject', { email: { subject: 'Re: <<data.x', body: 'b' } }, 'channels.email.subject: unclosed << at 4'],
      ['channels.email.body', { email: { subject: 's', body: '12345<<' } }, 'channels.email.body: unclosed << at 5'],
      ['channels.sms.text', { sms: { text: 'Code {{data.code' } }, 'channels.sms.text: unclosed {{ at 5'],
      ['channels.inApp.actions[0].label', { inApp: { title: 't', message: 'm', actions: [{ id: 'a', label: 'Go <<x' }] } }, 'channels.inApp.actions[0].label: unclosed << at 3'],
    ])('answers 400 naming %s and the offset of a template syntax error', async (_field, channels, message) => {
      const answer = await putWorkflow(service, 'wf', createWorkflowInput({ channels }));
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.body.error.message).toContain(message);
      expect((await get('wf')).status).toBe(404);
    });

    it.each([
      ['channels.inApp.url', { inApp: { title: 't', message: 'm', url: 'javascript:alert(1)' } }],
      ['channels.inApp.icon', { inApp: { title: 't', message: 'm', icon: 'javascript:alert(1)' } }],
      ['channels.inApp.actions[0].url', { inApp: { title: 't', message: 'm', actions: [{ id: 'a', label: 'A', url: 'data:text/html,x' }] } }],
      ['channels.webhook.url', { webhook: { url: '/relative/hook' } }],
      ['channels.webhook.url', { webhook: { url: 'ftp://example.com/hook' } }],
      ['channels.webhook.url', { webhook: { url: 'javascript:alert(1)' } }],
      ['channels.webhook.url', { webhook: { url: 'https://user:pass@example.com/hook' } }],
      ['channels.webhook.url', { webhook: {} }],
    ])('answers 400 naming %s when a URL fails the allow-list', async (field, channels) => {
      const answer = await putWorkflow(service, 'wf', createWorkflowInput({ channels: channels as never }));
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain(field);
    });

    it('accepts absolute http and https webhook URLs', async () => {
      for (const url of ['https://example.com/hook', 'http://127.0.0.1:8080/hook']) {
        expect((await putWorkflow(service, 'wf', createWorkflowInput({ channels: { webhook: { url } } }))).status, url).toBe(200);
      }
    });

    it.each([
      ['name', { name: '' }],
      ['name', { name: 7 }],
      ['channels', { channels: {} }],
      ['channels', { channels: 'inApp' }],
      ['channels.inApp', { channels: { inApp: { title: '', message: '' } } }],
      ['channels.email.body', { channels: { email: { subject: 's' } } }],
      ['channels.sms.text', { channels: { sms: { text: 3 } } }],
      ['category', { category: '' }],
    ])('answers 400 naming %s for a missing or mistyped field', async (field, overrides) => {
      const answer = await putWorkflow(service, 'wf', { ...createWorkflowInput(), ...overrides });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain(field);
    });

    it('answers 400 invalid_json for a malformed body and 401 without the secret', async () => {
      expect((await putWorkflow(service, 'wf', '{"name":')).body.error.code).toBe('invalid_json');
      const answer = await send(service, 'PUT', '/v1/workflows/wf', { headers: { 'X-API-Key': service.apiKey }, body: createWorkflowInput() });
      expect(answer.status).toBe(401);
    });
  });

  describe('GET /v1/workflows/{identifier}', () => {
    it('answers 404 workflow_not_found for an unknown identifier or another app\'s workflow', async () => {
      const other = await service.storage.createApp();
      await putWorkflow({ ...service, apiKey: other.app.apiKey, apiSecret: other.apiSecret }, 'theirs');
      expect((await get('theirs')).status).toBe(404);
      expect((await get('theirs')).body.error.code).toBe('workflow_not_found');
    });
  });

  describe('GET /v1/workflows', () => {
    it('lists the app\'s workflows by identifier', async () => {
      await putWorkflow(service, 'b');
      await putWorkflow(service, 'a');
      const answer = await send(service, 'GET', '/v1/workflows', { headers: backendHeaders(service) });
      expect(answer.body.items.map((w: { identifier: string }) => w.identifier)).toEqual(['a', 'b']);
    });
  });

  describe('DELETE /v1/workflows/{identifier}', () => {
    it('removes the workflow, then answers 404', async () => {
      await putWorkflow(service, 'wf');
      const removed = await send(service, 'DELETE', '/v1/workflows/wf', { headers: backendHeaders(service) });
      expect(removed.status).toBe(204);
      expect((await get('wf')).status).toBe(404);
      expect((await send(service, 'DELETE', '/v1/workflows/wf', { headers: backendHeaders(service) })).status).toBe(404);
    });
  });
});
