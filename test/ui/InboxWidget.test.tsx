import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { InboxWidget } from '../../src/ui/InboxWidget.tsx';
import type { InboxUIOptions } from '../../src/ui/index.ts';
import { createFakeInbox, createNotification } from './fixtures.ts';
import type { FakeInboxState } from './fixtures.ts';

function renderWidget(state: FakeInboxState = {}, options: InboxUIOptions = {}) {
  const inbox = createFakeInbox(state);
  const result = render(<InboxWidget inbox={inbox} {...options} />);
  return { inbox, ...result };
}

const bell = () => screen.getByRole('button', { name: /^Notifications/ });

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

    it('moves focus into the panel when it opens', () => {
      renderWidget();
      fireEvent.click(bell());
      expect(document.activeElement).toBe(screen.getByRole('dialog'));
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

    it('ignores Escape', () => {
      renderWidget({}, { mode: 'inline' });
      fireEvent.keyDown(screen.getByRole('region'), { key: 'Escape' });
      expect(screen.getByRole('region')).toBeTruthy();
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
});
