// The metrics registry behind `GET /metrics` (Prometheus text exposition format 0.0.4). Labels are
// bounded by construction: routes are Hono patterns, methods a fixed list, statuses numbers.

/** Counters the routes add to, by their exposed name. */
export type CounterName =
  | 'belfry_notifications_triggered_total'
  | 'belfry_notifications_delivered_total'
  | 'belfry_notifications_discarded_total'
  | 'belfry_notifications_skipped_total';

const COUNTER_HELP: Record<CounterName, string> = {
  belfry_notifications_triggered_total: 'Trigger requests accepted (POST /v1/notifications answered 202).',
  belfry_notifications_delivered_total: 'Recipients a notification was delivered to.',
  belfry_notifications_discarded_total: 'Recipients discarded (e.g. user_not_found).',
  belfry_notifications_skipped_total: 'Recipients skipped (e.g. preference, missing_attribute).',
};

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The service's metrics: counters routes add to, request counts, and gauges read when scraped. */
export interface Metrics {
  /** Adds `n` (default 1) to a counter. */
  count(name: CounterName, n?: number): void;
  /** Counts one answered request; `route` is the Hono route pattern, never a raw path. */
  countRequest(route: string, method: string, status: number): void;
  /** Registers (or replaces) a gauge sampled at every scrape. */
  gauge(name: string, help: string, sample: () => number): void;
  /** The current value of a counter, for tests and the benchmark. */
  value(name: CounterName): number;
  /** Everything in Prometheus text format. */
  render(): string;
}

/** Escapes a label value as the text format requires (backslash, quote, newline). */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Creates an empty metrics registry; `createApp` makes one unless given one.
 * @example
 * const metrics = createMetrics();
 * metrics.count('belfry_notifications_delivered_total', 3);
 * metrics.render(); // "# HELP belfry_notifications_delivered_total ..."
 */
export function createMetrics(): Metrics {
  const counters = new Map<CounterName, number>(Object.keys(COUNTER_HELP).map((name) => [name as CounterName, 0]));
  // Keyed by "route\0method\0status": one map lookup per request, split only when scraped.
  const requests = new Map<string, number>();
  const gauges = new Map<string, { help: string; sample: () => number }>();

  return {
    count(name, n = 1) {
      counters.set(name, (counters.get(name) ?? 0) + n);
    },
    countRequest(route, method, status) {
      const key = `${route}\0${METHODS.has(method) ? method : 'OTHER'}\0${status}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
    },
    gauge(name, help, sample) {
      gauges.set(name, { help, sample });
    },
    value(name) {
      return counters.get(name) ?? 0;
    },
    render() {
      const lines: string[] = [];
      for (const [name, { help, sample }] of gauges) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${sample()}`);
      }
      lines.push('# HELP belfry_http_requests_total HTTP requests answered, by route pattern, method and status.', '# TYPE belfry_http_requests_total counter');
      for (const [key, n] of requests) {
        const [route, method, status] = key.split('\0') as [string, string, string];
        lines.push(`belfry_http_requests_total{route="${label(route)}",method="${method}",status="${status}"} ${n}`);
      }
      for (const [name, n] of counters) lines.push(`# HELP ${name} ${COUNTER_HELP[name]}`, `# TYPE ${name} counter`, `${name} ${n}`);
      return `${lines.join('\n')}\n`;
    },
  };
}

/** The content type of the text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
