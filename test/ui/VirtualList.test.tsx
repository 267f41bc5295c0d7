// The windowing as the list uses it, in happy-dom: there is no layout here (every height is 0), so
// these tests pin what follows from the estimate alone — the window, the spacers, scrolling,
// anchoring and keyboard moves. test/e2e/virtual-list.test.ts checks the same in Chromium with
// measured heights.
import { act, cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { NotificationList } from '../../src/ui/NotificationList.tsx';
import { createFakeInbox, createNotification } from './fixtures.ts';
import type { FakeInbox } from './fixtures.ts';

/** The estimated height of an unmeasured item, as VirtualList assumes it. */
const ESTIMATE = 88;

function renderList(count: number, hasMore = false) {
  const inbox = createFakeInbox({ notifications: Array.from({ length: count }, () => createNotification()), hasMore });
  const view = render(<NotificationList inbox={inbox} now={Date.now()} />);
  const scroller = view.container.querySelector<HTMLElement>('.body')!;
  return { inbox, scroller, ...view };
}

const rendered = (root: ParentNode) => [...root.querySelectorAll('li')];
const positions = (root: ParentNode) => rendered(root).map((li) => Number(li.getAttribute('aria-posinset')));
const titleOf = (inbox: FakeInbox, index: number) => `Title of ${inbox.notifications.value[index]!.id}`;

async function scrollTo(scroller: HTMLElement, top: number) {
  scroller.scrollTop = top;
  await act(() => {
    fireEvent.scroll(scroller);
  });
}

describe('VirtualList', () => {
  afterEach(cleanup);

  describe('render', () => {
    it("renders the items that fill the panel's default height (80 % of the window), and no overscan, before anything was measured", () => {
      const { container } = renderList(100);
      // There is no layout here: without the window's height the first render would be empty.
      expect(window.innerHeight).toBeGreaterThan(0);
      // The first paint shows no item it does not need; the overscan comes once the list moved or was measured.
      expect(rendered(container).length).toBe(Math.ceil((0.8 * window.innerHeight) / ESTIMATE));
    });

    it('adds the overscan below once the list has moved', async () => {
      const { container, scroller } = renderList(100);
      const fill = Math.ceil((0.8 * window.innerHeight) / ESTIMATE);
      await scrollTo(scroller, 1);
      expect(positions(container)).toEqual(Array.from({ length: fill + 4 }, (_, i) => i + 1));
    });

    it('renders only the items that come into the window when it moves', async () => {
      const { inbox, scroller, container } = renderList(100);
      const before = new Set(positions(container));
      const calls = inbox.render.mock.calls.length;
      await scrollTo(scroller, 3 * ESTIMATE);
      const after = positions(container);
      const entered = after.filter((p) => !before.has(p)).length;
      // The window moved, but most of its items stayed: those are not rendered again.
      expect(entered).toBeGreaterThan(0);
      expect(entered).toBeLessThan(after.length);
      expect(inbox.render.mock.calls.length - calls).toBe(entered);
    });

    it('puts only a window of 10,000 items in the DOM, each with its place in the whole', () => {
      const { container } = renderList(10_000);
      const items = rendered(container);
      expect(items.length).toBeGreaterThan(0);
      expect(items.length).toBeLessThanOrEqual(60);
      expect(positions(container)).toEqual(items.map((_, i) => i + 1));
      expect(items.every((li) => li.getAttribute('aria-setsize') === '10000')).toBe(true);
    });

    it('says the size is unknown while older pages remain', () => {
      const { container } = renderList(30, true);
      expect(rendered(container)[0]!.getAttribute('aria-setsize')).toBe('-1');
    });

    it('stands in for the items not rendered with the padding of the list', () => {
      const { container } = renderList(10_000);
      const list = container.querySelector<HTMLElement>('ul')!;
      const count = rendered(container).length;
      expect(list.style.paddingTop).toBe('0px');
      expect(list.style.paddingBottom).toBe(`${(10_000 - count) * ESTIMATE}px`);
    });
  });

  describe('scroll', () => {
    it('renders the items at the scroll position', async () => {
      const { container, scroller } = renderList(10_000);
      await scrollTo(scroller, 5000 * ESTIMATE);
      const at = positions(container);
      expect(at).toContain(5001);
      expect(at.length).toBeLessThanOrEqual(60);
      expect(container.querySelector<HTMLElement>('ul')!.style.paddingTop).toBe(`${(at[0]! - 1) * ESTIMATE}px`);
    });

    it('keeps the first visible item in place when items arrive on top', async () => {
      const { container, scroller, inbox } = renderList(1000);
      await scrollTo(scroller, 100 * ESTIMATE + 30);
      const first = titleOf(inbox, 100);
      await act(() => {
        inbox.notifications.value = [createNotification(), createNotification(), ...inbox.notifications.value];
      });
      // Two items above it now: the view moved down by their height, so the same item shows.
      expect(scroller.scrollTop).toBe(102 * ESTIMATE + 30);
      expect(titleOf(inbox, 102)).toBe(first);
      expect(rendered(container).some((li) => li.textContent!.includes(first))).toBe(true);
    });

    it('lets new items show when the list is scrolled to the top', async () => {
      const { scroller, inbox, container } = renderList(50);
      await act(() => {
        inbox.notifications.value = [createNotification({ title: 'Fresh' }), ...inbox.notifications.value];
      });
      expect(scroller.scrollTop).toBe(0);
      expect(rendered(container)[0]!.textContent).toContain('Fresh');
    });
  });

  describe('keyboard', () => {
    it('moves focus item by item with the arrow keys, beyond the rendered window and back', async () => {
      const { container } = renderList(10_000);
      const initial = positions(container);
      rendered(container)[0]!.querySelector<HTMLElement>('.primary')!.focus();
      for (let i = 0; i < 40; i++) {
        await act(() => {
          fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
        });
        expect(document.activeElement!.closest('li')!.getAttribute('aria-posinset')).toBe(String(i + 2));
      }
      expect(Math.max(...initial)).toBeLessThan(41);
      expect(rendered(container).length).toBeLessThanOrEqual(60);
      for (let i = 41; i > 35; i--) {
        await act(() => {
          fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
        });
        expect(document.activeElement!.closest('li')!.getAttribute('aria-posinset')).toBe(String(i - 1));
      }
    });

    it('stays on the first item at the top and leaves other keys alone', async () => {
      const { container } = renderList(10);
      const primary = rendered(container)[0]!.querySelector<HTMLElement>('.primary')!;
      primary.focus();
      await act(() => {
        fireEvent.keyDown(primary, { key: 'ArrowUp' });
      });
      expect(document.activeElement).toBe(primary);
      expect(fireEvent.keyDown(primary, { key: 'Enter' })).toBe(true);
      expect(fireEvent.keyDown(primary, { key: 'ArrowDown' })).toBe(false);
    });
  });

  describe('infinite scroll', () => {
    it('loads the next page once when the end of what is loaded comes into the window', async () => {
      const { inbox, container, scroller } = renderList(100, true);
      let deliver!: () => void;
      inbox.loadMore.mockImplementation(() => new Promise<void>((resolve) => (deliver = resolve)));
      await scrollTo(scroller, 50 * ESTIMATE);
      expect(inbox.loadMore).not.toHaveBeenCalled();
      await scrollTo(scroller, 95 * ESTIMATE);
      expect(inbox.loadMore).toHaveBeenCalledOnce();
      expect(container.querySelector('[role=status]')!.textContent).toBe('Loading notifications…');
      // Renders and scrolls while the page is on its way ask for nothing more.
      await scrollTo(scroller, 96 * ESTIMATE);
      expect(inbox.loadMore).toHaveBeenCalledOnce();
      await act(async () => {
        inbox.notifications.value = [...inbox.notifications.value, ...Array.from({ length: 20 }, () => createNotification())];
        deliver();
      });
      expect(container.querySelector('.more')).toBeNull();
      expect(inbox.loadMore).toHaveBeenCalledOnce();
      await scrollTo(scroller, 115 * ESTIMATE);
      expect(inbox.loadMore).toHaveBeenCalledTimes(2);
    });

    it('does not ask for more when there is no older page', async () => {
      const { inbox, scroller } = renderList(12, false);
      await scrollTo(scroller, 10 * ESTIMATE);
      expect(inbox.loadMore).not.toHaveBeenCalled();
    });

    it('shows a failed page with a retry button instead of retrying by itself', async () => {
      const inbox = createFakeInbox({ notifications: [createNotification(), createNotification()], hasMore: true });
      let fail!: (error: Error) => void;
      inbox.loadMore.mockImplementationOnce(() => new Promise((_, reject) => (fail = reject)));
      const { container, getByRole } = render(<NotificationList inbox={inbox} now={Date.now()} />);
      expect(getByRole('status').textContent).toBe('Loading notifications…');
      await act(async () => fail(new Error('offline')));
      expect(inbox.loadMore).toHaveBeenCalledOnce();
      const retry = getByRole('button', { name: 'Load more' });
      expect(retry.closest('[role=alert]')).not.toBeNull();
      // The retry brings the last page.
      inbox.loadMore.mockImplementationOnce(async () => {
        inbox.hasMore.value = false;
      });
      await act(() => {
        fireEvent.click(retry);
      });
      expect(inbox.loadMore).toHaveBeenCalledTimes(2);
      expect(container.querySelector('.more')).toBeNull();
    });
  });
});
