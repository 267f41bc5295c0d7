// Shared fixtures for the template tests: one context with every root filled, and helpers that
// build expected nodes so assertions read like the AST they expect.
import type { TemplateContext, TemplateNode } from '../../src/template/index.ts';

/** A fixed "now": 2025-01-06 15:04 UTC. */
export const NOW = Date.parse('2025-01-06T15:04:00Z');

/** A render context with every root populated; `overrides` replace whole keys. */
export function createContext(overrides: Partial<TemplateContext> = {}): TemplateContext {
  return {
    recipient: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', age: 36, verified: true },
    data: {
      order: { id: 'A-17', total: 1234567.891, items: [{ name: 'Gear' }, { name: 'Cog' }] },
      tags: ['new', 'sale'],
      placedAt: '2025-01-05T15:04:00Z',
      url: 'https://shop.example.com/orders/A-17',
      empty: '',
      nothing: null,
    },
    app: { name: 'Belfry' },
    locale: 'en-US',
    timeZone: 'UTC',
    now: () => NOW,
    ...overrides,
  };
}

/** A text node. */
export const text = (value: string): TemplateNode => ({ type: 'text', value });
/** A strong node. */
export const strong = (...children: TemplateNode[]): TemplateNode => ({ type: 'strong', children });
/** An em node. */
export const em = (...children: TemplateNode[]): TemplateNode => ({ type: 'em', children });
/** A code node. */
export const code = (value: string): TemplateNode => ({ type: 'code', value });
/** A link node. */
export const link = (href: string, ...children: TemplateNode[]): TemplateNode => ({ type: 'link', href, children });
/** A line break node. */
export const br: TemplateNode = { type: 'br' };

/** Every node of a tree, depth first. */
export function walk(nodes: readonly TemplateNode[]): TemplateNode[] {
  return nodes.flatMap((node) => ('children' in node ? [node, ...walk(node.children)] : [node]));
}
