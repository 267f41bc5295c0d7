import { afterEach, describe, expect, it } from 'vitest';

describe('element entries', () => {
  afterEach(() => document.body.replaceChildren());

  describe('index', () => {
    it('exports exactly the public names and defines nothing on import', async () => {
      const entry = await import('../../src/element/index.ts');
      expect(Object.keys(entry).sort()).toEqual(['BelfryInboxElement', 'defineInboxElement', 'render']);
      expect(customElements.get('belfry-inbox')).toBeUndefined();
    });
  });

  describe('defineInboxElement()', () => {
    it('defines the element once and is idempotent', async () => {
      const { BelfryInboxElement, defineInboxElement } = await import('../../src/element/index.ts');
      defineInboxElement();
      expect(() => defineInboxElement()).not.toThrow();
      expect(customElements.get('belfry-inbox')).toBe(BelfryInboxElement);
    });

    it('defines another name with a subclass (one constructor backs one name)', async () => {
      const { BelfryInboxElement, defineInboxElement } = await import('../../src/element/index.ts');
      defineInboxElement('my-inbox');
      defineInboxElement('my-inbox');
      const other = customElements.get('my-inbox')!;
      expect(other).not.toBe(BelfryInboxElement);
      expect(document.createElement('my-inbox')).toBeInstanceOf(BelfryInboxElement);
    });

    it('rejects an invalid name with the registry error', async () => {
      const { defineInboxElement } = await import('../../src/element/index.ts');
      expect(() => defineInboxElement('nodash')).toThrow();
    });
  });

  describe('script', () => {
    it('exports render, createInbox, InboxError and defineInboxElement for the global Belfry', async () => {
      const script = await import('../../src/element/script.ts');
      const core = await import('../../src/core/index.ts');
      expect(Object.keys(script).sort()).toEqual(['InboxError', 'createInbox', 'defineInboxElement', 'render']);
      expect(script.createInbox).toBe(core.createInbox);
      expect(script.InboxError).toBe(core.InboxError);
      expect(customElements.get('belfry-inbox')).toBeDefined();
    });
  });
});
