// The sizes README.md quotes are the real ones: each is measured like the budgets measure it
// (measure.ts) and must be within 0.2 KB of what the README says. After a change that moves a
// size, update the README's number (rounded to 0.1 KB).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENTRIES, measure } from './measure.ts';
import type { Entry } from './measure.ts';

const KB = 1024;
const TOLERANCE = 0.2 * KB;
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

// The README's size table names each entry by the first code span of its row.
const ROWS: Record<string, Entry> = {
  'belfry.iife.js': 'belfry.iife.js',
  belfry: 'belfry (core + signals-core + idb-keyval)',
  'belfry/ui': 'belfry/ui (own code only)',
};

/** The quoted sizes in KB, by entry, from rows like "| `belfry` — ... | 11.9 KB |". */
function quotedSizes(): Map<Entry, number> {
  const quoted = new Map<Entry, number>();
  for (const [, name, kb] of readme.matchAll(/^\| `([^`]+)`[^|\n]*\| (\d+\.\d) KB \|$/gm)) {
    const entry = ROWS[name!];
    expect(entry, `README size row for \`${name}\` names a measured entry`).toBeDefined();
    expect(quoted.has(entry!), `README quotes \`${name}\` once`).toBe(false);
    quoted.set(entry!, Number(kb));
  }
  return quoted;
}

describe('README sizes', () => {
  it('quotes each measured entry point once', () => {
    expect([...quotedSizes().keys()].sort()).toEqual([...ENTRIES].sort());
  });

  for (const entry of ENTRIES) {
    it(`quotes the real gzip size of ${entry} (within 0.2 KB)`, async () => {
      const quoted = quotedSizes().get(entry);
      expect(quoted, `README quotes ${entry}`).toBeDefined();
      const actual = await measure(entry);
      expect(
        Math.abs(actual - quoted! * KB),
        `README says ${quoted} KB, the build measures ${(actual / KB).toFixed(1)} KB`,
      ).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
