// Byte budgets per entry point, measured on the built files as a user would ship them:
// minified and gzipped (level 9). `npm test` builds before it runs the tests.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measure, requireDist } from './measure.ts';
import type { Entry } from './measure.ts';

const KB = 1024;

/**
 * Budgets in gzip bytes: today's size plus a little headroom, so growth is a decision, not an
 * accident. The script-tag file carries everything: preact, signals, styles, core, templates.
 * The sizes we are working towards are lower — 20 KB for the script-tag file, 8 KB for the core
 * with its dependencies — and each budget comes down as the code does. They went up once, on
 * purpose, by the measured cost of what the widget must have: the feed tabs with their counts
 * (core and UI), the first-screen snapshot of the cache, a virtual list that scrolls without
 * layout reads, items that skip a render when only `seenAt` changed, the preferences view, the
 * loading skeleton, placement, upward item menus and inline icons. A widget without them would
 * be smaller but not the product. Core and script-tag file: +0.1 KB for link URLs with balanced
 * parentheses and for keeping unchanged items' objects, so the IndexedDB copy re-renders nothing.
 * UI and script-tag file: +0.42 KB and +0.35 KB for the panel rendered hidden ahead of its opening.
 * Core and script-tag file: +0.1 KB (56 B) for reads the rate limit refused, tried again after
 * their Retry-After, so scrolling fast through a long feed does not end in an error, and for an
 * item read in Unread staying when read before the tab's first page arrives (82 B core, 62 B file).
 */
export const BUDGETS: Record<Entry, number> = {
  'belfry.iife.js': 31.4 * KB,
  'belfry (core + signals-core + idb-keyval)': 13.2 * KB,
  'belfry/ui (own code only)': 12.8 * KB,
};

describe('size budgets', () => {
  it('keeps the script-tag file within its budget', async () => {
    const size = await measure('belfry.iife.js');
    expect(size).toBeLessThanOrEqual(BUDGETS['belfry.iife.js']);
  });

  it('keeps the headless core with its two dependencies within its budget', async () => {
    const size = await measure('belfry (core + signals-core + idb-keyval)');
    expect(size).toBeLessThanOrEqual(BUDGETS['belfry (core + signals-core + idb-keyval)']);
  });

  it('keeps the UI entry, without its dependencies, within its budget', async () => {
    const size = await measure('belfry/ui (own code only)');
    expect(size).toBeLessThanOrEqual(BUDGETS['belfry/ui (own code only)']);
  });

  it('bundles everything into the script-tag file (no imports left to resolve)', () => {
    const text = readFileSync(requireDist('belfry.iife.js'), 'utf8');
    expect(text).not.toMatch(/\bimport\s*\(|^import\s|\bfrom\s*["']preact/m);
  });
});
