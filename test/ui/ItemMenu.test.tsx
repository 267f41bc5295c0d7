import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../src/protocol/index.ts';
import { createI18n, I18nContext } from '../../src/ui/i18n.ts';
import { NotificationItem } from '../../src/ui/NotificationItem.tsx';
import { createFakeInbox, createNotification } from './fixtures.ts';

/** Two items in a list inside a focusable panel, as the widget renders them. */
function renderItems(first: Notification = createNotification({ title: 'First' }), second = createNotification({ title: 'Second' })) {
  const inbox = createFakeInbox();
  const onListKey = vi.fn();
  const result = render(
    <div class="panel" tabIndex={-1} onKeyDown={onListKey}>
      <ul>
        <NotificationItem notification={first} inbox={inbox} now={Date.now()} />
        <NotificationItem notification={second} inbox={inbox} now={Date.now()} />
      </ul>
    </div>,
  );
  const menuButton = screen.getByRole('button', { name: `Options for ${first.title}` });
  return { ...result, inbox, onListKey, menuButton: menuButton!, first, second };
}

const menuItems = () => screen.getAllByRole('menuitem');
const names = () => menuItems().map((item) => item.textContent);

describe('ItemMenu', () => {
  afterEach(cleanup);

  describe('button', () => {
    it('is a named menu button, collapsed until pressed', () => {
      const { menuButton } = renderItems();
      expect(menuButton.getAttribute('aria-haspopup')).toBe('menu');
      expect(menuButton.getAttribute('aria-expanded')).toBe('false');
      expect(screen.queryByRole('menu')).toBeNull();
    });

    it('opens the menu it controls and focuses its first item', () => {
      const { menuButton } = renderItems();
      fireEvent.click(menuButton);
      const menu = screen.getByRole('menu', { name: 'Options for First' });
      expect(menuButton.getAttribute('aria-expanded')).toBe('true');
      expect(menuButton.getAttribute('aria-controls')).toBe(menu.id);
      expect(document.activeElement).toBe(menuItems()[0]);
    });

    it('names the item it is for, with the title as plain text', () => {
      renderItems(createNotification({ title: 'Pay $& now' }));
      // The fake inbox renders the title as text; `$&` would be a replacement pattern in a string.
      expect(screen.getByRole('button', { name: 'Options for Pay $& now' })).toBeTruthy();
    });

    it('speaks the widget\'s language', () => {
      const inbox = createFakeInbox();
      render(
        <I18nContext.Provider value={createI18n('de')}>
          <ul>
            <NotificationItem notification={createNotification({ title: 'Bericht', archivedAt: new Date().toISOString() })} inbox={inbox} now={Date.now()} />
          </ul>
        </I18nContext.Provider>,
      );
      fireEvent.click(screen.getByRole('button', { name: 'Optionen für Bericht' }));
      expect(screen.getByRole('menu', { name: 'Optionen für Bericht' })).toBeTruthy();
      expect(names()).toEqual(['Als gelesen markieren', 'Archivierung aufheben', 'Löschen']);
    });

    it('closes the menu when pressed again', () => {
      const { menuButton } = renderItems();
      fireEvent.click(menuButton);
      fireEvent.click(menuButton);
      expect(screen.queryByRole('menu')).toBeNull();
      expect(menuButton.getAttribute('aria-expanded')).toBe('false');
    });
  });

  describe('entries', () => {
    it('offers mark as read, archive and delete for an unread item', () => {
      fireEvent.click(renderItems().menuButton);
      expect(names()).toEqual(['Mark as read', 'Archive', 'Delete']);
    });

    it('offers mark as unread and unarchive for a read, archived item', () => {
      const at = new Date().toISOString();
      fireEvent.click(renderItems(createNotification({ readAt: at, archivedAt: at })).menuButton);
      expect(names()).toEqual(['Mark as unread', 'Unarchive', 'Delete']);
    });

    it('marks read, closes and returns focus to the button, without opening the notification', () => {
      const { inbox, menuButton, first } = renderItems();
      fireEvent.click(menuButton);
      fireEvent.click(screen.getByRole('menuitem', { name: 'Mark as read' }));
      expect(inbox.markRead).toHaveBeenCalledExactlyOnceWith(first.id);
      expect(screen.queryByRole('menu')).toBeNull();
      expect(document.activeElement).toBe(menuButton);
    });

    it('marks unread without the item click marking it read again', () => {
      const first = createNotification({ readAt: new Date().toISOString() });
      const { inbox, menuButton } = renderItems(first);
      fireEvent.click(menuButton);
      fireEvent.click(screen.getByRole('menuitem', { name: 'Mark as unread' }));
      expect(inbox.markUnread).toHaveBeenCalledExactlyOnceWith(first.id);
      expect(inbox.markRead).not.toHaveBeenCalled();
    });

    it('archives and moves focus to the next item', () => {
      const { inbox, menuButton, first } = renderItems();
      fireEvent.click(menuButton);
      fireEvent.click(screen.getByRole('menuitem', { name: 'Archive' }));
      expect(inbox.archive).toHaveBeenCalledExactlyOnceWith(first.id);
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Second' }));
    });

    it('unarchives an archived item', () => {
      const first = createNotification({ archivedAt: new Date().toISOString() });
      const { inbox, menuButton } = renderItems(first);
      fireEvent.click(menuButton);
      fireEvent.click(screen.getByRole('menuitem', { name: 'Unarchive' }));
      expect(inbox.unarchive).toHaveBeenCalledExactlyOnceWith(first.id);
    });

    it('deletes the last item and moves focus to the previous one', () => {
      const { inbox, second } = renderItems();
      fireEvent.click(screen.getByRole('button', { name: `Options for ${second.title}` }));
      fireEvent.click(screen.getByRole('menuitem', { name: 'Delete' }));
      expect(inbox.remove).toHaveBeenCalledExactlyOnceWith(second.id);
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'First' }));
    });

    it('moves focus to the panel when the only item is deleted', () => {
      const inbox = createFakeInbox();
      const { container } = render(
        <div class="panel" tabIndex={-1}>
          <ul>
            <NotificationItem notification={createNotification()} inbox={inbox} now={Date.now()} />
          </ul>
        </div>,
      );
      fireEvent.click(screen.getByRole('button', { name: /^Options for / }));
      fireEvent.click(screen.getByRole('menuitem', { name: 'Delete' }));
      expect(document.activeElement).toBe(container.querySelector('.panel'));
    });
  });

  describe('keyboard', () => {
    it('moves through the items with the arrow keys, wrapping, and Home/End', () => {
      fireEvent.click(renderItems().menuButton);
      const [read, archive, remove] = menuItems();
      fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
      expect(document.activeElement).toBe(archive);
      fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
      fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
      expect(document.activeElement).toBe(read);
      fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
      expect(document.activeElement).toBe(remove);
      fireEvent.keyDown(document.activeElement!, { key: 'Home' });
      expect(document.activeElement).toBe(read);
      fireEvent.keyDown(document.activeElement!, { key: 'End' });
      expect(document.activeElement).toBe(remove);
    });

    it('keeps its keys from the list and the panel', () => {
      const { menuButton, onListKey } = renderItems();
      fireEvent.click(menuButton);
      for (const key of ['ArrowDown', 'ArrowUp', 'Escape']) fireEvent.keyDown(document.activeElement!, { key });
      expect(onListKey).not.toHaveBeenCalled();
    });

    it('leaves arrow keys on the closed button to the list', () => {
      const { menuButton, onListKey } = renderItems();
      fireEvent.keyDown(menuButton, { key: 'ArrowDown' });
      expect(onListKey).toHaveBeenCalledOnce();
    });

    it('closes on Escape and returns focus to the button', () => {
      const { menuButton } = renderItems();
      fireEvent.click(menuButton);
      fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
      expect(screen.queryByRole('menu')).toBeNull();
      expect(document.activeElement).toBe(menuButton);
    });

    it('closes on Tab, leaving focus to move on from the button', () => {
      const { menuButton } = renderItems();
      fireEvent.click(menuButton);
      const tab = fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
      expect(tab).toBe(true);
      expect(screen.queryByRole('menu')).toBeNull();
      expect(document.activeElement).toBe(menuButton);
    });

    it('closes when focus leaves it', () => {
      const { menuButton } = renderItems();
      fireEvent.click(menuButton);
      act(() => screen.getByRole('button', { name: 'Second' }).focus());
      expect(screen.queryByRole('menu')).toBeNull();
    });
  });
});
