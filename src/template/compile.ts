// The scanner: one left-to-right pass over the template source that builds the compiled tree.
// Formatting is decided here, from the source alone, so nothing substituted later can add any.
// Whatever does not close degrades to its literal text. Every scan is bounded so hostile input
// stays linear: each is noted where it happens.
import { parseExpression } from './expression.ts';
import type { CompiledNode, CompiledPart, CompiledTemplate, TemplateProblem } from './types.ts';

type OpenerKind = 'strong' | 'em' | 'link';
interface Frame {
  kind: OpenerKind | 'root';
  /** The opener's source text, emitted literally when it never closes. */
  marker: string;
  children: CompiledNode[];
  /** Text not yet pushed to `children`: adjacent text becomes one node without reallocating. */
  text: string;
}

// A backslash before one of these makes it literal (`\*` is a star, `\<<` is not a placeholder).
const ESCAPABLE = '\\`*_[]()<>{}';

/** Compiles a template source once; never throws (malformed syntax stays literal text). */
export function compileTemplate(source: string): CompiledTemplate {
  const text = typeof source === 'string' ? source : '';
  return { source: text, nodes: parseTemplate(text).nodes };
}

/** Reports the first syntax problem of a template source (unclosed `<<`, unknown filter, bad filter argument), or null. */
export function checkTemplate(source: string): TemplateProblem | null {
  return parseTemplate(typeof source === 'string' ? source : '').problem;
}

