// Randomized and adversarial checks of the engine's safety promises: random templates with
// random hostile values never throw, render only well-formed nodes, link only to URLs that pass
// the allow-list, and substitute values as text only; plus round trips that pin the semantics.
import { describe, expect, it } from 'vitest';
import { checkTemplate, isSafeUrl, renderTemplate, renderText } from '../../src/template/index.ts';
import type { TemplateContext, TemplateNode } from '../../src/template/index.ts';
import { explainPlaceholder } from '../../src/template/check.ts';
import { scan } from '../../src/template/scan.ts';
import { readPlaceholder } from '../../src/template/expression.ts';
import { createContext, walk } from './fixtures.ts';
import { createRandom, flatten, nodeProblems, pick, randomContext, randomPlaceholder, randomSource, randomText } from './generators.ts';

const RUNS = 2000;

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

// A context whose every value is `leaf(name)`, a non-empty string, at the paths the generators read.
function contextOf(leaf: (name: string) => string, base: TemplateContext = {}): TemplateContext {
  const record = (root: string) => ({
    a: leaf(`${root}.a`),
    b: leaf(`${root}.b`),
    c: leaf(`${root}.c`),
    url: leaf(`${root}.url`),
    k: leaf(`${root}.k`),
    ü: leaf(`${root}.ü`),
    $x: leaf(`${root}.$x`),
    'a-b': leaf(`${root}.a-b`),
    list: [leaf(`${root}.list.0`)],
    obj: { k: leaf(`${root}.obj.k`), a: leaf(`${root}.obj.a`) },
  });
  return { ...base, recipient: record('recipient'), data: record('data'), app: { ...record('app'), name: leaf('app.name') } };
}

