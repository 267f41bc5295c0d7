import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/ops/index.ts';
import { backendHeaders, clientHeaders, connect, createTestService, createTrigger, putUser, send, trigger } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

/** Parses Prometheus text into `name{labels}` -> value, skipping comments. */
function parseScrape(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('createMetrics', () => {
  describe('.count()', () => {
    it('adds to the named counter, 1 by default', () => {
      const metrics = createMetrics();
      metrics.count('belfry_notifications_delivered_total', 3);
      metrics.count('belfry_notifications_delivered_total');
      expect(metrics.value('belfry_notifications_delivered_total')).toBe(4);
      expect(parseScrape(metrics.render()).get('belfry_notifications_delivered_total')).toBe(4);
    });
  });

  describe('.render()', () => {
    it('declares every family with HELP and TYPE, counters starting at 0', () => {
      const text = createMetrics().render();
      for (const name of ['triggered', 'delivered', 'discarded', 'skipped']) {
        expect(text).toContain(`# TYPE belfry_notifications_${name}_total counter\nbelfry_notifications_${name}_total 0\n`);
      }
      expect(text).toContain('# TYPE belfry_http_requests_total counter');
    });

    it('escapes label values and folds unknown methods into OTHER', () => {
      const metrics = createMetrics();
      metrics.countRequest('/a"b\\c\nd', 'BREW', 418);
      expect(metrics.render()).toContain('belfry_http_requests_total{route="/a\\"b\\\\c\\nd",method="OTHER",status="418"} 1');
    });

    it('samples gauges at scrape time', () => {
      const metrics = createMetrics();
      let open = 1;
      metrics.gauge('belfry_streams_open', 'Streams.', () => open);
      open = 7;
      expect(metrics.render()).toContain('# TYPE belfry_streams_open gauge\nbelfry_streams_open 7\n');
    });
  });
});

describe('GET /metrics', () => {
  let service: TestService;
  beforeEach(async () => (service = await createTestService()));
  afterEach(() => service.close());

  const scrape = async () => {
    const response = await service.app.request('/metrics');
    expect(response.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseScrape(await response.text());
  };

  it('counts requests by route pattern, method and status, never by raw path', async () => {
    await putUser(service, 'ada');
    await putUser(service, 'bob');
    await send(service, 'GET', '/v1/users/nobody', { headers: backendHeaders(service) });
    await send(service, 'GET', '/v1/users/ada', { headers: { 'X-API-Key': service.apiKey, 'X-API-Secret': 'wrong' } });
    await send(service, 'GET', '/no/such/route');
    const samples = await scrape();
    expect(samples.get('belfry_http_requests_total{route="/v1/users/:identifier",method="PUT",status="200"}')).toBe(2);
    expect(samples.get('belfry_http_requests_total{route="/v1/users/:identifier",method="GET",status="404"}')).toBe(1);
    // Refused by the auth middleware, still labelled with the route it was meant for.
    expect(samples.get('belfry_http_requests_total{route="/v1/users/:identifier",method="GET",status="401"}')).toBe(1);
    expect(samples.get('belfry_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
    const text = [...samples.keys()].join('\n');
    expect(text).not.toContain('ada');
    expect(text).not.toContain('nobody');
  });

  it('reports the streams open right now', async () => {
    await connect(service, 'ada');
    const stream = await service.app.request('/v1/me/events', { headers: clientHeaders(service, 'ada') });
    expect((await scrape()).get('belfry_streams_open')).toBe(1);
    await stream.body!.cancel();
    expect((await scrape()).get('belfry_streams_open')).toBe(0);
  });

  it('counts triggers and what happened to each recipient', async () => {
    await putUser(service, 'ada');
    await trigger(service, createTrigger({ recipients: ['ada', 'ghost'] }));
    await trigger(service, createTrigger({ recipients: ['ada'] }));
    const samples = await scrape();
    expect(samples.get('belfry_notifications_triggered_total')).toBe(2);
    expect(samples.get('belfry_notifications_delivered_total')).toBe(2);
    expect(samples.get('belfry_notifications_discarded_total')).toBe(1);
    expect(samples.get('belfry_notifications_skipped_total')).toBe(0);
    expect(samples.get('belfry_http_requests_total{route="/v1/notifications",method="POST",status="202"}')).toBe(2);
  });
});
