// `npm run bench`: runs the trigger benchmark, prints a table, and appends the numbers with the
// date and machine to bench/RESULTS.md.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { optionsFromEnv, runTriggerBench } from './trigger.ts';
import type { TriggerBenchResult } from './trigger.ts';

const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

function machine(): string {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  return `${model}, nproc ${cpus().length}, Node ${process.version}, ${process.platform} ${process.arch}`;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function table(result: TriggerBenchResult): string {
  const header = ['scenario', 'load', 'req/s', 'notifications/s', 'p50 ms', 'p99 ms', 'server CPU', 'server CPU ms/req', 'client CPU', 'errors'];
  const lines = result.rows.map((r) => [
    r.scenario,
    r.load,
    fixed(r.requestsPerSecond, 0),
    r.notificationsPerSecond === null ? '-' : fixed(r.notificationsPerSecond, 0),
    fixed(r.p50, 2),
    fixed(r.p99, 2),
    `${fixed(r.serverCpu * 100, 0)} %`,
    fixed(r.serverCpuMsPerRequest, 3),
    `${fixed(r.clientCpu * 100, 0)} %`,
    String(r.errors),
  ]);
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

function targets(result: TriggerBenchResult): string {
  const lines = result.targets.map((t) => `- ${t.met ? 'met' : 'NOT met'}: ${t.name} — ${t.value}`);
  // Not a target, but what the rate ratio rests on: it moves less with other load than req/s does.
  lines.push(`- (for reference) server CPU per single-recipient trigger: ${fixed(result.cpuRatio, 1)}× the empty route's`);
  return lines.join('\n');
}

const options = optionsFromEnv();
// Other work on the machine skews every number; the load average says how much there was.
const loadBefore = loadavg()[0]!.toFixed(2);
const result = await runTriggerBench(options, (line) => process.stderr.write(`bench: ${line}\n`));
const section = [
  `## ${new Date().toISOString()} — trigger`,
  '',
  `Machine: ${machine()}; load average before the run ${loadBefore}.`,
  `Run: ${options.clients} concurrent keep-alive clients (node:http) per closed-loop scenario, ${options.seconds} s measured after ${options.warmupSeconds} s warm-up; ` +
    `${options.users} users; SQLite file (WAL) in a temp dir; request log on (to /dev/null); rate limits off. Server and load generator are separate processes on loopback.`,
  '',
  table(result),
  '',
  targets(result),
  '',
].join('\n');
process.stdout.write(`\n${table(result)}\n\n${targets(result)}\n`);
if (!existsSync(RESULTS)) writeFileSync(RESULTS, '# Benchmark results\n\nAppended by `npm run bench` (bench/run.ts); newest last.\n\n');
appendFileSync(RESULTS, section + '\n');
process.stdout.write(`\nappended to ${RESULTS}\n`);
