// The fan-out benchmark's table, its targets, the machine it ran on and the socket limits it needs.
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { ScenarioResult } from './fanout-scenario.ts';

/** CPU, cores and Node version of this machine. */
export function machine(): string {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  return `${model}, nproc ${cpus().length}, Node ${process.version}, ${process.platform} ${process.arch}`;
}

// Sockets a process holds besides its streams: the listener, the database, Redis, stdio, IPC.
const FD_MARGIN = 200;

/**
 * Checks that `streams` connections fit this machine: open files per process (the server holds
 * every stream, each client process its share) and ephemeral ports per source address (each client
 * process connects from its own 127.0.0.x). Throws when they do not; answers a summary line.
 */
export function checkLimits(streams: number, clientProcesses: number): { summary: string } {
  const limitsText = readFileSync('/proc/self/limits', 'utf8');
  const openFiles = Number(/^Max open files\s+(\d+)/m.exec(limitsText)?.[1] ?? Infinity);
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number) as [number, number];
  const ports = high - low + 1;
  const perClient = Math.ceil(streams / clientProcesses);
  const summary = `Limits: open files ${openFiles} per process, ephemeral ports ${low}-${high} (${ports} per source address); largest run: ${streams} streams in the server, ${perClient} per client process.`;
  if (streams + FD_MARGIN > openFiles) throw new Error(`${summary} The server needs ${streams + FD_MARGIN} files: raise ulimit -n.`);
  if (perClient + FD_MARGIN > openFiles || perClient > ports) throw new Error(`${summary} Use more client processes (BENCH_FANOUT_CLIENT_PROCESSES).`);
  return { summary };
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const NAMES = { bare: 'bare node:http broadcaster', sqlite: 'Belfry, SQLite', postgres: 'Belfry, PostgreSQL + Redis' } as const;

function bareOf(results: ScenarioResult[], r: ScenarioResult): ScenarioResult | undefined {
  return results.find((b) => b.kind === 'bare' && b.streams === r.streams);
}

/** The results as a Markdown table. */
export function table(results: ScenarioResult[]): string {
  const header = ['streams', 'server', 'triggers', 'time to all ms', 'vs bare', 'triggers answered ms', 'notifications/s', 'p50 ms', 'p99 ms', 'server CPU', 'idle RSS / stream', 'idle heap / stream', 'server RSS', 'missing', 'errors'];
  const lines = results.map((r) => {
    const bare = bareOf(results, r);
    return [
      String(r.streams),
      NAMES[r.kind],
      String(r.triggers),
      fixed(r.totalMs, 0),
      bare && r.kind !== 'bare' ? `${fixed(r.totalMs / bare.totalMs, 1)}x` : '-',
      fixed(r.triggersMs, 0),
      fixed(r.notificationsPerSecond, 0),
      fixed(r.p50, 1),
      fixed(r.p99, 1),
      `${fixed(r.serverCpu * 100, 0)} %`,
      `${fixed(r.rssPerStream / 1024, 1)} KB`,
      `${fixed(r.heapPerStream / 1024, 1)} KB`,
      `${fixed(r.rss / 2 ** 20, 0)} MB`,
      String(r.missing),
      String(r.errors),
    ];
  });
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

// The targets: at 10,000 streams the service takes at most 3x the bare broadcaster's time;
// an idle stream costs the service at most 16 KB.
const TIME_RATIO = 3;
const BYTES_PER_STREAM = 16 * 1024;
const TARGET_STREAMS = 10_000;

/** The targets, checked against the results that have the numbers for them. */
export function targets(results: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.kind === 'bare') continue;
    const bare = bareOf(results, r);
    if (r.streams === TARGET_STREAMS && bare) {
      const ratio = r.totalMs / bare.totalMs;
      lines.push(`- ${ratio <= TIME_RATIO ? 'met' : 'NOT met'}: ${NAMES[r.kind]}, ${r.streams} streams, time <= ${TIME_RATIO}x the bare broadcaster's — ${fixed(ratio, 2)}x (${fixed(r.totalMs, 0)} vs ${fixed(bare.totalMs, 0)} ms)`);
    }
    const perStream = r.rssPerStream;
    lines.push(`- ${perStream <= BYTES_PER_STREAM ? 'met' : 'NOT met'}: ${NAMES[r.kind]}, ${r.streams} streams, idle memory <= 16 KB per stream (RSS) — ${fixed(perStream / 1024, 1)} KB`);
  }
  const lost = results.reduce((n, r) => n + r.missing + r.errors, 0);
  lines.push(`- ${lost === 0 ? 'met' : 'NOT met'}: every stream got its notification, no failed request — ${lost} missing or failed`);
  return lines.join('\n');
}
