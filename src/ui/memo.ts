// A component that re-renders only when one of its props changed (shallowly). The list re-renders
// whenever it measures its items or scrolls; the items themselves rarely change, and re-rendering
// each one (rich text, dates, menu) on those passes was most of the cost of the first paint.
// preact/compat has `memo`, but importing compat installs its option hooks; this is all we need.
import { h } from 'preact';
import type { Component, FunctionComponent } from 'preact';

/** `Inner`, skipped when re-rendered with the same props (compared with `!==` one by one). */
export function memo<P extends object>(Inner: FunctionComponent<P>): FunctionComponent<P> {
  function Memo(this: Component<P>, props: P) {
    this.shouldComponentUpdate ??= (next: P) => {
      const was = this.props as Record<string, unknown>;
      const now = next as Record<string, unknown>;
      const keys = Object.keys(now);
      return keys.length !== Object.keys(was).length || keys.some((k) => now[k] !== was[k]);
    };
    return h(Inner, props);
  }
  return Memo;
}
