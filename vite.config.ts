// Two library builds (Vite lib mode takes one external set per build):
//   --mode esm  -> dist/{belfry,ui,element,node,protocol,template}.js, dependencies external
//   --mode iife -> dist/belfry.iife.js, one file with everything bundled (global `Belfry`)
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const entries = {
  belfry: 'src/core/index.ts',
  ui: 'src/ui/index.ts',
  element: 'src/element/index.ts',
  node: 'src/node/index.ts',
  protocol: 'src/protocol/index.ts',
  template: 'src/template/index.ts',
};

export default defineConfig(({ mode }) => ({
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    target: 'es2022',
    // The script-tag file is what pages download: terser (three passes, ASCII-only output, so the
    // locale tables compress as escapes) takes a few hundred bytes more off it than the default.
    minify: mode === 'iife' ? 'terser' : true,
    terserOptions: { compress: { passes: 3 }, format: { ascii_only: true } },
    sourcemap: false,
    emptyOutDir: mode === 'esm',
    lib:
      mode === 'iife'
        ? { entry: 'src/element/script.ts', name: 'Belfry', formats: ['iife'], fileName: () => 'belfry.iife.js' }
        : { entry: entries, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rolldownOptions:
      mode === 'iife'
        ? {}
        : { external: [/^preact/, /^@preact\//, 'idb-keyval', 'jose', /^node:/] },
  },
}));
