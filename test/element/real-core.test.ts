import { cleanup, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BelfryInboxElement, defineInboxElement } from '../../src/element/index.ts';
import type { ConnectResponse, NotificationPage } from '../../src/protocol/index.ts';
import { createNotification } from '../ui/fixtures.ts';

// The element against the real client core; only the network is faked (cache and stream off, so
// nothing outlives the test).
function createServiceFetch(page: NotificationPage) {
  const connect: ConnectResponse = { user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, app: { secureMode: false, name: null }, counts: page.counts, seq: page.seq };
  return vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    if (url.endsWith('/v1/me/connect') && init?.method === 'POST') return json(connect);
    if (url.includes('/v1/me/notifications?')) return json(page);
    return new Response('{"error":{"code":"not_found","message":"no"}}', { status: 404 });
  });
}

describe('BelfryInboxElement with the real core', () => {
  beforeAll(() => defineInboxElement());
  afterEach(() => {
    document.body.replaceChildren();
    cleanup();
  });

  describe('connectedCallback()', () => {
    it('connects, fetches the first page and renders it in the shadow root', async () => {
      const items = [createNotification({ title: 'Hello <<recipient.firstName>>' }), createNotification({ title: 'Second', readAt: new Date().toISOString() })];
      const fetch = createServiceFetch({ items, nextCursor: null, counts: { unseen: 2, unread: 1 }, seq: 7 });
      const element = document.createElement('belfry-inbox') as BelfryInboxElement;
      element.setAttribute('api-key', 'pk_test');
      element.setAttribute('user-id', 'ada');
      element.setAttribute('base-url', 'https://notify.example.com');
      element.setAttribute('mode', 'inline');
      element.options = { fetch, cache: false, realtime: false };
      document.body.appendChild(element);

      const shadow = within(element.shadowRoot! as unknown as HTMLElement);
      await waitFor(() => expect(shadow.getAllByRole('listitem')).toHaveLength(2));
      // The title template is rendered with the user's attributes from connect.
      expect(shadow.getByRole('button', { name: 'Hello Ada' })).toBeTruthy();
      expect(String(fetch.mock.calls[0]![0])).toBe('https://notify.example.com/v1/me/connect');
      element.remove();
      expect(element.shadowRoot!.childNodes).toHaveLength(0);
    });
  });
});
