import { signal } from '@preact/signals-core';
import type { ReadonlySignal } from '@preact/signals-core';
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { useValue } from '../../src/ui/use-value.ts';

let renders = 0;
function Shows({ of }: { of: ReadonlySignal<string> }) {
  renders++;
  return <p>{useValue(of)}</p>;
}

describe('useValue()', () => {
  afterEach(() => {
    cleanup();
    renders = 0;
  });

  it('returns the value and re-renders once per change', () => {
    const name = signal('a');
    render(<Shows of={name} />);
    expect(screen.getByText('a')).toBeTruthy();
    expect(renders).toBe(1);
    act(() => {
      name.value = 'b';
    });
    expect(screen.getByText('b')).toBeTruthy();
    expect(renders).toBe(2);
    act(() => {
      name.value = 'b';
    });
    expect(renders).toBe(2);
  });

  it('unsubscribes when unmounted', () => {
    const name = signal('a');
    let subscribed = 0;
    const subscribe = name.subscribe.bind(name);
    name.subscribe = (fn) => {
      const off = subscribe(fn);
      subscribed++;
      return () => (subscribed--, off());
    };
    const { unmount } = render(<Shows of={name} />);
    expect(subscribed).toBe(1);
    unmount();
    expect(subscribed).toBe(0);
  });
});
