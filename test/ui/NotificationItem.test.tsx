import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../src/protocol/index.ts';
import { createI18n, I18nContext } from '../../src/ui/i18n.ts';
import { NotificationItem } from '../../src/ui/NotificationItem.tsx';
import { ItemOptions } from '../../src/ui/item-options.ts';
import type { InboxUIOptions } from '../../src/ui/index.ts';
import { createFakeInbox, createNotification } from './fixtures.ts';
import type { FakeInbox } from './fixtures.ts';

function renderItem(
  notification: Notification,
  inbox: FakeInbox = createFakeInbox(),
  { locale, ...extra }: { locale?: string; onNotificationClick?: (n: Notification) => void } = {},
  options: InboxUIOptions = {},
) {
  const result = render(
    <I18nContext.Provider value={createI18n(locale ?? 'en')}>
      <ItemOptions.Provider value={options}>
        <ul>
          <NotificationItem notification={notification} inbox={inbox} now={Date.now()} {...extra} />
        </ul>
      </ItemOptions.Provider>
    </I18nContext.Provider>,
  );
  return { ...result, inbox, item: result.container.querySelector('li')! };
}

// happy-dom would try to navigate on a link click; the test only cares what the widget did.
function preventNavigation() {
  const stop = (event: Event) => event.preventDefault();
  document.addEventListener('click', stop);
  return () => document.removeEventListener('click', stop);
}

