import { describe, expect, it, vi } from 'vitest';
import * as core from '../../src/core/index.ts';

describe('core', () => {
  describe('index', () => {
    it('exports exactly the public runtime names', () => {
      expect(Object.keys(core).sort()).toEqual(['InboxError', 'createInbox']);
    });

    it('touches no environment global at import time (safe for server-side rendering)', async () => {
      const names = ['window', 'document', 'indexedDB', 'fetch', 'addEventListener', 'setTimeout'] as const;
      const touched: string[] = [];
      const saved = names.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
      for (const name of names) {
        const original = (globalThis as Record<string, unknown>)[name];
        Object.defineProperty(globalThis, name, { configurable: true, get: () => (touched.push(name), original) });
      }
      try {
        vi.resetModules();
        await import('../../src/core/index.ts');
      } finally {
        for (const [name, descriptor] of saved) {
          if (descriptor) Object.defineProperty(globalThis, name, descriptor);
          else delete (globalThis as Record<string, unknown>)[name];
        }
      }
      expect(touched).toEqual([]);
    });
  });
});
