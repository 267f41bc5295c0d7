// docs/theming.md is the contract for styling the widget from the host page. It is kept true by
// reading the source: the custom properties the CSS reads (with their light and dark defaults), the
// `part` names the components and the element give their nodes, and the theme values. A property
// or part added without documentation fails here, and so does documentation of one that is gone.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { css } from '../../src/ui/styles.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(root + path, 'utf8');
const sources = (dir: string) =>
  readdirSync(root + dir)
    .filter((name) => /\.tsx?$/.test(name))
    .map((name) => ({ path: `${dir}/${name}`, text: read(`${dir}/${name}`) }));
const widgetSources = [...sources('src/ui'), ...sources('src/element')];
const doc = read('docs/theming.md');

const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
// The cells of the doc's table rows whose first cell is a code span matching `first`.
const rows = (first: RegExp) =>
  new Map(
    doc
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
      .flatMap((cells) => {
        const match = new RegExp(`^\`${first.source}\`$`).exec(cells[0]!);
        return match ? [[match[1]!, cells] as const] : [];
      }),
  );

// The fallback of `var(--belfry-x, FALLBACK)` in the CSS, read up to the matching parenthesis.
function fallbackOf(property: string): string {
  const start = css.indexOf(`var(${property},`);
  expect(start, `${property} has a fallback in the stylesheet`).toBeGreaterThanOrEqual(0);
  let depth = 1;
  let i = start + `var(${property},`.length;
  const from = i;
  for (; depth > 0; i++) depth += css[i] === '(' ? 1 : css[i] === ')' ? -1 : 0;
  return css.slice(from, i - 1);
}
// The theme's private variables (`--_bg:#fff;...`) declared in a rule of the stylesheet.
function themeVariables(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector}{`);
  expect(start, `the stylesheet has a rule for ${selector}`).toBeGreaterThanOrEqual(0);
  const body = css.slice(start + selector.length + 1, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--_[\w-]+):([^;]+)/g)].map((match) => [match[1]!, match[2]!]));
}

describe('docs/theming.md', () => {
  const properties = sorted(widgetSources.flatMap(({ text }) => all(text, /(--belfry-[a-z0-9-]+)/g)));
  const parts = sorted(
    widgetSources.flatMap(({ text }) => [
      ...all(text, /\bpart="([^"]+)"/g).flatMap((names) => names.split(/\s+/)),
      ...all(text, /setAttribute\('part', '([^']+)'\)/g).flatMap((names) => names.split(/\s+/)),
    ]),
  );

  it('finds the custom properties and parts in the source (the extraction itself works)', () => {
    expect(properties).toContain('--belfry-accent');
    expect(parts).toEqual(expect.arrayContaining(['bell', 'badge', 'error']));
    // A part given from an expression cannot be read here; keep part names literal.
    for (const { path, text } of widgetSources) expect(text, path).not.toMatch(/\bpart=\{|\bpart:|\.part\b|exportparts/);
  });

  it('lists exactly the custom properties the widget reads', () => {
    expect(sorted(rows(/(--belfry-[a-z0-9-]+)/).keys())).toEqual(properties);
    // Nothing mentioned anywhere on the page (examples included) is made up.
    expect(properties).toEqual(expect.arrayContaining(sorted(all(doc, /(--belfry-[a-z0-9-]+)/g))));
  });

  it('gives each custom property its real light and dark default', () => {
    const light = themeVariables('.belfry');
    const dark = themeVariables('.belfry[data-theme=dark]');
    for (const [property, cells] of rows(/(--belfry-[a-z0-9-]+)/)) {
      const fallback = fallbackOf(property);
      const themed = /^var\((--_[\w-]+)\)$/.exec(fallback)?.[1];
      const expected = themed ? [light.get(themed), dark.get(themed) ?? light.get(themed)] : [fallback, fallback];
      expect(cells.slice(2), property).toEqual(expected.map((value) => `\`${value}\``));
    }
  });

  it('lists exactly the parts the widget and the element expose', () => {
    expect(sorted(rows(/::part\(([a-z0-9-]+)\)/).keys())).toEqual(parts);
    expect(parts).toEqual(expect.arrayContaining(sorted(all(doc, /::part\(([a-z0-9-]+)\)/g))));
  });

  it('lists exactly the theme values', () => {
    const type = /export type InboxTheme = ([^;]+);/.exec(read('src/ui/types.ts'))?.[1];
    expect(sorted(rows(/([a-z]+)/).keys())).toEqual(sorted(all(type ?? '', /'([a-z]+)'/g)));
  });
});
