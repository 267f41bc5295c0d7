import { act, cleanup, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createInbox } from '../../src/core/index.ts';
import { BelfryInboxElement, defineInboxElement } from '../../src/element/index.ts';
import { createFakeInbox, createNotification } from '../ui/fixtures.ts';
import type { FakeInbox } from '../ui/fixtures.ts';

// The element's own behaviour is under test here, so createInbox is replaced by a factory of fake
// inboxes (real-core.test.ts runs the element against the real core and a fake fetch).
vi.mock('../../src/core/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/core/index.ts')>()),
  createInbox: vi.fn(),
}));

const createInboxMock = vi.mocked(createInbox);
let created: FakeInbox[] = [];

const IDENTITY = { 'api-key': 'pk_test', 'user-id': 'ada', 'base-url': 'https://notify.example.com' };

function createElement(attributes: Record<string, string> = IDENTITY): BelfryInboxElement {
  const element = document.createElement('belfry-inbox') as BelfryInboxElement;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

// Attribute changes are applied together in a microtask.
const flush = () => Promise.resolve();

function view(element: BelfryInboxElement) {
  return within(element.shadowRoot! as unknown as HTMLElement);
}

describe('BelfryInboxElement', () => {
  beforeAll(() => defineInboxElement());
  beforeEach(() => {
    created = [];
    createInboxMock.mockReset();
    createInboxMock.mockImplementation(() => {
      const inbox = createFakeInbox({ counts: { unseen: 1, unread: 2 } });
      created.push(inbox);
      return inbox;
    });
  });
  afterEach(() => {
    document.body.replaceChildren();
    cleanup();
  });

  describe('connectedCallback()', () => {
    it('creates an inbox from the attributes and mounts the widget in an open shadow root', () => {
      const element = document.body.appendChild(createElement());
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith({ apiKey: 'pk_test', userId: 'ada', baseUrl: 'https://notify.example.com' });
      expect(element.shadowRoot!.mode).toBe('open');
      expect(view(element).getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
      expect(element.shadowRoot!.adoptedStyleSheets).toHaveLength(1);
      expect(element.inbox).toBe(created[0]);
    });

    it('renders once when connected with its attributes: the sync they queued is not run again', async () => {
      createInboxMock.mockImplementation(() => {
        const inbox = createFakeInbox({ notifications: [createNotification()] });
        created.push(inbox);
        return inbox;
      });
      const element = document.body.appendChild(createElement({ ...IDENTITY, mode: 'inline' }));
      expect(view(element).getAllByRole('listitem')).toHaveLength(1);
      await act(flush);
      expect(created[0]!.render).toHaveBeenCalledTimes(1);
    });

    it('merges the options property over the attributes', () => {
      const fetch = vi.fn<typeof globalThis.fetch>();
      const element = createElement();
      element.options = { userId: 'grace', fetch, realtime: false, theme: 'dark' };
      document.body.appendChild(element);
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith({ apiKey: 'pk_test', userId: 'grace', baseUrl: 'https://notify.example.com', fetch, realtime: false });
      expect(element.shadowRoot!.querySelector('.belfry')!.getAttribute('data-theme')).toBe('dark');
    });

    it('passes mode, theme and locale attributes to the UI', () => {
      const element = document.body.appendChild(createElement({ ...IDENTITY, mode: 'inline', theme: 'light', locale: 'de' }));
      const root = element.shadowRoot!.querySelector('.belfry')!;
      expect(root.getAttribute('data-theme')).toBe('light');
      expect(root.getAttribute('lang')).toBe('de');
      expect(view(element).getByRole('region', { name: 'Benachrichtigungen' })).toBeTruthy();
    });

    it('shows a developer-facing error naming what is missing instead of throwing', () => {
      const element = document.body.appendChild(createElement({ 'user-id': 'ada' }));
      const alert = view(element).getByRole('alert');
      expect(alert.textContent).toBe('<belfry-inbox> needs api-key, base-url: set the attributes or the options property.');
      expect(createInboxMock).not.toHaveBeenCalled();
    });

    it('asks for a user when neither user-id nor a token is given', () => {
      const element = document.body.appendChild(createElement({ 'api-key': 'pk', 'base-url': 'https://x.example' }));
      expect(view(element).getByRole('alert').textContent).toContain('user-id (or user-token)');
    });

    it('shows the error createInbox throws instead of throwing', () => {
      createInboxMock.mockImplementation(() => {
        throw new Error('baseUrl must be an absolute URL');
      });
      const element = createElement();
      expect(() => document.body.appendChild(element)).not.toThrow();
      expect(view(element).getByRole('alert').textContent).toBe('<belfry-inbox> could not start: baseUrl must be an absolute URL');
    });

    it('recovers from the error state once the attributes are complete', async () => {
      const element = document.body.appendChild(createElement({ 'user-id': 'ada' }));
      element.setAttribute('api-key', 'pk_test');
      element.setAttribute('base-url', 'https://notify.example.com');
      await act(flush);
      expect(createInboxMock).toHaveBeenCalledOnce();
      expect(view(element).queryByRole('alert')).toBeNull();
      expect(view(element).getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
    });

    it('shows an injected inbox without creating one', () => {
      const inbox = createFakeInbox({ counts: { unseen: 0, unread: 4 } });
      const element = createElement({});
      element.options = { inbox };
      document.body.appendChild(element);
      expect(createInboxMock).not.toHaveBeenCalled();
      expect(view(element).getByRole('button', { name: 'Notifications, 4 unread' })).toBeTruthy();
    });

    it('creates one inbox when upgraded with its attributes already set', async () => {
      const element = document.body.appendChild(document.createElement('belfry-inbox-upgraded'));
      for (const [name, value] of Object.entries({ ...IDENTITY, 'user-token': 'token-of-ada' })) element.setAttribute(name, value);
      defineInboxElement('belfry-inbox-upgraded');
      await act(flush);
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith({ apiKey: 'pk_test', userId: 'ada', userToken: 'token-of-ada', baseUrl: 'https://notify.example.com' });
    });

    it('picks up options set before the element was upgraded', () => {
      const element = document.createElement('belfry-inbox-late') as BelfryInboxElement;
      (element as { options?: object }).options = { apiKey: 'pk_late', userId: 'ada', baseUrl: 'https://x.example' };
      document.body.appendChild(element);
      defineInboxElement('belfry-inbox-late');
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith({ apiKey: 'pk_late', userId: 'ada', baseUrl: 'https://x.example' });
      expect(element.shadowRoot).not.toBeNull();
    });

    it('renders once when upgraded with options set before the definition (the upgrade connects it right after)', () => {
      createInboxMock.mockImplementation(() => {
        const inbox = createFakeInbox({ notifications: [createNotification()] });
        created.push(inbox);
        return inbox;
      });
      const upgraded = document.body.appendChild(document.createElement('belfry-inbox-preset'));
      for (const [name, value] of Object.entries({ ...IDENTITY, mode: 'inline' })) upgraded.setAttribute(name, value);
      (upgraded as { options?: object }).options = { pageSize: 5 };
      defineInboxElement('belfry-inbox-preset');
      expect(createInboxMock).toHaveBeenCalledExactlyOnceWith({ apiKey: 'pk_test', userId: 'ada', baseUrl: 'https://notify.example.com', pageSize: 5 });
      expect(view(upgraded as BelfryInboxElement).getAllByRole('listitem')).toHaveLength(1);
      expect(created[0]!.render).toHaveBeenCalledTimes(1);
    });
  });

  describe('languages', () => {
    it('takes per-string overrides from a translations attribute holding JSON', () => {
      const element = document.body.appendChild(createElement({ ...IDENTITY, locale: 'es', translations: '{"bellUnread":"Avisos: {n}"}' }));
      expect(view(element).getByRole('button', { name: 'Avisos: 2' })).toBeTruthy();
      expect(element.shadowRoot!.querySelector('.belfry')!.getAttribute('lang')).toBe('es');
    });

    it('takes translations from the options property, over the attribute', () => {
      const element = createElement({ ...IDENTITY, translations: '{"bellUnread":"From the attribute {n}"}' });
      element.options = { translations: { bellUnread: 'From the property {n}' } };
      document.body.appendChild(element);
      expect(view(element).getByRole('button', { name: 'From the property 2' })).toBeTruthy();
    });

    it('shows what is wrong with a translations attribute that is not a JSON object of strings', () => {
      for (const bad of ['{title:', '["x"]', '{"title":1}']) {
        const element = document.body.appendChild(createElement({ ...IDENTITY, translations: bad }));
        expect(view(element).getByRole('alert').textContent).toBe('<belfry-inbox> could not start: the translations attribute must be a JSON object of strings');
        element.remove();
      }
    });

    it('takes category tabs from a categories attribute holding JSON, and hides the tab row with feed-tabs="false"', async () => {
      const element = document.body.appendChild(createElement({ ...IDENTITY, mode: 'inline', categories: '[{"id":"billing","label":"Billing"}]' }));
      expect(view(element).getAllByRole('tab').map((tab) => tab.textContent)).toEqual(['All 2', 'Unread 2', 'Archived', 'Billing']);
      expect(created[0]!.tabCounts).toHaveBeenCalledWith(['billing']);
      element.setAttribute('feed-tabs', 'false');
      await act(flush);
      expect(view(element).queryByRole('tablist')).toBeNull();
      element.options = { feedTabs: true, categories: [{ id: 'social', label: 'Social' }] };
      await act(flush);
      expect(view(element).getAllByRole('tab').map((tab) => tab.textContent)).toEqual(['All 2', 'Unread 2', 'Archived', 'Social']);
      expect(createInboxMock).toHaveBeenCalledTimes(1);
    });

    it('shows what is wrong with a categories attribute that is not a JSON array of {id, label}', () => {
      for (const bad of ['[{', '{"id":"a","label":"A"}', '[{"id":"a"}]', '[null]']) {
        const element = document.body.appendChild(createElement({ ...IDENTITY, categories: bad }));
        expect(view(element).getByRole('alert').textContent).toBe('<belfry-inbox> could not start: the categories attribute must be a JSON array of {"id", "label"} strings');
        element.remove();
      }
    });

    it('switches language in place when the locale attribute changes', async () => {
      const element = document.body.appendChild(createElement());
      element.setAttribute('locale', 'ja');
      await act(flush);
      expect(view(element).getByRole('button', { name: '通知、未読 2 件' })).toBeTruthy();
      expect(createInboxMock).toHaveBeenCalledTimes(1);
    });
  });

  describe('attributeChangedCallback()', () => {
    it('updates the UI in place when a presentation attribute changes', async () => {
      const element = document.body.appendChild(createElement());
      element.setAttribute('theme', 'dark');
      await act(flush);
      expect(element.shadowRoot!.querySelector('.belfry')!.getAttribute('data-theme')).toBe('dark');
      expect(createInboxMock).toHaveBeenCalledTimes(1);
    });

    it('turns the title count and toasts on and off with boolean attributes', async () => {
      document.title = 'Host';
      let element!: BelfryInboxElement;
      // In act: the first render's effects subscribe the listeners.
      await act(() => {
        element = document.body.appendChild(createElement({ ...IDENTITY, 'title-count': '', toasts: '' }));
        expect(document.title).toBe('(1) Host');
      });
      const received = (created[0]!.on.mock.calls as unknown as [string][]).filter(([event]) => event === 'notification.received');
      // One listener the element relays events with, one for the live region, one for the toasts.
      expect(received).toHaveLength(3);
      element.setAttribute('title-count', 'false');
      await act(flush);
      expect(document.title).toBe('Host');
      expect(createInboxMock).toHaveBeenCalledTimes(1);
    });

    it('takes a valid placement attribute and ignores others', async () => {
      const element = document.body.appendChild(createElement({ ...IDENTITY, placement: 'top-start' }));
      const root = () => element.shadowRoot!.querySelector('.belfry')!;
      expect(root().getAttribute('data-placement')).toBe('top-start');
      element.setAttribute('placement', 'left');
      await act(flush);
      expect(root().getAttribute('data-placement')).toBe('bottom-end');
    });

    it('hides the preferences button with preferences="false" and shows it again without', async () => {
      const element = document.body.appendChild(createElement({ ...IDENTITY, preferences: 'false' }));
      view(element).getByRole('button', { name: /^Notifications/ }).click();
      await act(flush);
      expect(view(element).getByRole('button', { name: 'Mark all as read' })).toBeTruthy();
      expect(view(element).queryByRole('button', { name: 'Preferences' })).toBeNull();
      element.removeAttribute('preferences');
      await act(flush);
      expect(view(element).getByRole('button', { name: 'Preferences' })).toBeTruthy();
    });

    it('destroys the inbox and creates one new one when identity attributes change', async () => {
      const element = document.body.appendChild(createElement());
      element.setAttribute('user-id', 'grace');
      element.setAttribute('user-token', 'token-of-grace');
      await act(flush);
      expect(createInboxMock).toHaveBeenCalledTimes(2);
      expect(createInboxMock).toHaveBeenLastCalledWith({ apiKey: 'pk_test', userId: 'grace', userToken: 'token-of-grace', baseUrl: 'https://notify.example.com' });
      expect(created[0]!.destroy).toHaveBeenCalledOnce();
      expect(created[1]!.destroy).not.toHaveBeenCalled();
      expect(element.inbox).toBe(created[1]);
      expect(element.shadowRoot!.querySelectorAll('.belfry')).toHaveLength(1);
    });

    it('keeps the inbox when options are set again with the same values', () => {
      const fetch = vi.fn<typeof globalThis.fetch>();
      const element = document.body.appendChild(createElement());
      element.options = { fetch };
      element.options = { fetch, locale: 'fr' };
      expect(createInboxMock).toHaveBeenCalledTimes(2);
      expect(created[0]!.destroy).toHaveBeenCalledOnce();
      expect(created[1]!.destroy).not.toHaveBeenCalled();
    });
  });

  describe('disconnectedCallback()', () => {
    it('destroys its inbox and leaves an empty shadow root', () => {
      const element = document.body.appendChild(createElement());
      element.remove();
      expect(created[0]!.destroy).toHaveBeenCalledOnce();
      expect(element.shadowRoot!.childNodes).toHaveLength(0);
      expect(element.shadowRoot!.adoptedStyleSheets).toHaveLength(0);
      expect(element.inbox).toBeNull();
    });

    it('does not destroy an injected inbox (its creator owns it)', () => {
      const inbox = createFakeInbox();
      const element = createElement({});
      element.options = { inbox };
      document.body.appendChild(element).remove();
      expect(inbox.destroy).not.toHaveBeenCalled();
      expect(element.shadowRoot!.childNodes).toHaveLength(0);
    });

    it('starts again when reconnected', () => {
      const element = document.body.appendChild(createElement());
      element.remove();
      document.body.appendChild(element);
      expect(createInboxMock).toHaveBeenCalledTimes(2);
      expect(view(element).getByRole('button', { name: 'Notifications, 2 unread' })).toBeTruthy();
    });

    it('removes the error state too', () => {
      const element = document.body.appendChild(createElement({}));
      element.remove();
      expect(element.shadowRoot!.childNodes).toHaveLength(0);
    });
  });
});
