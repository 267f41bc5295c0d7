// Small measuring helpers shared by the benchmarks.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** CPU seconds a process has used so far (Linux /proc; utime + stime at 100 ticks/s). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The percentile `p` of already sorted values (the floor rank); NaN when there are none. */
export function sortedPercentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The positive integer in environment variable `name`, or `fallback` when unset; throws on anything else. */
export function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0) || !Number.isInteger(value)) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Where every benchmark records its sections. */
export const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** Prints a benchmark's section and appends it to bench/RESULTS.md, unless BENCH_NO_RECORD=1. */
export function record(section: string): void {
  process.stdout.write(`\n${section}`);
  if (process.env['BENCH_NO_RECORD'] === '1') return;
  if (!existsSync(RESULTS)) writeFileSync(RESULTS, '# Benchmark results\n\nNewest last.\n\n');
  appendFileSync(RESULTS, `${section}\n`);
  process.stdout.write(`\nappended to ${RESULTS}\n`);
}
