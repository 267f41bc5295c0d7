import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findLayerViolations } from './rules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourcesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const full = join(root, dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourcesUnder(relative(root, full));
    return /\.(ts|tsx)$/.test(name) ? [{ path: relative(root, full), text: readFileSync(full, 'utf8') }] : [];
  });
}

describe('architecture', () => {
  describe('findLayerViolations()', () => {
    it('finds no forbidden import in src/ and server/src/', () => {
      expect(findLayerViolations([...sourcesUnder('src'), ...sourcesUnder('server/src')])).toEqual([]);
    });

    it.each([
      ['src/core/a.ts', "import { h } from 'preact';", 'package preact'],
      ['src/core/a.ts', "import { x } from '../ui/index.ts';", 'src/ui'],
      ['src/protocol/a.ts', "import { y } from '../template/index.ts';", 'src/template'],
      ['src/ui/a.ts', "import { y } from '../core/reducer.ts';", "src/core's index"],
      ['src/ui/a.ts', "import { readFile } from 'node:fs';", 'node:fs'],
      ['src/element/a.ts', "export { z } from '../node/index.ts';", 'src/node'],
      ['server/src/a.ts', "import { h } from '../../src/core/index.ts';", 'leaves server/'],
      ['server/src/a.ts', "import { mountInbox } from 'belfry/ui';", 'browser UI'],
      ['src/template/a.ts', "const m = await import('idb-keyval');", 'idb-keyval'],
      // The UI subscribes through its own small hook; the Preact integration costs more than it.
      ['src/ui/a.tsx', "import '@preact/signals';", 'package @preact/signals'],
    ])('reports %s importing %j', (path, text, expected) => {
      const problems = findLayerViolations([{ path, text }]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(expected);
    });

    it('allows what the design allows', () => {
      const allowed = [
        { path: 'src/ui/a.tsx', text: "import type { ReadonlySignal } from '@preact/signals-core';\nimport type { Inbox } from '../core/index.ts';" },
        { path: 'src/core/a.ts', text: "import { get } from 'idb-keyval';\nimport { b } from './b.ts';" },
        { path: 'server/src/a.ts', text: "import { isSafeUrl } from 'belfry/template';\nimport { x } from './storage/index.ts';" },
      ];
      expect(findLayerViolations(allowed)).toEqual([]);
    });
  });
});
