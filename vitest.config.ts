// Test projects: pure logic in Node, components in happy-dom, the service in-process (plus real
// ports for the event stream), and end-to-end in Debian's Chromium against built files.
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));
// The server reaches the browser package only through its exports; in tests they map to sources.
const alias = [
  { find: /^belfry$/, replacement: src('core/index.ts') },
  { find: /^belfry\/(\w+)$/, replacement: src('$1/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', environment: 'node', include: ['test/{protocol,template,core,node,architecture,build}/**/*.test.ts'] },
      },
      {
        plugins: [preact()],
        resolve: { alias },
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['test/{ui,element}/**/*.test.{ts,tsx}'],
          setupFiles: ['test/setup-dom.ts'],
        },
      },
      {
        resolve: { alias },
        test: { name: 'server', environment: 'node', include: ['server/test/**/*.test.ts'], testTimeout: 15_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
