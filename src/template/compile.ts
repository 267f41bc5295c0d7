// The scanner: one left-to-right pass over the template source that builds the compiled tree.
// Formatting is decided here, from the source alone, so nothing substituted later can add any.
// Whatever does not close degrades to its literal text. Every scan is bounded so hostile input
// stays linear: each is noted where it happens.
import { readPlaceholder } from './expression.ts';
import type { CompiledNode, CompiledPart, CompiledTemplate } from './types.ts';

/** An opener waiting for its closer: its marker (`*`, `**` or `[`) and what follows it so far. */
interface Frame {
  marker: string;
  children: CompiledNode[];
}

/** Compiles a template source once; never throws (malformed syntax stays literal text). */
export function compileTemplate(source: string): CompiledTemplate {
  source = typeof source == 'string' ? source : '';
  return { source, nodes: scan(source) };
}

/** Appends a node, merging adjacent text into one node. */
export function appendNode<T extends { type: string }>(list: T[], node: T): void {
  const last = list[list.length - 1] as { type: string; value: string } | undefined;
  if (node.type == 'text' && last?.type == 'text') last.value += (node as unknown as { value: string }).value;
  else list.push(node);
}

/**
 * Builds the compiled tree of `source`. `onFailed` hears the offset of every `<<` or `{{` that
 * does not open a valid placeholder (and the limit it was read to), for check.ts to explain.
 */
export function scan(source: string, onFailed?: (at: number, limit: number) => void): CompiledNode[] {
  const stack: Frame[] = [{ marker: '', children: [] }];
  // Stack indices of the openers of each marker that may still close, ascending. Once a link
  // closes, the `[`s around it stay literal (no links inside links).
  const open: Record<string, number[]> = { '*': [], '**': [], '[': [] };
  const length = source.length;
  let top = stack[0]!;
  let i = 0;
  // A `](` scan that found no `)` stopped here; any `](` before this point would stop there too.
  let linkScanStop = 0;

  const add = (node: CompiledNode, list = top.children): void => appendNode(list, node);
  const text = (value: string, list?: CompiledNode[]): void => add({ type: 'text', value }, list);
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
  const close = (index: number, make: (children: CompiledNode[]) => CompiledNode): void => {
    unwindTo(index);
    const frame = stack.pop()!;
    open[frame.marker]!.pop();
    top = stack.at(-1)!;
    add(make(frame.children));
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
    const found = readPlaceholder(source, at, limit);
    if (!found) onFailed?.(at, limit);
    return found;
  };
  // Text and placeholders between `from` and `to`: a code span's content, a link's URL.
  const parts = (from: number, to: number): CompiledPart[] => {
    const list: CompiledPart[] = [];
    while (from < to) {
      const found = placeholder(from, to);
      if (found) {
        list.push(found[0]);
        from = found[1];
      } else text(source[from++]!, list as CompiledNode[]);
    }
    return list;
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
      add(found[0]);
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
      add({ type: 'code', children: parts(i + 1, end) });
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
          if (canClose && last(marker) >= 0) close(last(marker), (children) => ({ type: marker == '*' ? 'em' : 'strong', children }));
          else if (canOpen) push(marker);
          else text(marker);
        }
      i += run;
    } else if (c == '[') {
      push(c);
      i++;
    } else if (c == ']' && next == '(' && open['[']!.length && i >= linkScanStop) {
      end = find(i + 2, ')');
      if (source[end] == ')') {
        const href = parts(i + 2, end);
        close(last('['), (children) => ({ type: 'link', href, children }));
        open['[']!.length = 0;
        i = end + 1;
      } else {
        linkScanStop = end;
        text(c);
        i++;
      }
    } else {
      text(c);
      i++;
    }
  }
  unwindTo(0);
  return stack[0]!.children;
}
