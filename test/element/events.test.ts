import { act, cleanup, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInbox } from '../../src/core/index.ts';
import { BelfryInboxElement, defineInboxElement, render } from '../../src/element/index.ts';
import type { InboxElementEventMap } from '../../src/element/index.ts';
import type { Notification, NotificationAction } from '../../src/protocol/index.ts';
import { mountInbox } from '../../src/ui/index.ts';
import type { MountInboxOptions } from '../../src/ui/index.ts';
import { createFakeInbox, createNotification } from '../ui/fixtures.ts';

// The real UI renders; the spy only records the options the element hands it, so the action
// handler (whose buttons the UI may not draw) can be driven the way the UI will drive it.
vi.mock('../../src/ui/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/ui/index.ts')>();
  return { ...original, mountInbox: vi.fn(original.mountInbox) };
});
const mountInboxSpy = vi.mocked(mountInbox);
vi.mock('../../src/core/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/core/index.ts')>()),
  createInbox: vi.fn(),
}));

type Received = (notification: Notification) => void;

/** A fake inbox whose `on('notification.received')` really subscribes, so tests can emit. */
function createEmittingInbox(notifications: Notification[] = []) {
  const inbox = createFakeInbox({ notifications });
  const listeners = new Set<Received>();
  const on = vi.fn((_event: string, listener: Received) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  });
  Object.assign(inbox, { on });
  return { inbox, on, listeners, receive: (notification: Notification) => listeners.forEach((listener) => listener(notification)) };
}

function mountElement(options: BelfryInboxElement['options']): BelfryInboxElement {
  const element = document.createElement('belfry-inbox') as BelfryInboxElement;
  element.options = { mode: 'inline', ...options };
  return document.body.appendChild(element);
}

function view(element: BelfryInboxElement) {
  return within(element.shadowRoot! as unknown as HTMLElement);
}

// Aborted after each test, removing the document listeners it added.
let listening: AbortController;

// Records what reached the document, where a host page listens: the event bubbled out of the shadow root.
function listen<K extends keyof InboxElementEventMap>(type: K, onEvent?: (event: InboxElementEventMap[K]) => void): InboxElementEventMap[K][] {
  const seen: InboxElementEventMap[K][] = [];
  document.addEventListener(
    type,
    (event) => {
      seen.push(event as InboxElementEventMap[K]);
      onEvent?.(event as InboxElementEventMap[K]);
    },
    { signal: listening.signal },
  );
  return seen;
}

// Whether the browser would have followed the link: the default of the click as it leaves the
// page. It is prevented here afterwards so the test document does not navigate.
function clickLink(link: HTMLElement): boolean {
  let followed = false;
  const record = (event: Event) => {
    followed = !event.defaultPrevented;
    event.preventDefault();
  };
  document.addEventListener('click', record);
  act(() => link.click());
  document.removeEventListener('click', record);
  return followed;
}