describe('template engine', () => {
  describe('properties', () => {
    it('renders random templates with hostile values to well-formed nodes and safe links only, never throwing', () => {
      const random = createRandom(20250106);
      const problems: string[] = [];
      for (let n = 0; n < RUNS; n++) {
        const source = randomSource(random);
        const context = randomContext(random);
        const nodes = renderTemplate(source, context);
        const report = (what: string) => problems.push(`${JSON.stringify(source)}: ${what}`);
        for (const problem of nodeProblems(nodes)) report(problem);
        for (const node of walk(nodes)) if (node.type === 'link' && !isSafeUrl(node.href)) report(`linked ${node.href}`);
        if (renderText(source, context) !== flatten(nodes)) report('renderText differs from the text of the nodes');
        expect(renderTemplate(source, context)).toEqual(nodes);
        const problem = checkTemplate(source);
        if (problem && !(problem.offset >= 0 && problem.offset < source.length && problem.message)) report(`check said ${JSON.stringify(problem)}`);
      }
      expect(problems).toEqual([]);
    });

    it('lets no value change the formatting around it', () => {
      const random = createRandom(7);
      const problems: string[] = [];
      for (let n = 0; n < RUNS; n++) {
        const source = randomSource(random);
        // Non-empty strings only: empty values legitimately drop formatting that renders empty.
        const hostile = contextOf(() => randomText(random), createContext());
        const neutral = contextOf(() => 'v', createContext());
        if (shape(renderTemplate(source, hostile)) !== shape(renderTemplate(source, neutral))) problems.push(JSON.stringify({ source, hostile }));
      }
      expect(problems).toEqual([]);
    });

    it('substitutes values as literal text: the AST is the one rendered with stand-ins, stand-ins replaced', () => {
      const random = createRandom(31);
      const problems: string[] = [];
      for (let n = 0; n < RUNS; n++) {
        // No filters (they change values) and no links (a value may make one unsafe, dropping it).
        const source = randomSource(random, { filters: false, links: false });
        const names: string[] = [];
        const values = new Map<string, string>();
        // Private-use characters: nothing in the grammar or the values uses them.
        const standIns = contextOf((name) => String.fromCharCode(0xe000 + names.push(name) - 1), createContext());
        const hostile = contextOf((name) => {
          const value = randomText(random);
          values.set(name, value);
          return value;
        }, createContext());
        const replace = (text: string) => text.replace(/[\ue000-\uf8ff]/g, (char) => values.get(names[char.charCodeAt(0) - 0xe000]!)!);
        const substitute = (nodes: TemplateNode[]): TemplateNode[] =>
          nodes.map((node) => ('children' in node ? { ...node, children: substitute(node.children) } : 'value' in node ? { ...node, value: replace(node.value) } : node));
        const expected = substitute(renderTemplate(source, standIns));
        const actual = renderTemplate(source, hostile);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(JSON.stringify({ source, actual, expected }));
      }
      expect(problems.slice(0, 3)).toEqual([]);
    });

    it('renders a template without placeholders to the same AST in any context, every time', () => {
      const random = createRandom(5);
      for (let n = 0; n < RUNS; n++) {
        const source = randomSource(random, { placeholders: false });
        const first = renderTemplate(source, randomContext(random));
        expect(renderTemplate(source, randomContext(random))).toEqual(first);
        expect(renderTemplate(source, {})).toEqual(first);
      }
    });

    it('renders any string with its markers escaped as exactly that string', () => {
      const random = createRandom(11);
      for (let n = 0; n < RUNS; n++) {
        const text = randomSource(random) + randomText(random);
        const escaped = text.replace(/[\\`*_[\]()<>{}]/g, '\\$&');
        const nodes = renderTemplate(escaped, randomContext(random));
        expect(nodes.every((node) => node.type === 'text' || node.type === 'br')).toBe(true);
        expect(flatten(nodes)).toBe(text.replace(/\r\n?/g, '\n'));
      }
    });

    it('checks a placeholder as invalid exactly when rendering keeps it literal', () => {
      const random = createRandom(13);
      let valid = 0;
      for (let n = 0; n < RUNS * 2; n++) {
        const placeholder = randomPlaceholder(random);
        const read = readPlaceholder(placeholder, 0, placeholder.length, {});
        const problem = explainPlaceholder(placeholder, 0, placeholder.length);
        // explainPlaceholder answers "not a placeholder" only when its own reader reached the end.
        expect({ placeholder, read: !!read }).toEqual({ placeholder, read: problem.message === 'not a placeholder' });
        if (read) valid++;
      }
      // Both outcomes are well represented.
      expect(valid).toBeGreaterThan(RUNS / 5);
      expect(valid).toBeLessThan(RUNS * 2 - RUNS / 5);
    });

    it('reports a problem for a source exactly when one of its placeholders renders literally', () => {
      const random = createRandom(17);
      for (let n = 0; n < RUNS; n++) {
        const source = randomSource(random);
        const failed: number[] = [];
        scan(source, {}, (at) => failed.push(at));
        const problem = checkTemplate(source);
        if (failed.length === 0) expect(problem).toBeNull();
        else {
          // At the first opener that failed or inside its body, and a real reason, not the fallback.
          expect(problem!.offset).toBeGreaterThanOrEqual(Math.min(...failed));
          expect(problem!.message).not.toBe('not a placeholder');
        }
      }
    });

    it('formats numbers and dates in the context locale and time zone, or falls back without throwing', () => {
      const random = createRandom(19);
      for (let n = 0; n < RUNS; n++) {
        const context = randomContext(random);
        const style = pick(random, ['short', 'long', 'relative']);
        const v = pick(random, [1736089440000, '2025-01-05T15:04:00Z', new Date(1736089440000), 1234.5, '12', 'x', true, new Date(NaN)]);
        const [number = '', date = ''] = ['number', `date: "${style}"`].map((filter) => renderText(`<<data.v | ${filter}>>`, { ...context, data: { v } }));
        expect(typeof number).toBe('string');
        expect(typeof date).toBe('string');
        if (context.locale !== 'de-DE' || context.timeZone !== 'Asia/Tokyo' || style !== 'long' || typeof v !== 'number' || v < 1e6) continue;
        expect(date.replace(/\s/g, ' ')).toBe('6. Januar 2025 um 00:04');
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
      ['[ then ](', '[' + fill('](')],
      ['[ then ]( and balanced pairs', '[' + fill('](()')],
      ['[](', fill('[](')],
      ['nested (', '[x](' + fill('(')],
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
