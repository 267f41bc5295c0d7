import { act, fireEvent, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { mountInbox } from '../../src/ui/index.ts';
import type { InboxMount } from '../../src/ui/index.ts';
import { css } from '../../src/ui/styles.ts';
import { createFakeInbox, createNotification } from './fixtures.ts';

const mounts: InboxMount[] = [];
const track = (mount: InboxMount) => (mounts.push(mount), mount);

function mountInto(options: Parameters<typeof mountInbox>[1]) {
  const target = document.body.appendChild(document.createElement('div'));
  const mount = track(mountInbox(target, options));
  const host = target.firstElementChild as HTMLElement;
  const shadow = host.shadowRoot!;
  // Testing Library's queries take a container; a shadow root works as one.
  return { target, mount, host, shadow, screen: within(shadow as unknown as HTMLElement) };
}

describe('mountInbox', () => {
  afterEach(() => {
    for (const mount of mounts.splice(0)) mount.unmount();
    document.body.replaceChildren();
  });

  describe('mountInbox()', () => {
    it('renders the widget into an open shadow root appended to the target', () => {
      const { target, host, shadow, screen } = mountInto({ inbox: createFakeInbox({ counts: { unseen: 0, unread: 2 } }) });
      expect(target.children).toHaveLength(1);
      expect(shadow.mode).toBe('open');
      expect(screen.getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
      // The page sees only an empty host: nothing of the widget is in the light DOM.
      expect(host.children).toHaveLength(0);
    });

    it('renders into a given shadow root next to its existing content', () => {
      const element = document.body.appendChild(document.createElement('div'));
      const shadow = element.attachShadow({ mode: 'open' });
      const mine = shadow.appendChild(document.createElement('p'));
      track(mountInbox(shadow, { inbox: createFakeInbox(), mode: 'inline' }));
      expect(mine.isConnected).toBe(true);
      expect(within(shadow as unknown as HTMLElement).getByRole('region', { name: 'Notifications' })).toBeTruthy();
    });

    it('adopts the stylesheet into the shadow root only', () => {
      const { shadow } = mountInto({ inbox: createFakeInbox() });
      expect(shadow.adoptedStyleSheets).toHaveLength(1);
      const sheet = shadow.adoptedStyleSheets[0]!;
      expect(sheet.cssRules.length).toBeGreaterThan(10);
      expect(document.adoptedStyleSheets).toHaveLength(0);
      expect(document.querySelectorAll('style,link[rel=stylesheet]')).toHaveLength(0);
      expect(shadow.querySelectorAll('style')).toHaveLength(0);
    });

    it('shares one parsed stylesheet between the widgets of a page', () => {
      const one = mountInto({ inbox: createFakeInbox() });
      const two = mountInto({ inbox: createFakeInbox() });
      expect(two.shadow.adoptedStyleSheets[0]).toBe(one.shadow.adoptedStyleSheets[0]);
      // Unmounting one takes it out of that root only.
      one.mount.unmount();
      expect(one.shadow.adoptedStyleSheets).toHaveLength(0);
      expect(two.shadow.adoptedStyleSheets).toHaveLength(1);
    });

    it('defines light and dark values for the --belfry-* properties', () => {
      expect(css).toMatch(/--belfry-bg/);
      expect(css).toMatch(/\[data-theme=dark\]/);
      expect(css).toMatch(/prefers-color-scheme:dark\)\{\.belfry\[data-theme=auto\]/);
    });

    it('puts no style attribute on any element, with everything shown', () => {
      const { shadow, screen } = mountInto({
        inbox: createFakeInbox({
          counts: { unseen: 120, unread: 120 },
          notifications: [createNotification({ icon: 'https://cdn.example.com/i.png', url: '/a' }), createNotification()],
          connection: 'offline',
          hasMore: true,
        }),
      });
      fireEvent.click(screen.getByRole('button', { name: 'Notifications, 120 unread' }));
      expect(shadow.querySelectorAll('[part=item]')).toHaveLength(2);
      // The virtual list sizes its padding through the CSSOM, which CSP allows (checked in Chromium
      // by test/e2e/virtual-list.test.ts); the attribute only reflects it. Nothing else has one.
      expect([...shadow.querySelectorAll('[style]')].map((el) => el.className)).toEqual(['list']);
      expect(shadow.querySelector('.list')!.getAttribute('style')).toMatch(/^padding-top: 0px; padding-bottom: 0px;?$/);
    });

    it('exposes part hooks for bell, badge, panel and item', () => {
      const { shadow, screen } = mountInto({ inbox: createFakeInbox({ counts: { unseen: 1, unread: 1 }, notifications: [createNotification()] }) });
      fireEvent.click(screen.getByRole('button', { name: 'Notifications, 1 unread' }));
      for (const part of ['bell', 'badge', 'panel', 'item']) expect(shadow.querySelector(`[part=${part}]`), part).not.toBeNull();
    });

    it('closes on a pointer press elsewhere on the page (across the shadow boundary)', () => {
      const { screen } = mountInto({ inbox: createFakeInbox() });
      fireEvent.click(screen.getByRole('button', { name: 'Notifications' }));
      fireEvent.pointerDown(screen.getByRole('dialog'));
      expect(screen.queryByRole('dialog')).not.toBeNull();
      fireEvent.pointerDown(document.body);
      expect(screen.queryByRole('dialog')).toBeNull();
    });
  });

  describe('.update()', () => {
    it('merges new options and keeps the inbox', () => {
      const inbox = createFakeInbox({ counts: { unseen: 0, unread: 1 } });
      const { mount, shadow, screen } = mountInto({ inbox, theme: 'light' });
      act(() => mount.update({ theme: 'dark' }));
      expect(shadow.querySelector('.belfry')!.getAttribute('data-theme')).toBe('dark');
      expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBeTruthy();
    });

    it('switches to another inbox', () => {
      const { mount, screen } = mountInto({ inbox: createFakeInbox({ counts: { unseen: 0, unread: 1 } }) });
      act(() => mount.update({ inbox: createFakeInbox({ counts: { unseen: 0, unread: 9 } }) }));
      expect(screen.getByRole('button', { name: 'Notifications, 9 unread' })).toBeTruthy();
    });
  });

  describe('.unmount()', () => {
    it('leaves nothing behind: DOM, stylesheet, listeners', () => {
      const element = document.body.appendChild(document.createElement('div'));
      const shadow = element.attachShadow({ mode: 'open' });
      const inbox = createFakeInbox({ counts: { unseen: 1, unread: 1 } });
      const mount = mountInbox(shadow, { inbox });
      fireEvent.click(within(shadow as unknown as HTMLElement).getByRole('button', { name: 'Notifications, 1 unread' }));
      mount.unmount();
      expect(shadow.childNodes).toHaveLength(0);
      expect(shadow.adoptedStyleSheets).toHaveLength(0);
      // The widget no longer reacts to its inbox.
      act(() => {
        inbox.counts.value = { unseen: 5, unread: 5 };
      });
      expect(shadow.childNodes).toHaveLength(0);
      expect(inbox.markAllSeen).toHaveBeenCalledTimes(1);
    });

    it('removes the host it created from the target', () => {
      const { target, mount } = mountInto({ inbox: createFakeInbox() });
      mount.unmount();
      expect(target.childNodes).toHaveLength(0);
    });

    it('is idempotent and makes update a no-op', () => {
      const { target, mount } = mountInto({ inbox: createFakeInbox() });
      mount.unmount();
      expect(() => mount.unmount()).not.toThrow();
      mount.update({ theme: 'dark' });
      expect(target.childNodes).toHaveLength(0);
    });
  });
});
