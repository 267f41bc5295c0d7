import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from 'belfry/protocol';
import { backendHeaders, createTestService, send } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

/** A delivery log entry with sensible defaults. */
function createDelivery(overrides: Partial<Omit<DeliveryRecord, 'id' | 'createdAt'>> = {}): Omit<DeliveryRecord, 'id' | 'createdAt'> {
  return { triggerId: 'trg_1', channel: 'email', recipient: 'ada', to: 'ada@example.com', subject: 'S', body: 'B', status: 'sent', error: null, ...overrides };
}

describe('deliveryRoutes', () => {
  let service: TestService;
  let appId: string;
  beforeEach(async () => {
    service = await createTestService();
    appId = (await service.storage.findAppByApiKey(service.apiKey))!.id;
  });
  afterEach(async () => service.close());

  const list = (query = '') => send(service, 'GET', `/v1/deliveries${query}`, { headers: backendHeaders(service) });

  describe('GET /v1/deliveries', () => {
    it('lists the app\'s deliveries newest first, filtered by channel and recipient', async () => {
      await service.storage.deliveries.record(appId, createDelivery({ body: 'first' }));
      await service.storage.deliveries.record(appId, createDelivery({ channel: 'sms', to: '+16020000000', subject: null, body: 'second' }));
      await service.storage.deliveries.record(appId, createDelivery({ recipient: 'bob', to: 'bob@example.com', body: 'third' }));
      const other = await service.storage.createApp();
      await service.storage.deliveries.record(other.app.id, createDelivery({ body: 'theirs' }));

      const all = await list();
      expect(all.status).toBe(200);
      expect(all.body.items.map((d: DeliveryRecord) => d.body)).toEqual(['third', 'second', 'first']);
      expect(all.body.items[0]).toEqual({ ...createDelivery({ recipient: 'bob', to: 'bob@example.com', body: 'third' }), id: expect.any(String), createdAt: expect.any(String) });
      expect((await list('?channel=email')).body.items.map((d: DeliveryRecord) => d.body)).toEqual(['third', 'first']);
      expect((await list('?recipient=ada&channel=sms')).body.items.map((d: DeliveryRecord) => d.body)).toEqual(['second']);
      expect((await list('?limit=1')).body.items.map((d: DeliveryRecord) => d.body)).toEqual(['third']);
    });

    it('answers an empty list when nothing was sent', async () => {
      expect((await list()).body).toEqual({ items: [] });
    });

    it.each([['limit=0'], ['limit=201'], ['limit=ten'], ['limit=-1'], ['channel=inApp'], ['channel=fax'], ['recipient=a%01b']])(
      'answers 400 for %s',
      async (query) => {
        const answer = await list(`?${query}`);
        expect(answer.status).toBe(400);
        expect(answer.body.error).toEqual({ code: 'invalid_request', message: expect.stringContaining(query.split('=')[0]!) });
      },
    );

    it('answers 401 without backend credentials', async () => {
      expect((await send(service, 'GET', '/v1/deliveries', { headers: { 'X-API-Key': service.apiKey } })).status).toBe(401);
    });
  });
});
