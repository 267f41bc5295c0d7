// Seeded random generators for the template property tests: sources built from the grammar's
// pieces plus junk, and hostile values and contexts. A failure reproduces from its seed.
import type { TemplateContext, TemplateNode } from '../../src/template/index.ts';

export type Random = () => number;

/** mulberry32: a tiny seeded PRNG. */
export function createRandom(seed: number): Random {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, below: number): number => Math.floor(random() * below);
const repeat = (random: Random, max: number, make: () => string): string => Array.from({ length: int(random, max + 1) }, make).join('');

const ROOTS = ['data', 'recipient', 'app', 'user', 'constructor', '__proto__'];
const KEYS = ['a', 'b', 'c', 'url', 'list', '0', 'obj', 'k', 'missing', 'length', 'constructor', '__proto__', 'toString', 'ü', '$x', 'a-b'];
const FILTER_TEXTS = [
  'default: "d"', "default: 'x\\' y'", 'default: 0', 'default: -1.5', 'default: "**b** <<data.a>> [l](javascript:x)"', 'default', 'default: ',
  'upper', 'lower', 'capitalize', 'truncate: 3', 'truncate: 1', 'truncate: 0', 'truncate: "4"', 'number', 'date', 'date: "short"',
  'date: "long"', 'date: "relative"', 'date: "weekly"', 'upper: 1', 'shout', 'constructor', '', 'default: "unclosed',
];
const URLS = [
  '/p', 'https://x.example/<<data.a>>', '<<data.url>>', 'java<<data.a>>:x', 'javascript:alert(1)', ' JaVaScRiPt:x', 'mailto:a@b.c',
  'data:text/html,x', '<<data.url>>/x', '', 'http://h', '?q=<<data.a | upper>>',
];
const JUNK = [
  '*', '**', '***', '****', '`', '``', '[', ']', '](', ')', '(', '\n', '\r\n', '\r', '\\', '\\*', '\\<<', '<', '<<', '<<<', '>>', '{{', '}}', '{{{',
  '|', ':', '"', "'", ' ', '\t', '\u00a0', 'ü', '😀', '\ud800', '\u202e', 'é', '<b>', '&amp;', 'javascript:', 'Hi', 'x', '2 * 3',
];

/** What a random source may contain. */
export interface SourceOptions {
  placeholders?: boolean;
  filters?: boolean;
  links?: boolean;
}

/** A placeholder, well-formed or not: `<<path | filter ...>>` or `{{ ... }}`. */
export function randomPlaceholder(random: Random, { filters: withFilters = true }: SourceOptions = {}): string {
  const path = [pick(random, ROOTS), ...Array.from({ length: int(random, 3) }, () => pick(random, KEYS))].join('.');
  const filters = withFilters ? repeat(random, 3, () => ` | ${pick(random, FILTER_TEXTS)}`) : '';
  const [open, close] = pick(random, [['<<', '>>'], ['{{', '}}'], ['<< ', ' >>'], ['{{', '>>'], ['<<', ''], ['<<', '>']]);
  return open + (random() < 0.05 ? '' : path) + filters + close;
}

/** A source made of formatting, links, code spans, placeholders and junk, possibly nested. */
export function randomSource(random: Random, options: SourceOptions = {}, depth = 0): string {
  const { placeholders = true, links = true } = options;
  const junk = links ? JUNK : JUNK.filter((piece) => !/[[\]]/.test(piece));
  return repeat(random, 8, () => {
    const roll = random();
    const inner = () => (depth < 3 ? randomSource(random, options, depth + 1) : 'x');
    if (roll < 0.25 && placeholders) return randomPlaceholder(random, options);
    if (roll < 0.32) return `**${inner()}**`;
    if (roll < 0.39) return `*${inner()}*`;
    if (roll < 0.45) return `\`${random() < 0.5 && placeholders ? randomPlaceholder(random, options) : inner()}\``;
    if (roll < 0.55 && links) return `[${inner()}](${pick(random, placeholders ? URLS : URLS.filter((url) => !url.includes('<<')))})`;
    return pick(random, junk);
  });
}

