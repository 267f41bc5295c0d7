import { act, cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InboxWidget } from '../../src/ui/InboxWidget.tsx';
import { titleWithCount } from '../../src/ui/title-count.ts';
import { createFakeInbox } from './fixtures.ts';

describe('title-count', () => {
  describe('titleWithCount()', () => {
    it('prefixes a positive count', () => {
      expect(titleWithCount('Inbox — App', 3)).toBe('(3) Inbox — App');
    });

    it('replaces its own earlier prefix instead of stacking', () => {
      expect(titleWithCount('(3) Inbox', 4)).toBe('(4) Inbox');
      expect(titleWithCount('(99+) Inbox', 0)).toBe('Inbox');
    });

    it('says 99+ above 99', () => {
      expect(titleWithCount('Inbox', 100)).toBe('(99+) Inbox');
    });

    it('leaves a title that only looks alike in the middle alone', () => {
      expect(titleWithCount('Top (3) things', 0)).toBe('Top (3) things');
    });
  });

  describe('titleCount option', () => {
    beforeEach(() => void (document.title = 'Host app'));
    afterEach(cleanup);

    it('follows the unseen count and restores the title on unmount', () => {
      const inbox = createFakeInbox({ counts: { unseen: 2, unread: 5 } });
      const { unmount } = render(<InboxWidget inbox={inbox} titleCount />);
      expect(document.title).toBe('(2) Host app');
      act(() => void (inbox.counts.value = { unseen: 7, unread: 9 }));
      expect(document.title).toBe('(7) Host app');
      act(() => void (inbox.counts.value = { unseen: 0, unread: 9 }));
      expect(document.title).toBe('Host app');
      act(() => void (inbox.counts.value = { unseen: 1, unread: 9 }));
      unmount();
      expect(document.title).toBe('Host app');
    });

    it('keeps a title the host set in the meantime', () => {
      const inbox = createFakeInbox({ counts: { unseen: 2, unread: 2 } });
      render(<InboxWidget inbox={inbox} titleCount />);
      document.title = 'Settings';
      act(() => void (inbox.counts.value = { unseen: 3, unread: 3 }));
      expect(document.title).toBe('(3) Settings');
    });

    it('leaves the title alone without the option', () => {
      render(<InboxWidget inbox={createFakeInbox({ counts: { unseen: 2, unread: 2 } })} />);
      expect(document.title).toBe('Host app');
    });
  });
});