function parseTemplate(source: string): { nodes: CompiledNode[]; problem: TemplateProblem | null } {
  const stack: Frame[] = [{ kind: 'root', marker: '', children: [], text: '' }];
  // Stack indices of the open frames of each kind, ascending. Only links that may still close
  // are listed: once a link closes, the `[`s around it stay literal (no links inside links).
  const open: Record<OpenerKind, number[]> = { strong: [], em: [], link: [] };
  let problem: TemplateProblem | null = null;
  const note = (found: TemplateProblem): void => {
    if (!problem || found.offset < problem.offset) problem = found;
  };
  const top = (): Frame => stack[stack.length - 1]!;
  const addText = (value: string): void => {
    top().text += value;
  };
  const addNode = (frame: Frame, node: CompiledNode): void => {
    if (frame.text) frame.children.push({ type: 'text', value: frame.text });
    frame.text = '';
    frame.children.push(node);
  };
  const finish = (frame: Frame): CompiledNode[] => {
    if (frame.text) frame.children.push({ type: 'text', value: frame.text });
    return frame.children;
  };

  // Openers above `index` never closed: their markers become text and their children move down,
  // in source order. Each node moves at most once before it ends up inside a closed node.
  const unwindTo = (index: number): void => {
    const target = stack[index]!;
    for (let k = index + 1; k < stack.length; k++) {
      const frame = stack[k]!;
      target.text += frame.marker;
      for (const child of frame.children) child.type === 'text' ? (target.text += child.value) : addNode(target, child);
      target.text += frame.text;
    }
    stack.length = index + 1;
    for (const list of [open.strong, open.em, open.link]) while (list.length > 0 && list[list.length - 1]! > index) list.pop();
  };
  const closeFrame = (index: number, make: (children: CompiledNode[]) => CompiledNode): void => {
    unwindTo(index);
    const frame = stack.pop()!;
    open[frame.kind as OpenerKind].pop();
    addNode(top(), make(finish(frame)));
  };
  const openFrame = (kind: OpenerKind, marker: string): void => {
    stack.push({ kind, marker, children: [], text: '' });
    open[kind].push(stack.length - 1);
  };

  // Text and placeholders between `from` and `to` (a code span's content, a link's URL).
  const parseParts = (from: number, to: number): CompiledPart[] => {
    const parts: CompiledPart[] = [];
    let textStart = from;
    for (let k = from; k < to - 1; k++) {
      const c = source[k];
      if ((c !== '<' && c !== '{') || source[k + 1] !== c) continue;
      const result = parseExpression(source, k + 2, c === '<' ? '>>' : '}}', to);
      if ('problem' in result) {
        note(result.problem);
        continue;
      }
      if (k > textStart) parts.push({ type: 'text', value: source.slice(textStart, k) });
      parts.push({ type: 'value', expression: result.expression });
      textStart = result.end;
      k = result.end - 1;
    }
    if (to > textStart) parts.push({ type: 'text', value: source.slice(textStart, to) });
    return parts;
  };

  // A run of one to three stars at `at`. Flanking as in CommonMark, simplified: a star run opens
  // when a non-space follows it and closes when a non-space precedes it, so `2 * 3 * 4` stays text.
  const handleStars = (at: number, run: number): void => {
    const before = source[at - 1];
    const after = source[at + run];
    const canOpen = after !== undefined && !isSpace(after);
    const canClose = before !== undefined && !isSpace(before);
    const lastEm = open.em[open.em.length - 1] ?? -1;
    const lastStrong = open.strong[open.strong.length - 1] ?? -1;
    // `***` closes the most recently opened first, so `**a *b***` nests properly.
    const markers = run === 1 ? ['*'] : run === 2 ? ['**'] : canClose && lastEm > lastStrong ? ['*', '**'] : ['**', '*'];
    for (const marker of markers) {
      const kind = marker === '*' ? 'em' : 'strong';
      const opener = open[kind][open[kind].length - 1];
      if (canClose && opener !== undefined) closeFrame(opener, (children) => ({ type: kind, children }));
      else if (canOpen) openFrame(kind, marker);
      else addText(marker);
    }
  };

  let i = 0;
  let textStart = 0;
  // A `](` scan that found no `)` stopped here; any `](` before this point would stop there too.
  let linkScanStop = 0;
  const flush = (): void => {
    if (i > textStart) addText(source.slice(textStart, i));
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\\' && next !== undefined && ESCAPABLE.includes(next)) {
      flush();
      textStart = i + 1;
      i += 2;
    } else if (c === '\n' || c === '\r') {
      flush();
      addNode(top(), { type: 'br' });
      i += c === '\r' && next === '\n' ? 2 : 1;
      textStart = i;
    } else if ((c === '<' || c === '{') && next === c) {
      // In a run like `<<<`, only the last pair can open a placeholder.
      if (source[i + 2] === c) {
        i++;
        continue;
      }
      const result = parseExpression(source, i + 2, c === '<' ? '>>' : '}}', source.length);
      if ('problem' in result) {
        note(result.problem);
        i++;
        continue;
      }
      flush();
      addNode(top(), { type: 'value', expression: result.expression });
      i = textStart = result.end;
    } else if (c === '`') {
      // Stops at the next backtick or line end, so no character is scanned by two code spans.
      let j = i + 1;
      while (j < source.length && source[j] !== '`' && source[j] !== '\n' && source[j] !== '\r') j++;
      if (source[j] !== '`' || j === i + 1) {
        i++;
        continue;
      }
      flush();
      addNode(top(), { type: 'code', parts: parseParts(i + 1, j) });
      i = textStart = j + 1;
    } else if (c === '*') {
      let run = 1;
      while (source[i + run] === '*') run++;
      if (run > 3) {
        i += run;
        continue;
      }
      flush();
      handleStars(i, run);
      i = textStart = i + run;
    } else if (c === '[') {
      flush();
      openFrame('link', '[');
      i = textStart = i + 1;
    } else if (c === ']' && next === '(' && open.link.length > 0 && i >= linkScanStop) {
      let j = i + 2;
      while (j < source.length && source[j] !== ')' && source[j] !== '\n' && source[j] !== '\r') j++;
      if (source[j] !== ')') {
        linkScanStop = j;
        i++;
        continue;
      }
      flush();
      const href = parseParts(i + 2, j);
      closeFrame(open.link[open.link.length - 1]!, (children) => ({ type: 'link', href, children }));
      open.link.length = 0;
      i = textStart = j + 1;
    } else {
      i++;
    }
  }
  flush();
  unwindTo(0);
  return { nodes: finish(stack[0]!), problem };
}

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\u00a0';
}
