// Reads one placeholder, `<<recipient.firstName | default: "there">>`: a dotted path, then
// `| filter` or `| filter: argument` any number of times, then the closing marker; and evaluates
// it. This is the lenient reader the renderer uses: it answers "not a placeholder" and the caller
// keeps the text literal. check.ts explains, with an offset, why a placeholder was not one.
import { FILTERS, acceptsArg, filterValue } from './filters.ts';
import type { FilterArg, TemplateContext } from './types.ts';

/** Longest placeholder body looked at; bounds the work any one `<<` can cause on hostile input. */
export const MAX_PLACEHOLDER_LENGTH = 1024;

// Sticky, and each alternative starts differently, so a failing match backtracks at most linearly.
// Path characters: ASCII letters, digits, `_`, `$`, `-`, and anything non-ASCII but a no-break space.
const PATH = /[ \t]*([\w$\x80-\x9f\xa1-\uffff-]+(?:\.[\w$\x80-\x9f\xa1-\uffff-]+)*)/y;
const FILTER = /[ \t]*\|[ \t]*([a-zA-Z]+)(?:[ \t]*:[ \t]*("(?:\\[^]|[^\\"])*"|'(?:\\[^]|[^\\'])*'|-?\d+(?:\.\d+)?))?/y;
const CLOSE = /[ \t]*(>>|}})/y;

/**
 * Reads the placeholder whose opener (`<<` or `{{`) is at `at`, ending no further than `limit`:
 * the text its value renders as in `context` and the offset just past its closing marker, or
 * undefined when it is not a placeholder.
 */
export function readPlaceholder(source: string, at: number, limit: number, context: TemplateContext): [string, number] | undefined {
  const body = source.slice(at + 2, Math.min(limit, at + 2 + MAX_PLACEHOLDER_LENGTH));
  let end = 0;
  const match = (re: RegExp) => {
    re.lastIndex = end;
    const found = re.exec(body);
    if (found) end = re.lastIndex;
    return found;
  };
  let found = match(PATH);
  if (!found) return;
  const path = found[1]!.split('.');
  const filters: [string, FilterArg][] = [];
  while ((found = match(FILTER))) {
    const [, name, raw] = found;
    const arg = raw === undefined ? raw : /^['"]/.test(raw) ? raw.slice(1, -1).replace(/\\([^])/g, '$1') : +raw;
    if (!Object.hasOwn(FILTERS, name!) || !acceptsArg(name!, arg)) return;
    filters.push([name!, arg]);
  }
  found = match(CLOSE);
  if (found?.[1] != (source[at] == '<' ? '>>' : '}}')) return;
  // Own properties only, so `data.constructor` or `data.__proto__` never reach a prototype.
  // Unknown roots read nothing.
  let value: unknown = /^(recipient|data|app)$/.test(path[0]!) ? context[path[0] as 'data'] : undefined;
  for (const key of path.slice(1)) value = value && typeof value == 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return [filterValue(value, filters, context), at + 2 + end];
}
