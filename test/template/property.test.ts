// Randomized and adversarial checks of the engine's safety promises: rendering never throws,
// every link passes the URL allow-list, and substituted values never add formatting or text
// that came from neither the source nor the values.
import { describe, expect, it } from 'vitest';
import { checkTemplate, compileTemplate, isSafeUrl, renderTemplate, renderText } from '../../src/template/index.ts';
import type { TemplateContext, TemplateNode } from '../../src/template/index.ts';
import { createContext, walk } from './fixtures.ts';

// mulberry32: a tiny seeded PRNG, so a failure reproduces from its seed.
function createRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCE_PIECES = [
  'Hi', ' ', 'order', '!', '*', '**', '***', '`', '[', ']', '](', ')', '(', '\n', '\r\n', '\\', '\\*', '<', '<<', '>>', '{{', '}}',
  '<<data.a>>', '<<data.b | default: "d">>', '{{ recipient.c }}', '<<data.list.0>>', '<<data.obj.k>>', '<<data.missing | default: 7>>',
  '<<data.a | shout>>', '<<data.', '<<data.b | default: "', '[go](<<data.url>>)', '[go](https://x.example/<<data.a>>)', '[go](/p)',
  '[go](javascript:x)', '`<<data.a>>`', 'java', 'script:', 'https:', ':',
];
const VALUE_PIECES = [
  '**x**', '*y*', '`z`', '<img src=x onerror=alert(1)>', '[a](javascript:alert(1))', '<<data.secret>>', '{{data.secret}}',
  '</script>', '"><svg onload=alert(1)>', 'javascript:', 'JAVASCRIPT:', 'java\tscript:', 'data:text/html,', 'vbscript:', 'https://ok.example',
  'mailto:a@b.c', '/rel', '\n', '\\', ']', '(', ')', 'plain', 'ü', '😀',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomString(random: () => number, pieces: readonly string[], maxPieces: number): string {
  let out = '';
  const count = 1 + Math.floor(random() * maxPieces);
  for (let n = 0; n < count; n++) out += pick(random, pieces);
  return out;
}

function randomValues(random: () => number): Record<string, unknown> {
  const scalar = (): unknown => {
    const roll = random();
    if (roll < 0.7) return randomString(random, VALUE_PIECES, 4);
    if (roll < 0.8) return Math.floor(random() * 1e6) / 100;
    if (roll < 0.85) return random() < 0.5;
    if (roll < 0.9) return null;
    return roll < 0.95 ? { k: 'nested' } : ['x', 'y'];
  };
  return { a: scalar(), b: scalar(), c: scalar(), url: scalar(), secret: 'SECRET', list: [scalar()], obj: { k: scalar() } };
}

// The formatting structure with text and links flattened away: what values must never change.
function shape(nodes: readonly TemplateNode[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'text') return '';
      if (node.type === 'link') return shape(node.children);
      if (node.type === 'strong' || node.type === 'em') return `${node.type}(${shape(node.children)})`;
      return node.type;
    })
    .join('');
}

// Every string a value can contribute to the output.
function strings(value: unknown): string[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('template engine', () => {
  describe('properties', () => {
    it('renders thousands of random templates safely', () => {
      const random = createRandom(20250106);
      const problems: string[] = [];
      for (let n = 0; n < 3000; n++) {
        const source = randomString(random, SOURCE_PIECES, 12);
        const data = randomValues(random);
        const recipient = { c: randomString(random, VALUE_PIECES, 3) };
        const context: TemplateContext = createContext({ data, recipient });
        const nodes = renderTemplate(source, context);
        const allowed = new Set([...source, ...strings(data).join(''), ...strings(recipient).join('')]);

        for (const node of walk(nodes)) {
          if (node.type === 'link' && !isSafeUrl(node.href)) problems.push(`${JSON.stringify(source)} linked ${node.href}`);
          if (node.type !== 'text' && node.type !== 'code') continue;
          const foreign = [...node.value].filter((char) => !allowed.has(char));
          if (foreign.length > 0) problems.push(`${JSON.stringify(source)} made ${JSON.stringify(foreign)}`);
        }
        if (renderText(source, context) !== renderText(compileTemplate(source), context)) problems.push(`${JSON.stringify(source)} compiled differs`);
        checkTemplate(source);
      }
      expect(problems).toEqual([]);
    });

    it('lets no value change the formatting around it', () => {
      const random = createRandom(7);
      const problems: string[] = [];
      for (let n = 0; n < 3000; n++) {
        const source = randomString(random, SOURCE_PIECES, 12);
        // Non-empty strings only: empty values legitimately drop empty formatting.
        const hostile = { a: randomString(random, VALUE_PIECES, 4), b: randomString(random, VALUE_PIECES, 4), url: randomString(random, VALUE_PIECES, 2) };
        const neutral = { a: 'v', b: 'v', url: 'v' };
        const withHostile = renderTemplate(source, createContext({ data: { ...hostile, list: ['v'], obj: { k: 'v' } }, recipient: { c: hostile.a } }));
        const withNeutral = renderTemplate(source, createContext({ data: { ...neutral, list: ['v'], obj: { k: 'v' } }, recipient: { c: 'v' } }));
        if (shape(withHostile) !== shape(withNeutral)) problems.push(JSON.stringify({ source, hostile }));
      }
      expect(problems).toEqual([]);
    });

    it('never throws on arbitrary characters', () => {
      const random = createRandom(99);
      for (let n = 0; n < 2000; n++) {
        let source = '';
        const length = Math.floor(random() * 40);
        for (let k = 0; k < length; k++) source += String.fromCharCode(Math.floor(random() * 128));
        expect(() => renderTemplate(source, createContext())).not.toThrow();
        expect(() => checkTemplate(source)).not.toThrow();
      }
    });
  });

  describe('hostile input', () => {
    const SIZE = 100_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

    it.each([
      ['<', fill('<')],
      ['{', fill('{')],
      ['*a', fill('*a')],
      ['**a ', fill('**a ')],
      ['[', fill('[')],
      ['[ then ](x)', fill('[').slice(0, SIZE / 2) + fill('](x)').slice(0, SIZE / 2)],
      ['](', fill('](')],
      ['`a', fill('`a')],
      ['\\', fill('\\')],
      ['<<a', fill('<<a')],
      ['<<data.', fill('<<data.')],
      ['unclosed quotes', '<<a|default:"' + fill('<<a|default:\\"')],
      ['alternating quotes', fill('<<a|default:"<<a|default:\'')],
      ['long path', '<<' + fill('a.')],
      ['mixed', fill('*[`<<{{](**\\\n')],
      ['nested openers', fill('[*[**')],
    ])('renders 100 KB of %s quickly', (_name, source) => {
      const started = performance.now();
      const nodes = renderTemplate(source, createContext());
      checkTemplate(source);
      const elapsed = performance.now() - started;
      const rendered = walk(nodes).reduce((sum, node) => sum + ('value' in node ? node.value.length : 0), 0);
      expect(rendered).toBeGreaterThan(0);
      expect(rendered).toBeLessThanOrEqual(source.length);
      expect(elapsed).toBeLessThan(500);
    });

    it('substitutes a 100 KB hostile value quickly and literally', () => {
      const value = fill('**[x](javascript:1)<<data.a>>`');
      const started = performance.now();
      const text = renderText('**<<data.v>>**', createContext({ data: { v: value } }));
      expect(performance.now() - started).toBeLessThan(500);
      expect(text).toBe(value);
    });
  });
});
