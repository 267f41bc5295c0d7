// A component that re-renders only when one of its props changed (shallowly). The list re-renders
// whenever it measures its items or scrolls; the items themselves rarely change, and re-rendering
// each one (rich text, dates, menu) on those passes was most of the cost of the first paint.
// preact/compat has `memo`, but importing compat installs its option hooks; this is all we need.
import { h } from 'preact';
import type { Component, FunctionComponent } from 'preact';

/**
 * `Inner`, skipped when re-rendered with the same props: compared with `!==` one by one, or with
 * `same[prop]` for the props that name a comparison of their own.
 */
export function memo<P extends object>(Inner: FunctionComponent<P>, same: { [K in keyof P]?: (was: P[K], now: P[K]) => boolean } = {}): FunctionComponent<P> {
  const equal = same as Record<string, (was: unknown, now: unknown) => boolean>;
  function Memo(this: Component<P>, props: P) {
    this.shouldComponentUpdate ??= (next: P) => {
      const was = this.props as Record<string, unknown>;
      const now = next as Record<string, unknown>;
      const keys = Object.keys(now);
      return keys.length !== Object.keys(was).length || keys.some((k) => now[k] !== was[k] && !equal[k]?.(was[k], now[k]));
    };
    return h(Inner, props);
  }
  return Memo;
}
