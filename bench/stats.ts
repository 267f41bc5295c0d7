// Small measuring helpers shared by the benchmarks.
import { readFileSync } from 'node:fs';

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
