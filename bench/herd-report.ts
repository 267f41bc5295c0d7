// The herd benchmark's tables and its target line (issue 6: `/healthz` p99 under 200 ms while
// 5,000 streams reconnect to a fresh instance).
import type { HealthSamples, HerdResult } from './herd-scenario.ts';

/** The issue's bound on `/healthz` p99 during the herd, in ms. */
export const HEALTHZ_P99_TARGET_MS = 200;

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** The nearest-rank percentile `p` of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function markdown(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

// Failed checks are counted per phase only (they have no answer time to slice by): `showFailures` false prints '-'.
function healthRow(phase: string, samples: HealthSamples, showFailures = true): string[] {
  const { latencies } = samples;
  return [
    phase,
    String(latencies.length + samples.failures.length),
    ...[50, 95, 99].map((p) => fixed(percentile(latencies, p), 1)),
    fixed(latencies.length ? Math.max(...latencies) : NaN, 1),
    showFailures ? String(samples.failures.length) : '-',
  ];
}

// The herd's checks are also shown by when they started, to tell a cold start, the old instance's
// shutdown and heartbeats (every 15 s after each reconnect) apart.
const SLICE_MS = 5_000;

function slices(samples: HealthSamples): [string, HealthSamples][] {
  const count = Math.ceil(Math.max(0, ...samples.startedAt) / SLICE_MS);
  return Array.from({ length: count }, (_, k) => {
    const inSlice = samples.startedAt.map((at, i) => (Math.floor(at / SLICE_MS) === k ? i : -1)).filter((i) => i >= 0);
    const label = `herd, ${(k * SLICE_MS) / 1000}–${((k + 1) * SLICE_MS) / 1000} s after SIGTERM`;
    return [label, { latencies: inSlice.map((i) => samples.latencies[i]!), startedAt: inSlice.map((i) => samples.startedAt[i]!), failures: [] }];
  });
}

/** The restart and `/healthz` of the run as two Markdown tables. */
export function tables(r: HerdResult): string {
  const restart = markdown(
    ['streams', 'opened in s', 'old instance exit ms (code)', 'streams without hint', 'reconnect window s', 'most reconnects sent in 250 ms (at s)', 'back on fresh', 'reconnect errors', 'fresh RSS / stream', 'CPU / stream opened: fill (old)', 'herd (fresh)'],
    [
      [
        String(r.streams),
        fixed(r.fillMs / 1000, 1),
        `${fixed(r.exitMs, 0)} (${r.exitCode})`,
        String(r.withoutHint),
        fixed(r.lastBackMs / 1000, 1),
        `${r.busiestQuarter.reconnects} (${fixed(r.busiestQuarter.at, 2)})`,
        String(r.heldByFresh),
        String(r.reconnectErrors.length),
        `${fixed(r.rssPerStream / 1024, 1)} KB`,
        `${fixed(r.fillCpuPerStream, 2)} ms`,
        `${fixed(r.herdCpuPerStream, 2)} ms`,
      ],
    ],
  );
  const health = markdown(
    ['/healthz of the fresh instance', 'checks', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'failed checks'],
    [
      healthRow('idle, before SIGTERM', r.idleHealth),
      healthRow('during the herd', r.herdHealth),
      ...slices(r.herdHealth).map(([label, samples]) => healthRow(label, samples, false)),
    ],
  );
  return `${restart}\n\n${health}`;
}

/** The target line, then whether everything came back. */
export function targets(r: HerdResult): string {
  const p99 = percentile(r.herdHealth.latencies, 99);
  const met = p99 < HEALTHZ_P99_TARGET_MS && r.herdHealth.failures.length === 0;
  const failed = r.herdHealth.failures.length ? `, ${r.herdHealth.failures.length} failed checks` : '';
  const lost = r.reconnectErrors.length + (r.streams - r.heldByFresh) + r.withoutHint + (r.exitCode === 0 ? 0 : 1);
  const firstErrors = r.reconnectErrors.slice(0, 3).join('; ');
  return [
    met ? `- met: /healthz p99 < ${HEALTHZ_P99_TARGET_MS} ms — ${fixed(p99, 1)} ms` : `- NOT met: /healthz p99 < ${HEALTHZ_P99_TARGET_MS} ms — ${fixed(p99, 1)} ms${failed}`,
    `- ${lost === 0 ? 'met' : 'NOT met'}: every stream got a hint and came back, the old instance exited 0 — ` +
      `${r.withoutHint} without hint, ${r.reconnectErrors.length} reconnect errors${firstErrors ? ` (${firstErrors})` : ''}, ${r.heldByFresh} of ${r.streams} held, exit code ${r.exitCode}`,
  ].join('\n');
}
