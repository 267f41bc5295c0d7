import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InboxError } from '../../src/core/index.ts';
import { NotificationList } from '../../src/ui/NotificationList.tsx';
import { createFakeInbox, createNotification } from './fixtures.ts';
import type { FakeInboxState } from './fixtures.ts';

function renderList(state: FakeInboxState) {
  const inbox = createFakeInbox(state);
  return { inbox, ...render(<NotificationList inbox={inbox} now={Date.now()} />) };
}

describe('NotificationList', () => {
  afterEach(cleanup);

  describe('render', () => {
    it('lists notifications as listitems, newest first as given', () => {
      renderList({ notifications: [createNotification({ title: 'B' }), createNotification({ title: 'A' })] });
      const items = screen.getAllByRole('listitem');
      expect(items.map((li) => li.querySelector('.primary')!.textContent)).toEqual(['B', 'A']);
    });

    it('renders an item again when what it shows changes, but not when only seenAt does', () => {
      const first = createNotification({ title: 'A', seenAt: null, readAt: null });
      const { inbox } = renderList({ notifications: [first] });
      const renders = () => vi.mocked(inbox.render).mock.calls.length;
      const before = renders();
      act(() => void (inbox.notifications.value = [{ ...first, seenAt: '2026-01-01T00:00:00.000Z' }]));
      expect(renders()).toBe(before);
      act(() => void (inbox.notifications.value = [{ ...first, seenAt: '2026-01-01T00:00:00.000Z', readAt: '2026-01-01T00:00:01.000Z' }]));
      expect(renders()).toBe(before + 1);
      expect(screen.getByRole('listitem').querySelector('.primary')!.textContent).toBe('A');
    });

    it('renders an item again for a newer clock only when its relative time reads differently', () => {
      const now = Date.now();
      const ago = (ms: number) => new Date(now - ms).toISOString();
      const inbox = createFakeInbox({ notifications: [createNotification({ title: 'A', createdAt: ago(300_000) }), createNotification({ title: 'B', createdAt: ago(118_500) })] });
      const { rerender } = render(<NotificationList inbox={inbox} now={now} />);
      const renders = () => vi.mocked(inbox.render).mock.calls.length;
      const times = () => screen.getAllByRole('listitem').map((li) => li.querySelector('time')!.textContent);
      const before = renders();
      expect(times()).toEqual(['5 minutes ago', '1 minute ago']);
      rerender(<NotificationList inbox={inbox} now={now + 1_000} />);
      expect(renders()).toBe(before);
      rerender(<NotificationList inbox={inbox} now={now + 2_000} />);
      expect(renders()).toBe(before + 1);
      expect(times()).toEqual(['5 minutes ago', '2 minutes ago']);
    });

    it('shows the empty state when ready with nothing', () => {
      renderList({ status: 'ready' });
      expect(screen.getByText('No notifications yet')).toBeTruthy();
      expect(screen.queryByRole('list')).toBeNull();
    });

    it('shows the loading state while loading with nothing cached', () => {
      renderList({ status: 'loading' });
      expect(screen.getByRole('status').textContent).toBe('Loading notifications…');
      expect(screen.queryByText('No notifications yet')).toBeNull();
    });

    it('shows skeleton rows, hidden from assistive tech, in an aria-busy container while loading', () => {
      const { container } = renderList({ status: 'loading' });
      const busy = container.querySelector('[aria-busy=true]')!;
      expect(busy.querySelectorAll('[aria-hidden=true] > li')).toHaveLength(3);
      expect(busy.contains(screen.getByRole('status'))).toBe(true);
      expect(screen.queryAllByRole('listitem')).toHaveLength(0);
    });

    it('drops the skeleton once loaded', () => {
      const { container, inbox } = renderList({ status: 'loading' });
      act(() => {
        inbox.status.value = 'ready';
      });
      expect(container.querySelector('[aria-busy]')).toBeNull();
      expect(container.querySelector('li')).toBeNull();
    });

    it('shows cached items instead of the loading state', () => {
      renderList({ status: 'loading', notifications: [createNotification()] });
      expect(screen.queryByText('Loading notifications…')).toBeNull();
      expect(screen.getAllByRole('listitem')).toHaveLength(1);
    });

    it('shows the offline note when the connection is offline', () => {
      renderList({ connection: 'offline', notifications: [createNotification()] });
      expect(screen.getByRole('status').textContent).toBe('Offline — showing saved notifications');
    });

    it('does not repeat a network error the offline note already explains', () => {
      renderList({ connection: 'offline', error: new InboxError('network', 'fetch failed') });
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it("shows inbox.error's message in the error state", () => {
      renderList({ status: 'error', error: new InboxError('user_token_required', 'This app requires a user token') });
      expect(screen.getByRole('alert').textContent).toBe('This app requires a user token');
      expect(screen.queryByText('No notifications yet')).toBeNull();
    });

    it('loads older pages by itself as the end comes into view, saying so', async () => {
      const { inbox } = renderList({ notifications: [createNotification()], hasMore: true });
      expect(inbox.loadMore).toHaveBeenCalledOnce();
      expect(screen.getByRole('status').textContent).toBe('Loading notifications…');
    });
  });
});
