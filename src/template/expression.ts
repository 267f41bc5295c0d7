// Parses the inside of one placeholder, `<<recipient.firstName | default: "there">>`, by hand:
// a dotted path, then `| filter` or `| filter: argument` any number of times, then the closing
// marker. It never throws: a problem comes back instead, and the caller keeps the text literal.
import { checkFilterArgument, isFilterName } from './filters.ts';
import type { Expression, TemplateFilter, TemplateProblem } from './types.ts';

/** Longest placeholder body looked at; bounds the work any one `<<` can cause on hostile input. */
export const MAX_PLACEHOLDER_LENGTH = 1024;

/** A parsed placeholder and the offset just past its closing marker, or why it is not one. */
export type ExpressionResult = { expression: Expression; end: number } | { problem: TemplateProblem };

/**
 * Parses a placeholder body starting at `start` (just past `<<` or `{{`) and ending with `close`
 * (`>>` or `}}`), reading no further than `limit`.
 */
export function parseExpression(source: string, start: number, close: '>>' | '}}', limit: number): ExpressionResult {
  const end = Math.min(limit, start + MAX_PLACEHOLDER_LENGTH);
  // Running out of input means the opener never closed, or the body is over the length cap.
  const fail = (offset: number, message: string): ExpressionResult => {
    if (offset < end) return { problem: { offset, message } };
    const unclosed = end < limit ? `placeholder longer than ${MAX_PLACEHOLDER_LENGTH} characters` : `unclosed ${close === '>>' ? '<<' : '{{'}`;
    return { problem: { offset: start - 2, message: unclosed } };
  };
  let i = skipSpace(source, start, end);
  const path: string[] = [];
  for (;;) {
    const from = i;
    while (i < end && isPathChar(source.charCodeAt(i))) i++;
    if (i === from) return fail(i, 'expected a path such as data.name');
    path.push(source.slice(from, i));
    if (i >= end || source[i] !== '.') break;
    i++;
  }

  const filters: TemplateFilter[] = [];
  for (;;) {
    i = skipSpace(source, i, end);
    if (i + 2 <= end && source.startsWith(close, i)) return { expression: { path, filters }, end: i + 2 };
    if (source[i] !== '|') return fail(i, `expected | or ${close}`);
    i = skipSpace(source, i + 1, end);
    const nameStart = i;
    while (i < end && isLetter(source.charCodeAt(i))) i++;
    const name = source.slice(nameStart, i);
    if (!name) return fail(i, 'expected a filter name after |');
    if (!isFilterName(name)) return fail(nameStart, `unknown filter "${name}"`);
    i = skipSpace(source, i, end);
    let arg: string | number | undefined;
    const argStart = i;
    if (source[i] === ':') {
      i = skipSpace(source, i + 1, end);
      const parsed = parseArgument(source, i, end);
      if ('unclosed' in parsed) return fail(end < limit ? end : parsed.unclosed, 'unclosed quote');
      if (parsed.end === i) return fail(i, `expected a quoted text or a number after ${name}:`);
      ({ value: arg, end: i } = parsed);
    }
    const problem = checkFilterArgument(name, arg);
    if (problem) return fail(argStart, problem);
    filters.push({ name, arg });
  }
}

// A quoted text (backslash escapes the next character) or a decimal number; `end === i` when
// nothing argument-like starts at `i`.
function parseArgument(source: string, i: number, end: number): { value: string | number; end: number } | { unclosed: number } {
  const quote = source[i];
  if (quote === '"' || quote === "'") {
    let value = '';
    let k = i + 1;
    for (; k < end && source[k] !== quote; k++) {
      if (source[k] === '\\') k++;
      value += source.charAt(k);
    }
    return k < end ? { value, end: k + 1 } : { unclosed: i };
  }
  let k = i;
  if (source[k] === '-') k++;
  const digits = k;
  while (k < end && isDigit(source.charCodeAt(k))) k++;
  if (source[k] === '.' && isDigit(source.charCodeAt(k + 1))) for (k++; k < end && isDigit(source.charCodeAt(k)); k++);
  return k > digits ? { value: Number(source.slice(i, k)), end: k } : { value: '', end: i };
}

function skipSpace(source: string, i: number, end: number): number {
  while (i < end && (source[i] === ' ' || source[i] === '\t')) i++;
  return i;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

// Attribute names are free-form: ASCII letters, digits, `_`, `$`, `-`, and anything non-ASCII.
function isPathChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 95 || code === 36 || code === 45 || (code > 127 && code !== 160);
}
