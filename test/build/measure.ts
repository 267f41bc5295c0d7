// How big each entry point is, measured on the built files as a user would ship them: minified and
// gzipped (level 9). Shared by the budgets (size.test.ts) and the README's quoted sizes
// (readme-sizes.test.ts), so both always speak of the same numbers.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The measured entry points, in the order the README lists them. */
export const ENTRIES = ['belfry.iife.js', 'belfry (core + signals-core + idb-keyval)', 'belfry/ui (own code only)'] as const;

/** One of the measured entry points. */
export type Entry = (typeof ENTRIES)[number];

/** Gzip size (level 9) of some bytes. */
export const gzipSize = (bytes: Uint8Array | string) => gzipSync(bytes, { level: 9 }).length;

/** The path of a built file, or an error that says to build first. */
export function requireDist(file: string): string {
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

/** Gzip bytes of one entry point: the script-tag file as built, the ESM entries bundled. */
export function measure(entry: Entry): Promise<number> {
  switch (entry) {
    case 'belfry.iife.js':
      return Promise.resolve(gzipSize(readFileSync(requireDist('belfry.iife.js'))));
    case 'belfry (core + signals-core + idb-keyval)':
      return bundledSize('belfry.js', []);
    case 'belfry/ui (own code only)':
      return bundledSize('ui.js', ['preact', 'preact/*', '@preact/*', 'idb-keyval']);
  }
}
