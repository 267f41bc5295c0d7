// Byte budgets per entry point, measured on the built files as a user would ship them:
// minified and gzipped (level 9). `npm test` builds before it runs the tests.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const KB = 1024;

/**
 * Budgets in gzip bytes: today's size plus a little headroom, so growth is a decision, not an
 * accident. The script-tag file carries everything: preact, signals, styles, core, templates.
 * The sizes we are working towards are lower — 20 KB for the script-tag file, 8 KB for the core
 * with its dependencies — and each budget comes down as the code does.
 */
export const BUDGETS = {
  'belfry.iife.js': 27.1 * KB,
  'belfry (core + signals-core + idb-keyval)': 12 * KB,
  'belfry/ui (own code only)': 9.7 * KB,
};

const gzipSize = (bytes: Uint8Array | string) => gzipSync(bytes, { level: 9 }).length;

function requireDist(file: string): string {
  const path = dist + file;
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does this)`);
  return path;
}

/** Bundles an ESM entry with esbuild, minified, and answers its gzip size. */
async function bundledSize(entry: string, external: string[]): Promise<number> {
  const result = await build({
    entryPoints: [requireDist(entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external,
    logLevel: 'silent',
  });
  return gzipSize(result.outputFiles[0]!.contents);
}

describe('size budgets', () => {
  it('keeps the script-tag file within its budget', () => {
    const size = gzipSize(readFileSync(requireDist('belfry.iife.js')));
    expect(size).toBeLessThanOrEqual(BUDGETS['belfry.iife.js']);
  });

  it('keeps the headless core with its two dependencies within its budget', async () => {
    const size = await bundledSize('belfry.js', []);
    expect(size).toBeLessThanOrEqual(BUDGETS['belfry (core + signals-core + idb-keyval)']);
  });

  it('keeps the UI entry, without its dependencies, within its budget', async () => {
    const size = await bundledSize('ui.js', ['preact', 'preact/*', '@preact/*', 'idb-keyval']);
    expect(size).toBeLessThanOrEqual(BUDGETS['belfry/ui (own code only)']);
  });

  it('bundles everything into the script-tag file (no imports left to resolve)', () => {
    const text = readFileSync(requireDist('belfry.iife.js'), 'utf8');
    expect(text).not.toMatch(/\bimport\s*\(|^import\s|\bfrom\s*["']preact/m);
  });
});
