// Explains why a template source has a placeholder that does not read as one, with its offset,
// for the service to reject a workflow when it is saved. The renderer never needs this: it keeps
// such text literal. The scanner is shared, so exactly the openers that render literally are
// explained; the hand-written reader here mirrors expression.ts and says what it expected.
import { scan } from './scan.ts';
import { FILTERS, acceptsArg } from './filters.ts';
import { MAX_PLACEHOLDER_LENGTH } from './expression.ts';
import type { FilterArg, TemplateProblem } from './types.ts';

/** Reports the first syntax problem of a template source (unclosed `<<`, unknown filter, bad filter argument), or null. */
export function checkTemplate(source: string): TemplateProblem | null {
  let first: TemplateProblem | null = null;
  scan(typeof source == 'string' ? source : '', {}, (at, limit) => {
    const problem = explainPlaceholder(source, at, limit);
    if (!first || problem.offset < first.offset) first = problem;
  });
  return first;
}

const ARGUMENT_PROBLEMS: Record<string, string> = {
  default: 'default needs a value, such as default: "there"',
  truncate: 'truncate needs a whole number of characters, such as truncate: 40',
  date: 'date takes "short", "long" or "relative"',
};

/** Why the `<<` or `{{` at `at` does not open a placeholder that ends by `limit`. */
export function explainPlaceholder(source: string, at: number, limit: number): TemplateProblem {
  const start = at + 2;
  const end = Math.min(limit, start + MAX_PLACEHOLDER_LENGTH);
  const close = source[at] == '<' ? '>>' : '}}';
  // Running out of input means the opener never closed, or the body is over the length cap.
  const fail = (offset: number, message: string): TemplateProblem =>
    offset < end
      ? { offset, message }
      : { offset: at, message: end < limit ? `placeholder longer than ${MAX_PLACEHOLDER_LENGTH} characters` : `unclosed ${source.slice(at, start)}` };
  const skipSpace = (): void => {
    while (i < end && (source[i] == ' ' || source[i] == '\t')) i++;
  };
  const skip = (pattern: RegExp): number => {
    const from = i;
    while (i < end && pattern.test(source[i]!)) i++;
    return from;
  };
  let i = start;
  skipSpace();
  for (;;) {
    if (skip(/[\w$\x80-\x9f\xa1-\uffff-]/) == i) return fail(i, 'expected a path such as data.name');
    if (i >= end || source[i] != '.') break;
    i++;
  }
  for (;;) {
    skipSpace();
    if (i + 2 <= end && source.startsWith(close, i)) return { offset: at, message: 'not a placeholder' };
    if (source[i] != '|') return fail(i, `expected | or ${close}`);
    i++;
    skipSpace();
    const nameStart = skip(/[a-zA-Z]/);
    const name = source.slice(nameStart, i);
    if (!name) return fail(i, 'expected a filter name after |');
    if (!Object.hasOwn(FILTERS, name)) return fail(nameStart, `unknown filter "${name}"`);
    skipSpace();
    const argStart = i;
    let arg: FilterArg;
    if (source[i] == ':') {
      i++;
      skipSpace();
      const quote = source[i];
      if (quote == '"' || quote == "'") {
        let k = i + 1;
        for (arg = ''; k < end && source[k] != quote; k++) arg += source[source[k] == '\\' ? ++k : k] ?? '';
        if (k >= end) return fail(end < limit ? end : i, 'unclosed quote');
        i = k + 1;
      } else {
        const numberStart = i;
        if (source[i] == '-') i++;
        if (skip(/\d/) == i) return fail(numberStart, `expected a quoted text or a number after ${name}:`);
        if (source[i] == '.' && /\d/.test(source[i + 1] ?? '')) {
          i++;
          skip(/\d/);
        }
        arg = +source.slice(numberStart, i);
      }
    }
    if (!acceptsArg(name, arg)) return fail(argStart, ARGUMENT_PROBLEMS[name] ?? `${name} takes no argument`);
  }
}
