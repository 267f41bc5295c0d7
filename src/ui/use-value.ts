// Reading the inbox's signals from components. The Preact integration of signals would do this
// for every component, but costs more bytes than the whole hook: here a component subscribes to
// exactly the signals it reads, and re-renders when one of them changes.
import type { ReadonlySignal } from '@preact/signals-core';
import { useLayoutEffect, useState } from 'preact/hooks';

/** The current value of `signal`; the component re-renders whenever it changes. */
export function useValue<T>(signal: ReadonlySignal<T>): T {
  // The state holds the last value seen, so the subscription's first call (made at once, with the
  // value as of now) re-renders only when the signal changed between rendering and subscribing.
  const [, seen] = useState(signal.peek());
  useLayoutEffect(() => signal.subscribe((value) => seen(() => value)), [signal]);
  return signal.peek();
}
