// What an idle stream holds in the service's heap: diffs two heap snapshots (before and after
// opening N streams, written with BENCH_FANOUT_SNAPSHOT=dir) by node type and constructor and
// prints what each stream adds, largest first.
// Usage: npx tsx bench/fanout-heap.ts before.heapsnapshot after.heapsnapshot N [rows]
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size of every (type, constructor) in a snapshot. */
function tally(path: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const types = heap.snapshot.meta.node_types[0];
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    // A string's name is its text: group strings by type only.
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? '' : heap.strings[heap.nodes[i + nameAt]!]!;
    const key = `${type} ${name.slice(0, 80)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += heap.nodes[i + sizeAt]!;
    groups.set(key, group);
  }
  return groups;
}

const [beforePath, afterPath, streamsText, rowsText] = process.argv.slice(2);
if (!beforePath || !afterPath || !(Number(streamsText) > 0)) {
  process.stderr.write('usage: npx tsx bench/fanout-heap.ts before.heapsnapshot after.heapsnapshot N [rows]\n');
  process.exit(2);
}
const streams = Number(streamsText);
const before = tally(beforePath);
const after = tally(afterPath);
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: (a.count - b.count) / streams, bytes: (a.bytes - b.bytes) / streams };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((n, r) => n + r.bytes, 0);
process.stdout.write(`heap per stream: ${total.toFixed(0)} bytes (self sizes, after - before, / ${streams})\n\n| bytes / stream | objects / stream | type and constructor |\n|---|---|---|\n`);
for (const r of rows.slice(0, Number(rowsText ?? 40))) process.stdout.write(`| ${r.bytes.toFixed(0)} | ${r.count.toFixed(2)} | ${r.key} |\n`);
