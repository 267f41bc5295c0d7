// The scanner: one left-to-right pass over the template source that builds the rendered nodes.
// Formatting is decided from the source alone, and a placeholder's value is added as text that is
// never scanned, so no value can add formatting, links or markup. Whatever does not close
// degrades to its literal text; a link whose final URL fails the allow-list is dropped and its
// text kept; formatting that renders empty is dropped. Every scan is bounded so hostile input
// stays linear: each is noted where it happens.
import { readPlaceholder } from './expression.ts';
import { isSafeUrl } from './url.ts';
import type { TemplateContext, TemplateNode } from './types.ts';

// Characters that never start anything.
const PLAIN = /[^\\\n\r`*[\]<{]*/y;

/** An opener waiting for its closer: its marker (`*`, `**` or `[`) and what follows it so far. */
interface Frame {
  marker: string;
  children: TemplateNode[];
}

/** Appends a node, merging adjacent text into one node. */
function append(list: TemplateNode[], node: TemplateNode): void {
  const last = list.at(-1);
  if (node.type == 'text' && last?.type == 'text') last.value += node.value;
  else list.push(node);
}

/**
 * Renders `source` with `context`. `onFailed` hears the offset of every `<<` or `{{` that does
 * not open a valid placeholder (and the limit it was read to), for check.ts to explain.
 */
export function scan(source: string, context: TemplateContext, onFailed?: (at: number, limit: number) => void): TemplateNode[] {
  const stack: Frame[] = [{ marker: '', children: [] }];
  // Stack indices of the openers of each marker that may still close, ascending. Once a link
  // closes, the `[`s around it stay literal (no links inside links).
  const open: Record<string, number[]> = { '*': [], '**': [], '[': [] };
  const length = source.length;
  let top = stack[0]!;
  let i = 0;
  // A link's URL may hold balanced parentheses (`[bell](/wiki/Bell_(instrument))`, as in
  // Markdown): it ends at the `)` that closes the `(` after `](`. `closeOf` holds where each `(`
  // closes; a line's parentheses are matched once, from its first `](` on (up to `matchedTo`), and
  // a later `](` on it reads the answer, so a line of a thousand `](` stays linear.
  const closeOf: number[] = [];
  let matchedTo = 0;

  const add = (node: TemplateNode): void => append(top.children, node);
  const text = (value: string): void => {
    if (value) add({ type: 'text', value });
  };
  const last = (marker: string): number => open[marker]!.at(-1) ?? -1;
  // Openers above `index` never closed: their markers become text and their children move down,
  // in source order. A node moves down at most once before it ends up inside a closed node.
  const unwindTo = (index: number): void => {
    top = stack[index]!;
    for (const frame of stack.splice(index + 1)) {
      text(frame.marker);
      for (const child of frame.children) add(child);
    }
    for (const list of Object.values(open)) while (list.at(-1)! > index) list.pop();
  };
  // Closes the opener at `index`; `make` turns its children into what takes its place.
  const close = (index: number, make: (children: TemplateNode[]) => TemplateNode[]): void => {
    unwindTo(index);
    const frame = stack.pop()!;
    open[frame.marker]!.pop();
    top = stack.at(-1)!;
    for (const node of make(frame.children)) add(node);
  };
  const push = (marker: string): void => {
    open[marker]!.push(stack.length);
    stack.push((top = { marker, children: [] }));
  };
  // The placeholder opening at `at`, read no further than `limit`. In a run like `<<<`, only the
  // last pair can open one.
  const placeholder = (at: number, limit: number) => {
    const c = source[at];
    if ((c != '<' && c != '{') || source[at + 1] != c || source[at + 2] == c) return;
    const found = readPlaceholder(source, at, limit, context);
    if (!found) onFailed?.(at, limit);
    return found;
  };
  // The text between `from` and `to` with its placeholders evaluated: a code span, a link's URL.
  const textOf = (from: number, to: number): string => {
    let value = '';
    while (from < to) {
      const found = placeholder(from, to);
      value += found ? found[0] : source[from];
      from = found ? found[1] : from + 1;
    }
    return value;
  };
  // Where the `(` at `at` closes before the line ends; undefined when it does not.
  const closing = (at: number) => {
    const opens: number[] = [];
    for (let k = at; k > matchedTo && k < length && !'\n\r'.includes(source[k]!); k++) {
      if (source[k] == '(') opens.push(k);
      else if (source[k] == ')' && opens.length) closeOf[opens.pop()!] = k;
      matchedTo = k;
    }
    return closeOf[at];
  };
  // Where the first of `stops` or a line end is at or after `from`.
  const find = (from: number, stops: string): number => {
    stops += '\n\r';
    while (from < length && !stops.includes(source[from]!)) from++;
    return from;
  };
  // Flanking as in CommonMark, simplified: a star run opens when a non-space follows it and
  // closes when a non-space precedes it, so `2 * 3 * 4` stays text.
  const solid = (char: string | undefined): boolean => !!char && !' \t\n\r\xa0'.includes(char);

  while (i < length) {
    const c = source[i]!;
    const next = source[i + 1];
    const found = placeholder(i, length);
    let end = 0;
    if (found) {
      text(found[0]);
      i = found[1];
    } else if (c == '\\' && next && '\\`*_[]()<>{}'.includes(next)) {
      // A backslash makes the next marker literal (`\*` is a star, `\<<` is not a placeholder).
      text(next);
      i += 2;
    } else if (c == '\n' || c == '\r') {
      add({ type: 'br' });
      i += c == '\r' && next == '\n' ? 2 : 1;
    } else if (c == '`' && source[(end = find(i + 1, '`'))] == '`' && end > i + 1) {
      // Stops at the next backtick or line end, so no character is scanned by two code spans.
      const value = textOf(i + 1, end);
      if (value) add({ type: 'code', value });
      i = end + 1;
    } else if (c == '*') {
      let run = 1;
      while (source[i + run] == '*') run++;
      const canOpen = solid(source[i + run]);
      const canClose = solid(source[i - 1]);
      // `***` closes the most recently opened first, so `**a *b***` nests properly; longer runs are text.
      const markers = run < 3 ? [c.repeat(run)] : canClose && last('*') > last('**') ? ['*', '**'] : ['**', '*'];
      if (run > 3) text(source.slice(i, i + run));
      else
        for (const marker of markers) {
          if (canClose && last(marker) >= 0) close(last(marker), (children) => (children.length ? [{ type: marker == '*' ? 'em' : 'strong', children }] : []));
          else if (canOpen) push(marker);
          else text(marker);
        }
      i += run;
    } else if (c == '[') {
      push(c);
      i++;
    } else if (c == ']' && next == '(' && open['[']!.length && (end = closing(i + 1)!)) {
      // The URL is checked after substitution, so a value cannot complete an unsafe scheme.
      const href = textOf(i + 2, end).trim();
      close(last('['), (children) => (isSafeUrl(href) ? [{ type: 'link', href, children: children.length ? children : [{ type: 'text', value: href }] }] : children));
      open['[']!.length = 0;
      i = end + 1;
    } else {
      // This character and the plain run after it, in one piece.
      PLAIN.lastIndex = i + 1;
      PLAIN.test(source);
      text(source.slice(i, (i = PLAIN.lastIndex)));
    }
  }
  unwindTo(0);
  return stack[0]!.children;
}