describe('NotificationItem', () => {
  afterEach(cleanup);

  let restore: (() => void) | undefined;
  afterEach(() => restore?.());

  describe('render', () => {
    it('renders the title and message from inbox.render()', () => {
      const n = createNotification();
      const inbox = createFakeInbox({
        rendered: {
          [n.id]: {
            title: [{ type: 'text', value: 'Hello ' }, { type: 'strong', children: [{ type: 'text', value: 'Ada' }] }],
            message: [{ type: 'em', children: [{ type: 'text', value: 'soon' }] }],
          },
        },
      });
      const { item } = renderItem(n, inbox);
      expect(inbox.render).toHaveBeenCalledWith(n);
      expect(item.querySelector('.primary strong')!.textContent).toBe('Ada');
      expect(item.querySelector('.message em')!.textContent).toBe('soon');
    });

    it('shows the relative time in the locale with the ISO time as datetime', () => {
      const n = createNotification({ minutesAgo: 5 });
      const { item } = renderItem(n, createFakeInbox(), { locale: 'de' });
      const time = item.querySelector('time')!;
      expect(time.textContent).toBe('vor 5 Minuten');
      expect(time.getAttribute('datetime')).toBe(n.createdAt);
      // The tooltip is the full date and time, as the template's `date: "long"` writes it.
      expect(time.title).toBe(new Intl.DateTimeFormat('de', { dateStyle: 'long', timeStyle: 'short' }).format(Date.parse(n.createdAt)));
    });

    it('marks an unread item with the accessible text "Unread"', () => {
      const { item } = renderItem(createNotification());
      expect(item.classList.contains('unread')).toBe(true);
      expect(screen.getByText('Unread')).toBeTruthy();
    });

    it('shows no unread marker once read', () => {
      const { item } = renderItem(createNotification({ readAt: new Date().toISOString() }));
      expect(item.classList.contains('unread')).toBe(false);
      expect(screen.queryByText('Unread')).toBeNull();
    });

    it('links the title to a safe url', () => {
      renderItem(createNotification({ title: 'Order shipped', url: '/orders/1' }));
      expect(screen.getByRole('link', { name: 'Order shipped' }).getAttribute('href')).toBe('/orders/1');
    });

    it('does not link an unsafe url', () => {
      const { item } = renderItem(createNotification({ title: 'Bad', url: 'javascript:alert(1)' }));
      expect(item.querySelector('a')).toBeNull();
      expect(screen.getByRole('button', { name: 'Bad' })).toBeTruthy();
    });

    it('shows a safe icon and drops an unsafe one', () => {
      const safe = renderItem(createNotification({ icon: 'https://cdn.example.com/a.png' }));
      expect(safe.item.querySelector('img')!.getAttribute('src')).toBe('https://cdn.example.com/a.png');
      safe.unmount();
      const unsafe = renderItem(createNotification({ icon: 'javascript:alert(1)' }));
      expect(unsafe.item.querySelector('img')).toBeNull();
    });

    it('shows an inline data:image icon, which the service accepts, but no other data: URL', () => {
      const png = 'data:image/png;base64,iVBORw0KGgo=';
      const inline = renderItem(createNotification({ icon: png }));
      expect(inline.item.querySelector('img')!.getAttribute('src')).toBe(png);
      inline.unmount();
      const html = renderItem(createNotification({ icon: 'data:text/html,<script>alert(1)</script>' }));
      expect(html.item.querySelector('img')).toBeNull();
    });
  });

  describe('click', () => {
    it('marks an unread notification read', () => {
      const n = createNotification({ title: 'Ping' });
      const { inbox } = renderItem(n);
      fireEvent.click(screen.getByRole('button', { name: 'Ping' }));
      expect(inbox.markRead).toHaveBeenCalledExactlyOnceWith(n.id);
    });

    it('does not mark a read notification again', () => {
      const { inbox, item } = renderItem(createNotification({ readAt: new Date().toISOString() }));
      fireEvent.click(item);
      expect(inbox.markRead).not.toHaveBeenCalled();
    });

    it('activates the primary control when the row itself is clicked', () => {
      const n = createNotification();
      const onNotificationClick = vi.fn();
      const { inbox, item } = renderItem(n, createFakeInbox(), { onNotificationClick });
      fireEvent.click(item.querySelector('time')!);
      expect(inbox.markRead).toHaveBeenCalledExactlyOnceWith(n.id);
      expect(onNotificationClick).toHaveBeenCalledExactlyOnceWith(n);
    });

    it('calls onNotificationClick instead of following the url', () => {
      const n = createNotification({ title: 'Go', url: 'https://example.com/x' });
      const onNotificationClick = vi.fn();
      renderItem(n, createFakeInbox(), { onNotificationClick });
      const link = screen.getByRole('link', { name: 'Go' });
      const followed = fireEvent.click(link);
      expect(followed).toBe(false);
      expect(onNotificationClick).toHaveBeenCalledExactlyOnceWith(n);
    });

    it('follows the url when there is no onNotificationClick', () => {
      restore = preventNavigation();
      const n = createNotification({ title: 'Go', url: '/x' });
      const seen: string[] = [];
      const spy = (event: Event) => seen.push((event.target as HTMLAnchorElement).getAttribute('href')!);
      document.addEventListener('click', spy);
      const { inbox } = renderItem(n);
      fireEvent.click(screen.getByRole('link', { name: 'Go' }));
      document.removeEventListener('click', spy);
      expect(inbox.markRead).toHaveBeenCalledWith(n.id);
      expect(seen).toEqual(['/x']);
    });

    it('marks read but does not open the notification when a message link is clicked', () => {
      restore = preventNavigation();
      const n = createNotification();
      const onNotificationClick = vi.fn();
      const inbox = createFakeInbox({
        rendered: {
          [n.id]: { title: [{ type: 'text', value: 'T' }], message: [{ type: 'link', href: 'https://example.com', children: [{ type: 'text', value: 'docs' }] }] },
        },
      });
      renderItem(n, inbox, { onNotificationClick });
      fireEvent.click(screen.getByRole('link', { name: 'docs' }));
      expect(inbox.markRead).toHaveBeenCalledExactlyOnceWith(n.id);
      expect(onNotificationClick).not.toHaveBeenCalled();
    });

    it('swallows a rejected markRead (the core reports it as state)', async () => {
      const n = createNotification({ title: 'Ping' });
      const inbox = createFakeInbox();
      // Not a vi.fn: a spy attaches its own handler to returned promises (mock.settledResults),
      // which would hide an unhandled rejection.
      const calls: string[] = [];
      const rejecting = { ...inbox, markRead: (id: string) => (calls.push(id), Promise.reject(new Error('offline'))) };
      const unhandled = vi.fn();
      process.on('unhandledRejection', unhandled);
      renderItem(n, rejecting as unknown as FakeInbox);
      fireEvent.click(screen.getByRole('button', { name: 'Ping' }));
      await new Promise((resolve) => setTimeout(resolve, 10));
      process.off('unhandledRejection', unhandled);
      expect(calls).toEqual([n.id]);
      expect(unhandled).not.toHaveBeenCalled();
    });
  });

  describe('avatar', () => {
    it('shows the first letter of the rendered title, hidden from assistive technology, without an icon', () => {
      const n = createNotification();
      const inbox = createFakeInbox({ rendered: { [n.id]: { title: [{ type: 'strong', children: [{ type: 'text', value: ' émile joined' }] }], message: [] } } });
      const { item } = renderItem(n, inbox);
      const avatar = item.querySelector('.avatar')!;
      expect(avatar.textContent).toBe('É');
      expect(avatar.getAttribute('aria-hidden')).toBe('true');
    });

    it('shows the icon as a decorative image instead', () => {
      const { item } = renderItem(createNotification({ icon: '/a.png' }));
      expect(item.querySelector('img')!.getAttribute('alt')).toBe('');
      expect(item.querySelector('.avatar')).toBeNull();
    });
  });

  describe('actions', () => {
    const actions = [
      { id: 'approve', label: 'Approve', url: 'https://example.com/approve', style: 'primary' as const },
      { id: 'later', label: 'Later', url: null },
      { id: 'third', label: 'Third', url: null },
    ];

    it('shows the first two actions, primary and secondary', () => {
      renderItem(createNotification({ actions }));
      const approve = screen.getByRole('link', { name: 'Approve' });
      expect(approve.getAttribute('href')).toBe('https://example.com/approve');
      expect(approve.dataset['style']).toBe('primary');
      expect(screen.getByRole('button', { name: 'Later' }).dataset['style']).toBe('secondary');
      expect(screen.queryByText('Third')).toBeNull();
    });

    it('shows an action with an unsafe url as a button', () => {
      renderItem(createNotification({ actions: [{ id: 'x', label: 'Run', url: 'javascript:alert(1)' }] }));
      expect(screen.queryByRole('link', { name: 'Run' })).toBeNull();
      expect(screen.getByRole('button', { name: 'Run' }).getAttribute('href')).toBeNull();
    });

    it('calls onAction and does not follow the url, marking the item read but not opening it', () => {
      const n = createNotification({ actions });
      const onAction = vi.fn();
      const onNotificationClick = vi.fn();
      const { inbox } = renderItem(n, createFakeInbox(), { onNotificationClick }, { onAction });
      const followed = fireEvent.click(screen.getByRole('link', { name: 'Approve' }));
      expect(followed).toBe(false);
      expect(onAction).toHaveBeenCalledExactlyOnceWith(n, actions[0]);
      expect(inbox.markRead).toHaveBeenCalledExactlyOnceWith(n.id);
      expect(onNotificationClick).not.toHaveBeenCalled();
    });

    it('follows the url when onAction returns true', () => {
      restore = preventNavigation();
      const onAction = vi.fn(() => true);
      const seen: string[] = [];
      const spy = (event: Event) => seen.push(String(event.defaultPrevented));
      renderItem(createNotification({ actions }), createFakeInbox(), {}, { onAction });
      // On the link: after the widget's handler, before the document's preventNavigation.
      const link = screen.getByRole('link', { name: 'Approve' });
      link.addEventListener('click', spy);
      fireEvent.click(link);
      expect(onAction).toHaveBeenCalledOnce();
      expect(seen).toEqual(['false']);
    });

    it('calls onAction for an action without a url', () => {
      const n = createNotification({ actions });
      const onAction = vi.fn();
      renderItem(n, createFakeInbox(), {}, { onAction });
      fireEvent.click(screen.getByRole('button', { name: 'Later' }));
      expect(onAction).toHaveBeenCalledExactlyOnceWith(n, actions[1]);
    });
  });

  describe('renderItemBody', () => {
    it('puts a DOM node the hook returns in place of the message', () => {
      const n = createNotification({ message: 'Plain' });
      const inbox = createFakeInbox();
      const renderItemBody = vi.fn(() => {
        const node = document.createElement('progress');
        node.value = 0.5;
        return node;
      });
      const { item } = renderItem(n, inbox, {}, { renderItemBody });
      expect(renderItemBody).toHaveBeenCalledWith(n, inbox.render.mock.results[0]!.value);
      expect(item.querySelector('.message progress')).not.toBeNull();
      expect(screen.queryByText('Plain')).toBeNull();
    });

    it('renders a VNode the hook returns', () => {
      const { item } = renderItem(createNotification(), createFakeInbox(), {}, { renderItemBody: (n) => <em class="custom">{n.id}</em> });
      expect(item.querySelector('.message em.custom')!.textContent).toMatch(/^n\d+$/);
    });

    it('goes back to the message when the hook stops returning a node', () => {
      const n = createNotification({ message: 'Plain' });
      const inbox = createFakeInbox();
      const options: InboxUIOptions = { renderItemBody: () => document.createElement('progress') };
      const view = (o: InboxUIOptions) => (
        <ItemOptions.Provider value={o}>
          <ul>
            <NotificationItem notification={n} inbox={inbox} now={Date.now()} />
          </ul>
        </ItemOptions.Provider>
      );
      const { container, rerender } = render(view(options));
      expect(container.querySelector('progress')).not.toBeNull();
      rerender(view({}));
      expect(container.querySelector('progress')).toBeNull();
      expect(container.querySelector('.message')!.textContent).toBe('Plain');
    });

    it('keeps the message when the hook returns null', () => {
      renderItem(createNotification({ message: 'Plain' }), createFakeInbox(), {}, { renderItemBody: () => null });
      expect(screen.getByText('Plain')).toBeTruthy();
    });
  });
});
