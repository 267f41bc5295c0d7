import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../src/protocol/index.ts';
import { InboxWidget } from '../../src/ui/InboxWidget.tsx';
import { TOAST_MS } from '../../src/ui/Toasts.tsx';
import { createFakeInbox, createNotification } from './fixtures.ts';

/** A fake inbox whose `notification.received` listeners the test calls, and the widget with toasts on. */
function renderToasts(toasts = true, locale?: string) {
  const inbox = createFakeInbox();
  const listeners = new Set<(n: Notification) => void>();
  inbox.on.mockImplementation(((event: string, listener: (n: Notification) => void) => {
    if (event === 'notification.received') listeners.add(listener);
    return () => listeners.delete(listener);
  }) as never);
  const result = render(<InboxWidget inbox={inbox} toasts={toasts} locale={locale} />);
  const receive = (overrides: Partial<Notification> = {}) => {
    const n = createNotification(overrides);
    act(() => listeners.forEach((listener) => listener(n)));
    return n;
  };
  return { ...result, inbox, listeners, receive };
}

const region = () => screen.queryByRole('region', { name: 'New notifications' });
const titles = () => [...(region()?.querySelectorAll('.toast strong') ?? [])].map((node) => node.textContent);
const advance = (ms: number) => act(() => void vi.advanceTimersByTime(ms));

describe('Toasts', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('shows a notification that arrives live, with its title and message', () => {
    const { receive } = renderToasts();
    expect(region()).toBeNull();
    receive({ title: 'Build passed', message: 'All green' });
    expect(titles()).toEqual(['Build passed']);
    expect(region()!.querySelector('.message')!.textContent).toBe('All green');
  });

  it('neither takes focus nor announces (the live region does)', () => {
    const { receive } = renderToasts();
    const before = document.activeElement;
    receive();
    expect(document.activeElement).toBe(before);
    expect(region()!.closest('[aria-live],[role=status],[role=alert]')).toBeNull();
    expect(region()!.querySelector('[aria-live],[role=status],[role=alert]')).toBeNull();
  });

  it('removes a toast after TOAST_MS', () => {
    const { receive } = renderToasts();
    receive({ title: 'A' });
    advance(TOAST_MS / 2);
    receive({ title: 'B' });
    advance(TOAST_MS / 2 + 1);
    expect(titles()).toEqual(['B']);
    advance(TOAST_MS / 2);
    expect(region()).toBeNull();
  });

  it('shows at most the last three', () => {
    const { receive } = renderToasts();
    for (const title of ['1', '2', '3', '4']) receive({ title });
    expect(titles()).toEqual(['2', '3', '4']);
  });

  it('holds the toasts while hovered, and gives them their full time again after', () => {
    const { receive } = renderToasts();
    receive({ title: 'A' });
    fireEvent.pointerEnter(region()!);
    advance(TOAST_MS * 3);
    expect(titles()).toEqual(['A']);
    fireEvent.pointerLeave(region()!);
    advance(TOAST_MS - 10);
    expect(titles()).toEqual(['A']);
    advance(20);
    expect(region()).toBeNull();
  });

  it('holds the toasts while focus is inside', () => {
    const { receive } = renderToasts();
    receive({ title: 'A' });
    const close = screen.getByRole('button', { name: 'Dismiss' });
    act(() => close.focus());
    advance(TOAST_MS * 2);
    expect(titles()).toEqual(['A']);
    act(() => close.blur());
    advance(TOAST_MS + 1);
    expect(region()).toBeNull();
  });

  it('closes one toast with its Dismiss button', () => {
    const { receive } = renderToasts();
    receive({ title: 'A' });
    receive({ title: 'B' });
    fireEvent.click(screen.getAllByRole('button', { name: 'Dismiss' })[0]!);
    expect(titles()).toEqual(['B']);
  });

  it('names the stack and its buttons in the widget\'s language', () => {
    const { receive } = renderToasts(true, 'fr');
    receive({ title: 'A' });
    const stack = screen.getByRole('region', { name: 'Nouvelles notifications' });
    expect(stack.querySelector('button')!.getAttribute('aria-label')).toBe('Fermer');
  });

  it('shows nothing without the toasts option, and stops listening on unmount', () => {
    // The widget's live region listens in any case; the toasts add one listener of their own.
    const off = renderToasts(false);
    expect(off.listeners.size).toBe(1);
    expect(off.container.querySelector('[part~=toasts]')).toBeNull();
    off.unmount();
    const on = renderToasts();
    expect(on.listeners.size).toBe(2);
    on.unmount();
    // Preact runs effect cleanups after the next paint.
    vi.advanceTimersByTime(100);
    expect(on.listeners.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
