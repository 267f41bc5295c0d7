import { act, cleanup, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInbox } from '../../src/core/index.ts';
import { render } from '../../src/element/index.ts';
import { createFakeInbox } from '../ui/fixtures.ts';
import type { FakeInbox } from '../ui/fixtures.ts';

vi.mock('../../src/core/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/core/index.ts')>()),
  createInbox: vi.fn(),
}));

const createInboxMock = vi.mocked(createInbox);
const OPTIONS = { apiKey: 'pk_test', userId: 'ada', baseUrl: 'https://notify.example.com' };

describe('render', () => {
  let fake: FakeInbox;
  beforeEach(() => {
    fake = createFakeInbox({ counts: { unseen: 0, unread: 3 } });
    createInboxMock.mockReset();
    createInboxMock.mockReturnValue(fake);
  });
  afterEach(() => {
    document.body.replaceChildren();
    cleanup();
  });

  describe('render()', () => {
    it('mounts the widget in a shadow root inside the element a selector names', () => {
      const target = document.body.appendChild(document.createElement('div'));
      target.id = 'bell';
      const rendered = render('#bell', { ...OPTIONS, theme: 'dark' });
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith(OPTIONS);
      expect(rendered.inbox).toBe(fake);
      const shadow = target.firstElementChild!.shadowRoot!;
      expect(within(shadow as unknown as HTMLElement).getByRole('button', { name: 'Notifications, 3 unread' })).toBeTruthy();
      expect(shadow.querySelector('.belfry')!.getAttribute('data-theme')).toBe('dark');
    });

    it('passes locale and translations to the UI, not to createInbox', () => {
      const target = document.body.appendChild(document.createElement('div'));
      render(target, { ...OPTIONS, locale: 'fr', translations: { bellUnread: 'Alertes : {n}' } });
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith(OPTIONS);
      const shadow = target.firstElementChild!.shadowRoot!;
      expect(within(shadow as unknown as HTMLElement).getByRole('button', { name: 'Alertes : 3' })).toBeTruthy();
      expect(shadow.querySelector('.belfry')!.getAttribute('lang')).toBe('fr');
    });

    it('accepts an element', () => {
      const target = document.body.appendChild(document.createElement('div'));
      render(target, OPTIONS);
      expect(target.firstElementChild!.shadowRoot).not.toBeNull();
    });

    it('throws a clear error when the selector matches nothing', () => {
      expect(() => render('#nope', OPTIONS)).toThrow('Belfry.render: no element matches "#nope"');
      expect(createInboxMock).not.toHaveBeenCalled();
    });
  });

  describe('.update()', () => {
    it('changes presentation options', () => {
      const target = document.body.appendChild(document.createElement('div'));
      const rendered = render(target, OPTIONS);
      act(() => rendered.update({ mode: 'inline' }));
      expect(within(target.firstElementChild!.shadowRoot! as unknown as HTMLElement).getByRole('region', { name: 'Notifications' })).toBeTruthy();
    });
  });

  describe('.unmount()', () => {
    it('removes the widget and destroys the inbox', () => {
      const target = document.body.appendChild(document.createElement('div'));
      render(target, OPTIONS).unmount();
      expect(target.childNodes).toHaveLength(0);
      expect(fake.destroy).toHaveBeenCalledOnce();
    });
  });
});