// Strings that would be markup, formatting, links, placeholders or unsafe URLs if parsed again.
const HOSTILE_TEXT = [
  '**x**', '*y*', '`z`', '<img src=x onerror=alert(1)>', '[a](javascript:alert(1))', '<<data.secret>>', '{{data.secret}}', '</script>',
  '"><svg onload=alert(1)>', 'javascript:alert(1)', 'JAVASCRIPT:', 'java\tscript:', ' javascript:x', 'data:text/html,', 'vbscript:',
  'https://ok.example', 'mailto:a@b.c', '/rel', '\n', '\r\n', '\\', ']', '(', ')', 'plain', 'ü', '😀', '\ud800', '\u0000', '\u202e', '\u00a0',
  ' ', '-12.5', '1e3', '2025-01-05T15:04:00Z', 'constructor', '__proto__',
];

/** A hostile string: pieces of markup and URLs, sometimes huge. */
export function randomText(random: Random): string {
  const text = repeat(random, 5, () => pick(random, HOSTILE_TEXT)) || 'v';
  return random() < 0.01 ? text.repeat(Math.ceil(50_000 / text.length)) : text;
}

/** Any value a context might hold: hostile strings, odd numbers, dates, nested objects and arrays, and types JSON never makes. */
export function randomValue(random: Random, depth = 0): unknown {
  const roll = random();
  if (roll < 0.45) return randomText(random);
  if (roll < 0.55) return pick(random, [0, -0, 1, -1, 0.5, 1234567.891, 1e21, -1e308, NaN, Infinity, -Infinity, 1736089440000, 8.64e15 + 1]);
  if (roll < 0.6) return pick(random, [true, false, null, undefined]);
  if (roll < 0.65) return pick(random, [new Date(1736089440000), new Date(NaN), new Date(-8.64e15)]);
  if (roll < 0.7) return pick(random, [Symbol('s'), 10n, () => 'fn']);
  if (depth > 2) return {};
  if (roll < 0.85) return randomRecord(random, depth + 1);
  return Array.from({ length: int(random, 3) }, () => randomValue(random, depth + 1));
}

function randomRecord(random: Random, depth: number): Record<string, unknown> {
  // JSON.parse makes `__proto__` an own property, as data from the wire would.
  const record: Record<string, unknown> = JSON.parse('{"__proto__": "own"}');
  for (const key of KEYS) if (random() < 0.5) record[key] = randomValue(random, depth);
  return record;
}

/** A context with hostile values and a random, possibly invalid, locale and time zone. */
export function randomContext(random: Random): TemplateContext {
  const now = 1736175840000 + int(random, 1e10) - 5e9;
  return {
    recipient: randomRecord(random, 1),
    data: { ...randomRecord(random, 1), secret: 'SECRET' },
    app: random() < 0.5 ? { name: randomText(random) } : randomRecord(random, 2),
    locale: pick(random, ['en-US', 'de-DE', 'tr', 'ar-EG', 'ja-JP', 'he', '', 'x', '!!', 'en_US', 'zz-ZZ', undefined]),
    timeZone: pick(random, ['UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/Berlin', '', 'Not/AZone', '+05:00', undefined]),
    now: () => now,
  };
}

const NODE_KEYS: Record<string, string> = { text: 'type,value', code: 'type,value', br: 'type', strong: 'children,type', em: 'children,type', link: 'children,href,type' };

/** Every way a node breaks the AST contract, as readable strings; empty when the tree is valid. */
export function nodeProblems(nodes: readonly TemplateNode[], insideLink = false): string[] {
  const problems: string[] = [];
  nodes.forEach((node, index) => {
    const keys = Object.keys(node).sort().join(',');
    if (NODE_KEYS[node.type] !== keys) problems.push(`node ${JSON.stringify(node)} has keys ${keys}`);
    if ('value' in node && (typeof node.value !== 'string' || node.value === '')) problems.push(`${node.type} with value ${String(node.value)}`);
    if (node.type === 'text' && nodes[index - 1]?.type === 'text') problems.push('adjacent text nodes');
    if ('children' in node) {
      if (!Array.isArray(node.children) || node.children.length === 0) problems.push(`${node.type} without children`);
      else problems.push(...nodeProblems(node.children, insideLink || node.type === 'link'));
    }
    if (node.type === 'link') {
      if (insideLink) problems.push('link inside a link');
      if (typeof node.href !== 'string' || node.href !== node.href.trim()) problems.push(`href ${JSON.stringify(node.href)} not trimmed`);
    }
  });
  return problems;
}

/** The plain text of a tree, line breaks as `\n`: written independently of the engine's. */
export function flatten(nodes: readonly TemplateNode[]): string {
  return nodes.map((node) => (node.type === 'br' ? '\n' : 'children' in node ? flatten(node.children) : node.value)).join('');
}