describe('BelfryInboxElement events', () => {
  beforeAll(() => defineInboxElement());
  beforeEach(() => {
    listening = new AbortController();
  });
  afterEach(() => {
    listening.abort();
    document.body.replaceChildren();
    mountInboxSpy.mockClear();
    cleanup();
  });

  describe('belfry:notification-click', () => {
    it('bubbles out of the shadow root with the notification when the user opens one', () => {
      const notification = createNotification({ title: 'Build passed' });
      const { inbox } = createEmittingInbox([notification]);
      const seen = listen('belfry:notification-click');
      const element = mountElement({ inbox });
      act(() => view(element).getByRole('button', { name: 'Build passed' }).click());
      expect(seen).toHaveLength(1);
      const event = seen[0]!;
      expect(event.detail).toBe(notification);
      expect(event.target).toBe(element);
      expect([event.bubbles, event.composed, event.cancelable]).toEqual([true, true, true]);
      expect(inbox.markRead).toHaveBeenCalledExactlyOnceWith(notification.id);
    });

    it('lets the widget follow the url when no listener cancels it', () => {
      const { inbox } = createEmittingInbox([createNotification({ title: 'Open PR', url: 'https://example.com/pr/1' })]);
      const seen = listen('belfry:notification-click');
      const element = mountElement({ inbox });
      expect(clickLink(view(element).getByRole('link', { name: 'Open PR' }))).toBe(true);
      expect(seen).toHaveLength(1);
    });

    it('keeps the widget from following the url when a listener calls preventDefault()', () => {
      const { inbox } = createEmittingInbox([createNotification({ title: 'Open PR', url: 'https://example.com/pr/1' })]);
      listen('belfry:notification-click', (event) => event.preventDefault());
      const element = mountElement({ inbox });
      expect(clickLink(view(element).getByRole('link', { name: 'Open PR' }))).toBe(false);
      expect(inbox.markRead).toHaveBeenCalledOnce();
    });

    it('still calls the onNotificationClick option, which replaces following the url unless it returns true', () => {
      const notification = createNotification({ title: 'Open PR', url: 'https://example.com/pr/1' });
      const { inbox } = createEmittingInbox([notification]);
      const order: string[] = [];
      listen('belfry:notification-click', () => order.push('event'));
      const onNotificationClick = vi.fn((_: Notification): boolean | void => void order.push('option'));
      const element = mountElement({ inbox, onNotificationClick });
      const link = () => view(element).getByRole('link', { name: 'Open PR' });
      expect(clickLink(link())).toBe(false);
      expect(order).toEqual(['event', 'option']);
      expect(onNotificationClick).toHaveBeenCalledExactlyOnceWith(notification);

      onNotificationClick.mockReturnValue(true);
      expect(clickLink(link())).toBe(true);
    });
  });

  describe('belfry:action', () => {
    const action: NotificationAction = { id: 'approve', label: 'Approve', url: 'https://example.com/approve' };

    it('is dispatched with the notification and the action when the UI reports an action', () => {
      const notification = createNotification({ actions: [action] });
      const { inbox } = createEmittingInbox([notification]);
      const seen = listen('belfry:action');
      const element = mountElement({ inbox });
      const ui = mountInboxSpy.mock.calls[0]![1] as MountInboxOptions;
      expect(ui.onAction!(notification, action)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.detail).toEqual({ notification, action });
      expect(seen[0]!.target).toBe(element);
      expect([seen[0]!.bubbles, seen[0]!.composed, seen[0]!.cancelable]).toEqual([true, true, true]);
    });

    it('tells the UI not to follow the action url when a listener cancels it, and calls the onAction option', () => {
      const notification = createNotification({ actions: [action] });
      const { inbox } = createEmittingInbox([notification]);
      listen('belfry:action', (event) => event.preventDefault());
      const onAction = vi.fn();
      mountElement({ inbox, onAction });
      const ui = mountInboxSpy.mock.calls[0]![1] as MountInboxOptions;
      expect(ui.onAction!(notification, action)).toBe(false);
      expect(onAction).toHaveBeenCalledExactlyOnceWith(notification, action);
    });
  });

  describe('render()', () => {
    it('hands onNotificationClick and onAction to the UI as they are', () => {
      const { inbox } = createEmittingInbox();
      vi.mocked(createInbox).mockReturnValueOnce(inbox);
      const onNotificationClick = vi.fn();
      const onAction = vi.fn();
      const target = document.body.appendChild(document.createElement('div'));
      render(target, { apiKey: 'pk_test', userId: 'ada', baseUrl: 'https://notify.example.com', onNotificationClick, onAction });
      expect(vi.mocked(createInbox).mock.calls[0]![0]).toEqual({ apiKey: 'pk_test', userId: 'ada', baseUrl: 'https://notify.example.com' });
      expect(mountInboxSpy.mock.calls[0]![1]).toMatchObject({ inbox, onNotificationClick, onAction });
    });
  });

  describe('belfry:notification-received', () => {
    it('relays each notification the inbox receives live', () => {
      const { inbox, on, receive } = createEmittingInbox();
      const seen = listen('belfry:notification-received');
      const element = mountElement({ inbox });
      expect(on).toHaveBeenCalledExactlyOnceWith('notification.received', expect.any(Function));
      const first = createNotification();
      const second = createNotification();
      receive(first);
      receive(second);
      expect(seen.map((event) => event.detail)).toEqual([first, second]);
      expect(seen[0]!.target).toBe(element);
      expect([seen[0]!.bubbles, seen[0]!.composed, seen[0]!.cancelable]).toEqual([true, true, false]);
    });

    it('subscribes once however often the options change, and stops when the element is removed', () => {
      const { inbox, on, listeners: subscribed, receive } = createEmittingInbox();
      const seen = listen('belfry:notification-received');
      const element = mountElement({ inbox });
      act(() => void (element.options = { inbox, mode: 'inline', theme: 'dark' }));
      // Once for the element's events and once for the widget's live region, however often the options change.
      expect(on).toHaveBeenCalledTimes(2);
      act(() => element.remove());
      expect(subscribed.size).toBe(0);
      receive(createNotification());
      expect(seen).toHaveLength(0);
    });

    it('follows the inbox when another one is injected', () => {
      const before = createEmittingInbox();
      const after = createEmittingInbox();
      const seen = listen('belfry:notification-received');
      const element = mountElement({ inbox: before.inbox });
      // act() runs the widget's effects, so its live region lets go of the old inbox as well.
      act(() => void (element.options = { inbox: after.inbox, mode: 'inline' }));
      expect(before.listeners.size).toBe(0);
      const notification = createNotification();
      before.receive(createNotification());
      after.receive(notification);
      expect(seen.map((event) => event.detail)).toEqual([notification]);
    });
  });
});
