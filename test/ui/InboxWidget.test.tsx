import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InboxError } from '../../src/core/index.ts';
import { ANNOUNCE_INTERVAL_MS, InboxWidget } from '../../src/ui/InboxWidget.tsx';
import type { InboxUIOptions } from '../../src/ui/index.ts';
import { SETTLE_MS } from '../../src/ui/Settled.tsx';
import { createFakeInbox, createNotification } from './fixtures.ts';
import type { FakeInboxState } from './fixtures.ts';

function renderWidget(state: FakeInboxState = {}, options: InboxUIOptions = {}) {
  const inbox = createFakeInbox(state);
  const result = render(<InboxWidget inbox={inbox} {...options} />);
  return { inbox, ...result };
}

const bell = () => screen.getByRole('button', { name: /^Notifications/ });
/** Runs the animation frame the panel first shows in, where it is placed and focused. */
const nextFrame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
const bellIn = (container: Element) => container.querySelector<HTMLButtonElement>('[part=bell]')!;

describe('InboxWidget', () => {
  afterEach(cleanup);

  describe('bell', () => {
    it('is named "Notifications" with nothing unread', () => {
      renderWidget({ counts: { unseen: 0, unread: 0 } });
      expect(bell().getAttribute('aria-label')).toBe('Notifications');
    });

    it('names the unread count', () => {
      renderWidget({ counts: { unseen: 1, unread: 1 } });
      expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBeTruthy();
    });

    it('names a larger unread count', () => {
      renderWidget({ counts: { unseen: 2, unread: 7 } });
      expect(screen.getByRole('button', { name: 'Notifications, 7 unread' })).toBeTruthy();
    });

    it('shows the unseen count in an aria-hidden badge', () => {
      renderWidget({ counts: { unseen: 3, unread: 7 } });
      const badge = bell().querySelector('[part=badge]')!;
      expect(badge.textContent).toBe('3');
      expect(badge.getAttribute('aria-hidden')).toBe('true');
    });

    it('shows "99+" above 99 unseen', () => {
      renderWidget({ counts: { unseen: 100, unread: 120 } });
      expect(bell().querySelector('[part=badge]')!.textContent).toBe('99+');
    });

    it('shows 99 as is', () => {
      renderWidget({ counts: { unseen: 99, unread: 99 } });
      expect(bell().querySelector('[part=badge]')!.textContent).toBe('99');
    });

    it('shows no badge with nothing unseen', () => {
      renderWidget({ counts: { unseen: 0, unread: 4 } });
      expect(bell().querySelector('[part=badge]')).toBeNull();
    });

    it('updates its name and badge when the counts signal changes', () => {
      const { inbox } = renderWidget({ counts: { unseen: 0, unread: 0 } });
      act(() => {
        inbox.counts.value = { unseen: 2, unread: 5 };
      });
      expect(bell().getAttribute('aria-label')).toBe('Notifications, 5 unread');
      expect(bell().querySelector('[part=badge]')!.textContent).toBe('2');
    });
  });

  describe('popover', () => {
    it('opens a dialog named "Notifications" and sets aria-expanded/aria-controls', () => {
      renderWidget();
      expect(bell().getAttribute('aria-expanded')).toBe('false');
      expect(screen.queryByRole('dialog')).toBeNull();
      fireEvent.click(bell());
      const dialog = screen.getByRole('dialog', { name: 'Notifications' });
      expect(bell().getAttribute('aria-expanded')).toBe('true');
      expect(bell().getAttribute('aria-controls')).toBe(dialog.id);
      expect(dialog.id).not.toBe('');
    });

    it('moves focus into the panel as it shows, before any frame', () => {
      renderWidget();
      fireEvent.click(bell());
      expect(document.activeElement).toBe(screen.getByRole('dialog'));
    });

    it('is placed as it shows, before any frame', () => {
      renderWidget({}, { placement: 'top-start' });
      fireEvent.click(bell());
      expect(screen.getByRole('dialog').hasAttribute('data-up')).toBe(true);
    });

    it('leaves focus where the user put it inside the panel when placed again', () => {
      const inbox = createFakeInbox({ notifications: [createNotification({ title: 'One' })] });
      const { rerender } = render(<InboxWidget inbox={inbox} />);
      fireEvent.click(bell());
      const item = screen.getByRole('button', { name: 'One' });
      item.focus();
      rerender(<InboxWidget inbox={inbox} placement="top-end" />);
      expect(screen.getByRole('dialog').hasAttribute('data-up')).toBe(true);
      expect(document.activeElement).toBe(item);
    });

    it('closes when the bell is clicked again', () => {
      renderWidget();
      fireEvent.click(bell());
      fireEvent.click(bell());
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(bell().getAttribute('aria-expanded')).toBe('false');
    });

    it('closes on Escape and returns focus to the bell', () => {
      renderWidget({ notifications: [createNotification({ title: 'One' })] });
      fireEvent.click(bell());
      const item = screen.getByRole('button', { name: 'One' });
      item.focus();
      fireEvent.keyDown(item, { key: 'Escape' });
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(document.activeElement).toBe(bell());
    });

    it('closes on a pointer press outside and stays open on one inside', () => {
      const outside = document.body.appendChild(document.createElement('button'));
      renderWidget();
      fireEvent.click(bell());
      fireEvent.pointerDown(screen.getByRole('dialog'));
      expect(screen.queryByRole('dialog')).not.toBeNull();
      fireEvent.pointerDown(outside);
      expect(screen.queryByRole('dialog')).toBeNull();
      outside.remove();
    });

    it('marks all seen when it opens', () => {
      const { inbox } = renderWidget({ counts: { unseen: 3, unread: 3 } });
      expect(inbox.markAllSeen).not.toHaveBeenCalled();
      fireEvent.click(bell());
      expect(inbox.markAllSeen).toHaveBeenCalledOnce();
    });

    it('marks new arrivals seen while open, but not after the count drops', () => {
      const { inbox } = renderWidget({ counts: { unseen: 3, unread: 3 } });
      fireEvent.click(bell());
      act(() => {
        inbox.counts.value = { unseen: 0, unread: 3 };
      });
      expect(inbox.markAllSeen).toHaveBeenCalledTimes(1);
      act(() => {
        inbox.counts.value = { unseen: 1, unread: 4 };
      });
      expect(inbox.markAllSeen).toHaveBeenCalledTimes(2);
    });

    it('does not mark seen while closed', () => {
      const { inbox } = renderWidget({ counts: { unseen: 0, unread: 0 } });
      act(() => {
        inbox.counts.value = { unseen: 1, unread: 1 };
      });
      expect(inbox.markAllSeen).not.toHaveBeenCalled();
    });
  });

  describe('panel rendered ahead of opening', () => {
    const panelIn = (container: Element) => container.querySelector<HTMLElement>('[part=panel]');
    /** The pointer reaching the bell: the panel renders, hidden, if it had not yet. */
    const hover = () => fireEvent.pointerOver(bell());

    afterEach(() => {
      vi.useRealTimers();
    });

    it('is not rendered while the widget mounts', () => {
      const { container } = renderWidget({ notifications: [createNotification()] });
      expect(panelIn(container)).toBeNull();
    });

    it('renders when the page is idle (a timer where there is no requestIdleCallback)', () => {
      vi.useFakeTimers();
      const view = document.defaultView as Window & { requestIdleCallback?: unknown };
      expect(view.requestIdleCallback).toBeUndefined();
      const { container } = renderWidget({ notifications: [createNotification()] });
      act(() => void vi.advanceTimersByTime(499));
      expect(panelIn(container)).toBeNull();
      act(() => void vi.advanceTimersByTime(1));
      expect(panelIn(container)!.hidden).toBe(true);
    });

    it('renders in an idle callback where there is one, with a timeout', () => {
      const view = document.defaultView as unknown as Record<string, unknown>;
      const idle: [() => void, { timeout: number }][] = [];
      view['requestIdleCallback'] = (callback: () => void, options: { timeout: number }) => idle.push([callback, options]);
      view['cancelIdleCallback'] = () => {};
      try {
        const { container } = renderWidget({ notifications: [createNotification()] });
        expect(idle).toHaveLength(1);
        expect(idle[0]![1].timeout).toBeGreaterThan(0);
        expect(panelIn(container)).toBeNull();
        act(() => idle[0]![0]());
        expect(panelIn(container)!.hidden).toBe(true);
      } finally {
        delete view['requestIdleCallback'];
        delete view['cancelIdleCallback'];
      }
    });

    it('renders when focus reaches the bell', () => {
      const { container } = renderWidget();
      fireEvent.focusIn(bell());
      expect(panelIn(container)!.hidden).toBe(true);
    });

    it('stays hidden, out of the accessibility tree, until the bell opens it, and hides again on closing', () => {
      const { container } = renderWidget({ notifications: [createNotification({ title: 'One' })] });
      hover();
      const panel = panelIn(container)!;
      expect(panel.hidden).toBe(true);
      expect(panel.querySelector('[part=item]')).not.toBeNull();
      expect(bell().getAttribute('aria-controls')).toBe(panel.id);
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(screen.queryByRole('button', { name: 'One' })).toBeNull();
      fireEvent.click(bell());
      expect(screen.getByRole('dialog', { name: 'Notifications' })).toBe(panel);
      expect(screen.getByRole('button', { name: 'One' })).toBeTruthy();
      fireEvent.click(bell());
      expect(panelIn(container)).toBe(panel);
      expect(panel.hidden).toBe(true);
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    it('keeps up with the inbox while hidden and shows the current items when opened', () => {
      const { inbox } = renderWidget({ notifications: [createNotification({ title: 'Old' })], counts: { unseen: 1, unread: 1 } });
      hover();
      act(() => {
        inbox.notifications.value = [createNotification({ title: 'New' }), ...inbox.notifications.value];
        inbox.counts.value = { unseen: 2, unread: 2 };
      });
      fireEvent.click(bell());
      expect(screen.getAllByRole('listitem').map((li) => li.querySelector('.primary')!.textContent)).toEqual(['New', 'Old']);
      expect(screen.getByRole('tab', { name: 'Unread 2' })).toBeTruthy();
    });

    it('marks nothing seen while hidden, also when new ones arrive; opening does', () => {
      const { inbox } = renderWidget({ notifications: [createNotification()], counts: { unseen: 1, unread: 1 } });
      hover();
      act(() => {
        inbox.notifications.value = [createNotification(), ...inbox.notifications.value];
        inbox.counts.value = { unseen: 2, unread: 2 };
      });
      expect(inbox.markAllSeen).not.toHaveBeenCalled();
      fireEvent.click(bell());
      expect(inbox.markAllSeen).toHaveBeenCalledOnce();
    });

    it('asks for no tab counts and no older page while hidden; opening does, once its frame is painted', async () => {
      const { inbox } = renderWidget({ notifications: Array.from({ length: 3 }, () => createNotification()), hasMore: true });
      hover();
      expect(inbox.tabCounts).not.toHaveBeenCalled();
      expect(inbox.loadMore).not.toHaveBeenCalled();
      // Outside act(): the click's render commits (a microtask), its effects wait for a frame.
      bell().click();
      await Promise.resolve();
      expect(screen.getByRole('dialog')).toBeTruthy();
      expect(inbox.tabCounts).not.toHaveBeenCalled();
      await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
      expect(inbox.tabCounts).toHaveBeenCalledOnce();
      expect(inbox.loadMore).toHaveBeenCalledOnce();
    });

    it('renders no item again when it opens', () => {
      const { inbox } = renderWidget({ notifications: [createNotification(), createNotification()], counts: { unseen: 2, unread: 2 } });
      hover();
      const renders = inbox.render.mock.calls.length;
      expect(renders).toBe(2);
      fireEvent.click(bell());
      act(() => {
        inbox.counts.value = { unseen: 0, unread: 2 };
      });
      expect(inbox.render.mock.calls.length).toBe(renders);
    });

    it('shows relative times as of the opening, not of the rendering, from the first frame', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      renderWidget({ notifications: [createNotification({ title: 'One', minutesAgo: 5 })] });
      hover();
      vi.setSystemTime(Date.now() + 10 * 60_000);
      // Outside act(): the click's render commits (a microtask), its effects wait for a frame.
      bell().click();
      await Promise.resolve();
      expect(screen.getByRole('listitem').querySelector('time')!.textContent).toBe('15 minutes ago');
      await nextFrame();
    });
  });

  describe('panel', () => {
    it('has a "Mark all as read" button that calls inbox.markAllRead', () => {
      const { inbox } = renderWidget({ counts: { unseen: 0, unread: 2 } });
      fireEvent.click(bell());
      fireEvent.click(screen.getByRole('button', { name: 'Mark all as read' }));
      expect(inbox.markAllRead).toHaveBeenCalledOnce();
    });

    it('disables "Mark all as read" with nothing unread', () => {
      renderWidget({ counts: { unseen: 0, unread: 0 } });
      fireEvent.click(bell());
      expect((screen.getByRole('button', { name: 'Mark all as read' }) as HTMLButtonElement).disabled).toBe(true);
    });

    it('re-renders the list when the notifications signal changes', () => {
      const { inbox } = renderWidget({ status: 'ready' });
      fireEvent.click(bell());
      expect(screen.getByText('No notifications yet')).toBeTruthy();
      act(() => {
        inbox.notifications.value = [createNotification({ title: 'Fresh' })];
      });
      expect(screen.getByRole('button', { name: 'Fresh' })).toBeTruthy();
      expect(screen.queryByText('No notifications yet')).toBeNull();
    });

    it('shows the offline note when the connection signal goes offline', () => {
      const { inbox } = renderWidget();
      fireEvent.click(bell());
      act(() => {
        inbox.connection.value = 'offline';
      });
      expect(screen.getByText('Offline — showing saved notifications')).toBeTruthy();
    });

    // The UI has no global signals integration: each of these fails if its component reads the
    // signal without subscribing to it.
    it('re-renders on every signal the panel reads', () => {
      const { inbox } = renderWidget({ status: 'loading', counts: { unseen: 0, unread: 0 } });
      fireEvent.click(bell());
      expect(screen.getByText('Loading notifications…')).toBeTruthy();
      act(() => {
        inbox.status.value = 'ready';
      });
      expect(screen.getByText('No notifications yet')).toBeTruthy();
      act(() => {
        inbox.counts.value = { unseen: 0, unread: 2 };
      });
      expect((screen.getByRole('button', { name: 'Mark all as read' }) as HTMLButtonElement).disabled).toBe(false);
      act(() => {
        inbox.error.value = new InboxError('http', 'Service down');
      });
      expect(screen.getByRole('alert').textContent).toBe('Service down');
      act(() => {
        inbox.notifications.value = [createNotification()];
        inbox.hasMore.value = true;
      });
      expect(screen.getByRole('listitem').getAttribute('aria-setsize')).toBe('-1');
      act(() => {
        inbox.hasMore.value = false;
      });
      expect(screen.getByRole('listitem').getAttribute('aria-setsize')).toBe('1');
    });

    it('re-renders items and toasts when the user\'s attributes change (templates read them)', () => {
      const n = createNotification();
      const { inbox } = renderWidget({ notifications: [n] }, { toasts: true });
      inbox.render.mockImplementation(() => ({ title: [{ type: 'text', value: `Hi ${String(inbox.user.value?.attributes['firstName'] ?? 'there')}` }], message: [] }));
      fireEvent.click(bell());
      act(() => inbox.live.receive(n));
      expect(screen.getAllByText('Hi there')).toHaveLength(2);
      act(() => {
        inbox.user.value = { identifier: 'u1', attributes: { firstName: 'Ada' } };
      });
      expect(screen.getAllByText('Hi Ada')).toHaveLength(2);
    });

    it('stops re-rendering after unmount', () => {
      const { inbox, unmount } = renderWidget();
      unmount();
      const renders = inbox.render.mock.calls.length;
      act(() => {
        inbox.notifications.value = [createNotification()];
        inbox.user.value = { identifier: 'u1', attributes: {} };
      });
      expect(inbox.render.mock.calls.length).toBe(renders);
    });

    it('passes onNotificationClick to the items', () => {
      const n = createNotification({ title: 'Open me' });
      const clicked: string[] = [];
      renderWidget({ notifications: [n] }, { onNotificationClick: (x) => void clicked.push(x.id) });
      fireEvent.click(bell());
      fireEvent.click(screen.getByRole('button', { name: 'Open me' }));
      expect(clicked).toEqual([n.id]);
    });
  });

  describe('inline mode', () => {
    it('shows the panel as a region without a bell', () => {
      renderWidget({}, { mode: 'inline' });
      expect(screen.getByRole('region', { name: 'Notifications' })).toBeTruthy();
      expect(screen.queryByRole('button', { name: /^Notifications/ })).toBeNull();
    });

    it('marks all seen as soon as it is shown', () => {
      const { inbox } = renderWidget({ counts: { unseen: 2, unread: 2 } }, { mode: 'inline' });
      expect(inbox.markAllSeen).toHaveBeenCalledOnce();
    });

    it('shows nothing while the first load runs with nothing cached, then "Loading" once SETTLE_MS passed', () => {
      vi.useFakeTimers();
      try {
        renderWidget({ status: 'loading' }, { mode: 'inline' });
        expect(screen.queryByRole('region')).toBeNull();
        act(() => void vi.advanceTimersByTime(SETTLE_MS - 1));
        expect(screen.queryByRole('region')).toBeNull();
        act(() => void vi.advanceTimersByTime(1));
        expect(screen.getByText('Loading notifications…').getAttribute('role')).toBe('status');
      } finally {
        vi.useRealTimers();
      }
    });

    it('shows the cached notifications without a "Loading" first, and keeps the panel shown after', () => {
      const { inbox } = renderWidget({ status: 'loading' }, { mode: 'inline' });
      expect(screen.queryByText('Loading notifications…')).toBeNull();
      act(() => {
        inbox.notifications.value = [createNotification({ title: 'Cached one' })];
      });
      expect(screen.getByRole('region', { name: 'Notifications' })).toBeTruthy();
      expect(screen.getByText('Cached one')).toBeTruthy();
      act(() => {
        inbox.notifications.value = [];
      });
      expect(screen.getByText('Loading notifications…')).toBeTruthy();
    });

    it('ignores Escape', () => {
      renderWidget({}, { mode: 'inline' });
      fireEvent.keyDown(screen.getByRole('region'), { key: 'Escape' });
      expect(screen.getByRole('region')).toBeTruthy();
    });
  });

  describe('keyboard', () => {
    const controls = () => [...screen.getByRole('dialog').querySelectorAll<HTMLElement>('a[href],button:not([disabled])')];

    it('wraps Tab from the panel\'s last control to its first', () => {
      renderWidget({ counts: { unseen: 0, unread: 2 }, notifications: [createNotification({ title: 'One' }), createNotification({ title: 'Two' })] });
      fireEvent.click(bell());
      const [first, , last] = [controls()[0]!, null, controls().at(-1)!];
      expect(first.textContent).toBe('Mark all as read');
      // The last item's menu button ends the panel.
      expect(last).toBe(screen.getByRole('button', { name: 'Options for Two' }));
      last.focus();
      expect(fireEvent.keyDown(last, { key: 'Tab' })).toBe(false);
      expect(document.activeElement).toBe(first);
    });

    it('wraps Shift+Tab from the first control, or the panel itself, to the last', async () => {
      renderWidget({ counts: { unseen: 0, unread: 2 }, notifications: [createNotification({ title: 'One' })] });
      fireEvent.click(bell());
      await nextFrame();
      const dialog = screen.getByRole('dialog');
      expect(document.activeElement).toBe(dialog);
      const last = screen.getByRole('button', { name: 'Options for One' });
      fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
      expect(document.activeElement).toBe(last);
      screen.getByRole('button', { name: 'Mark all as read' }).focus();
      fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
      expect(document.activeElement).toBe(last);
    });

    it('skips controls taken out of the tab order (a roving-focus list)', () => {
      renderWidget({ counts: { unseen: 0, unread: 2 }, notifications: [createNotification({ title: 'One' }), createNotification({ title: 'Two' })] });
      fireEvent.click(bell());
      // Item Two's controls leave the tab order: from item One's last control, Tab wraps.
      screen.getByRole('button', { name: 'Two' }).tabIndex = -1;
      const [oneMenu, twoMenu] = screen.getAllByRole('button', { name: /^Options for / });
      twoMenu!.tabIndex = -1;
      oneMenu!.focus();
      expect(fireEvent.keyDown(oneMenu!, { key: 'Tab' })).toBe(false);
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Mark all as read' }));
    });

    it('leaves Tab between inner controls to the browser', () => {
      renderWidget({ counts: { unseen: 0, unread: 2 }, notifications: [createNotification({ title: 'One' })] });
      fireEvent.click(bell());
      const markAll = screen.getByRole('button', { name: 'Mark all as read' });
      markAll.focus();
      expect(fireEvent.keyDown(markAll, { key: 'Tab' })).toBe(true);
      expect(document.activeElement).toBe(markAll);
    });

    it('keeps focus on the panel when it has no control to move to', () => {
      // Without the preferences button and the tab row, which would be controls.
      renderWidget({ counts: { unseen: 0, unread: 0 }, status: 'ready' }, { preferences: false, feedTabs: false });
      fireEvent.click(bell());
      const dialog = screen.getByRole('dialog');
      expect(fireEvent.keyDown(dialog, { key: 'Tab' })).toBe(false);
      expect(document.activeElement).toBe(dialog);
    });

    it('does not trap Tab in inline mode, where the panel is part of the page', () => {
      renderWidget({ notifications: [createNotification({ title: 'One' })] }, { mode: 'inline' });
      const item = screen.getByRole('button', { name: 'One' });
      item.focus();
      expect(fireEvent.keyDown(item, { key: 'Tab' })).toBe(true);
    });
  });

  describe('live region', () => {
    const region = () => screen.getByRole('status');
    const text = () => region().textContent!.trim();

    afterEach(() => {
      vi.useRealTimers();
    });

    it('is present and empty before anything arrives', () => {
      renderWidget();
      expect(text()).toBe('');
    });

    it('announces the first arrival at once, then at most one summary per interval', () => {
      vi.useFakeTimers();
      const { inbox } = renderWidget();
      act(() => void vi.runAllTimers());
      act(() => inbox.live.receive(createNotification()));
      expect(text()).toBe('1 new notification');
      act(() => {
        inbox.live.receive(createNotification());
        inbox.live.receive(createNotification());
        inbox.live.receive(createNotification());
      });
      expect(text()).toBe('1 new notification');
      act(() => void vi.advanceTimersByTime(ANNOUNCE_INTERVAL_MS - 1));
      expect(text()).toBe('1 new notification');
      act(() => void vi.advanceTimersByTime(1));
      expect(text()).toBe('3 new notifications');
      // A quiet interval ends the throttle: the next arrival is announced at once again.
      act(() => void vi.advanceTimersByTime(ANNOUNCE_INTERVAL_MS));
      act(() => inbox.live.receive(createNotification()));
      expect(text()).toBe('1 new notification');
    });

    it('changes its text for a repeated message, so it is announced again', () => {
      vi.useFakeTimers();
      const { inbox } = renderWidget();
      act(() => void vi.runAllTimers());
      act(() => inbox.live.receive(createNotification()));
      const first = region().textContent;
      act(() => void vi.advanceTimersByTime(2 * ANNOUNCE_INTERVAL_MS));
      act(() => inbox.live.receive(createNotification()));
      expect(text()).toBe('1 new notification');
      expect(region().textContent).not.toBe(first);
    });

    it('announces in the widget\'s language', () => {
      const { inbox } = renderWidget({}, { locale: 'de' });
      act(() => inbox.live.receive(createNotification()));
      expect(text()).toBe('1 neue Benachrichtigung');
    });

    it('stops listening when unmounted', () => {
      const { inbox, unmount } = renderWidget();
      act(() => undefined);
      expect(inbox.live.listeners()).toBe(1);
      act(() => void unmount());
      expect(inbox.live.listeners()).toBe(0);
    });
  });

  describe('languages', () => {
    afterEach(() => document.documentElement.removeAttribute('lang'));

    it('speaks the locale option\'s language in every name and label', () => {
      renderWidget({ counts: { unseen: 3, unread: 5 }, notifications: [createNotification({ title: 'Eins', minutesAgo: 5 })] }, { locale: 'de' });
      fireEvent.click(screen.getByRole('button', { name: 'Benachrichtigungen, 5 ungelesen' }));
      const dialog = screen.getByRole('dialog', { name: 'Benachrichtigungen' });
      expect(screen.getByRole('heading').textContent).toBe('Benachrichtigungen');
      expect(screen.getByRole('button', { name: 'Alle als gelesen markieren' })).toBeTruthy();
      expect(dialog.querySelector('.sr-only')!.textContent).toBe('Ungelesen');
      expect(dialog.querySelector('time')!.textContent).toBe('vor 5 Minuten');
    });

    it('follows <html lang> without a locale option', () => {
      document.documentElement.lang = 'es';
      const { container } = renderWidget({ counts: { unseen: 0, unread: 2 } });
      expect(screen.getByRole('button', { name: 'Notificaciones, 2 sin leer' })).toBeTruthy();
      expect(container.querySelector('.belfry')!.getAttribute('lang')).toBe('es');
    });

    it('uses pt strings for pt-BR and keeps the full tag for Intl', () => {
      const { container } = renderWidget({ counts: { unseen: 0, unread: 2 } }, { locale: 'pt-BR' });
      expect(screen.getByRole('button', { name: 'Notificações, não lidas: 2' })).toBeTruthy();
      expect(container.querySelector('.belfry')!.getAttribute('lang')).toBe('pt-BR');
    });

    it('falls back to English strings for a language it does not ship', () => {
      renderWidget({ counts: { unseen: 0, unread: 2 } }, { locale: 'sv' });
      expect(screen.getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
    });

    it('applies per-string overrides', () => {
      renderWidget({ counts: { unseen: 0, unread: 4 } }, { locale: 'fr', translations: { bellUnread: 'Alertes ({n})', title: 'Alertes' } });
      fireEvent.click(screen.getByRole('button', { name: 'Alertes (4)' }));
      expect(screen.getByRole('dialog', { name: 'Alertes' })).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Tout marquer comme lu' })).toBeTruthy();
    });

    it('lays Arabic out right to left, with the count in Arabic digits', () => {
      const { container } = renderWidget({ counts: { unseen: 3, unread: 12 } }, { locale: 'ar' });
      const root = container.querySelector('.belfry')!;
      expect(root.getAttribute('dir')).toBe('rtl');
      expect(root.getAttribute('lang')).toBe('ar');
      const digits = new Intl.NumberFormat('ar');
      expect(bellIn(container).getAttribute('aria-label')).toBe(`الإشعارات، غير المقروءة: ${digits.format(12)}`);
      expect(bellIn(container).querySelector('[part=badge]')!.textContent).toBe(digits.format(3));
    });

    it('shows "99+" in the locale\'s digits', () => {
      const { container } = renderWidget({ counts: { unseen: 150, unread: 150 } }, { locale: 'ar' });
      expect(bellIn(container).querySelector('[part=badge]')!.textContent).toBe(`${new Intl.NumberFormat('ar').format(99)}+`);
    });

    it('sets dir="ltr" otherwise, so a right-to-left page does not flip an English widget', () => {
      const { container } = renderWidget({}, { locale: 'en' });
      expect(container.querySelector('.belfry')!.getAttribute('dir')).toBe('ltr');
    });
  });

  describe('theme and locale', () => {
    it('exposes theme and mode for the stylesheet and the locale as lang', () => {
      const { container } = renderWidget({}, { theme: 'dark', locale: 'fr' });
      const root = container.querySelector('.belfry')!;
      expect(root.getAttribute('data-theme')).toBe('dark');
      expect(root.getAttribute('data-mode')).toBe('popover');
      expect(root.getAttribute('lang')).toBe('fr');
    });

    it('defaults to the auto theme', () => {
      const { container } = renderWidget();
      expect(container.querySelector('.belfry')!.getAttribute('data-theme')).toBe('auto');
    });
  });

  describe('placement', () => {
    it('opens below the bell at its end edge by default', async () => {
      const { container } = renderWidget();
      fireEvent.click(bell());
      await nextFrame();
      expect(container.querySelector('.belfry')!.getAttribute('data-placement')).toBe('bottom-end');
      expect(screen.getByRole('dialog').hasAttribute('data-up')).toBe(false);
    });

    it.each([
      ['top-start', true],
      ['top-end', true],
      ['bottom-start', false],
    ] as const)('exposes %s for the stylesheet and opens upwards only for top (%s)', async (placement, up) => {
      const { container } = renderWidget({}, { placement });
      fireEvent.click(bell());
      await nextFrame();
      expect(container.querySelector('.belfry')!.getAttribute('data-placement')).toBe(placement);
      expect(screen.getByRole('dialog').hasAttribute('data-up')).toBe(up);
    });

    it('opens as by default, below, for a value that is not a placement', async () => {
      renderWidget({}, { placement: null as unknown as 'top-end' });
      fireEvent.click(bell());
      await nextFrame();
      expect(screen.getByRole('dialog').hasAttribute('data-up')).toBe(false);
    });
  });
});
