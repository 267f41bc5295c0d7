import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { InboxWidget } from '../../src/ui/InboxWidget.tsx';
import type { InboxUIOptions } from '../../src/ui/index.ts';
import type { Preferences, PreferencesResponse } from '../../src/protocol/index.ts';
import { createFakeInbox, createNotification } from './fixtures.ts';

/** The estimated height of an unmeasured item, as the list assumes it (no layout in happy-dom). */
const ESTIMATE = 88;

/** A preferences answer: the app's categories and what the user switched off. */
function createPreferences(overrides: Partial<PreferencesResponse> = {}): PreferencesResponse {
  return { preferences: { comments: { email: false } }, categories: [{ identifier: 'comments', name: 'Comments' }], ...overrides };
}

/** A promise with its settle functions, to hold an answer of the fake inbox back. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

// Lets the fake inbox's promises settle and Preact commit what they changed.
const settle = () => act(async () => {});

function renderWidget(options: InboxUIOptions = {}, answer: PreferencesResponse = createPreferences()) {
  const inbox = createFakeInbox({ status: 'ready' });
  inbox.preferences.get.mockImplementation(async () => answer);
  render(<InboxWidget inbox={inbox} {...options} />);
  fireEvent.click(document.querySelector('[part=bell]')!);
  return inbox;
}

async function openPreferences() {
  fireEvent.click(screen.getByRole('button', { name: 'Preferences' }));
  await settle();
}

const switchNamed = (name: string) => screen.getByRole('switch', { name }) as HTMLInputElement;

describe('Preferences', () => {
  afterEach(cleanup);

  describe('button', () => {
    it('sits in the header, named "Preferences"', () => {
      renderWidget();
      const button = screen.getByRole('button', { name: 'Preferences' });
      expect(button.closest('[part=header]')).not.toBeNull();
    });

    it('is left out with the preferences option false', () => {
      renderWidget({ preferences: false });
      expect(screen.getByRole('button', { name: 'Mark all as read' })).toBeTruthy();
      expect(screen.queryByRole('button', { name: 'Preferences' })).toBeNull();
    });
  });

  describe('view', () => {
    it('replaces the list, moves focus to "Back" and shows a skeleton while loading', async () => {
      const inbox = renderWidget();
      const answer = deferred<PreferencesResponse>();
      inbox.preferences.get.mockImplementation(() => answer.promise);
      fireEvent.click(screen.getByRole('button', { name: 'Preferences' }));
      // Hidden, not gone: the list keeps its place for the way back.
      expect(screen.getByText('No notifications yet').closest('[hidden]')).not.toBeNull();
      expect(screen.queryByRole('button', { name: 'Mark all as read' })).toBeNull();
      expect(screen.getByRole('heading', { name: 'Preferences' })).toBeTruthy();
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Back' }));
      const view = screen.getByRole('dialog').querySelector('[part=preferences]')!;
      expect(view.querySelector('[aria-busy=true] [aria-hidden=true] li')).not.toBeNull();
      expect(screen.queryAllByRole('switch')).toHaveLength(0);
      answer.resolve(createPreferences());
      await settle();
      expect(view.querySelector('[aria-busy]')).toBeNull();
      expect(inbox.preferences.get).toHaveBeenCalledOnce();
    });

    it('shows a switch per category and channel, "General" first, on unless switched off', async () => {
      renderWidget({}, createPreferences({ preferences: { comments: { email: false }, default: { sms: false } } }));
      await openPreferences();
      expect(screen.getAllByRole('rowheader').map((th) => th.textContent)).toEqual(['General', 'Comments']);
      expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['In-app', 'Email', 'SMS', 'Webhook']);
      const names = screen.getAllByRole('switch').map((input) => `${input.getAttribute('aria-label')}: ${(input as HTMLInputElement).checked ? 'on' : 'off'}`);
      expect(names).toEqual([
        'In-app for General: on',
        'Email for General: on',
        'SMS for General: off',
        'Webhook for General: on',
        'In-app for Comments: on',
        'Email for Comments: off',
        'SMS for Comments: on',
        'Webhook for Comments: on',
      ]);
      expect(switchNamed('Email for Comments').type).toBe('checkbox');
    });

    it('lists a category named "default" once, as "General"', async () => {
      renderWidget({}, createPreferences({ categories: [{ identifier: 'default', name: 'default' }, { identifier: 'orders', name: 'Orders' }] }));
      await openPreferences();
      expect(screen.getAllByRole('rowheader').map((th) => th.textContent)).toEqual(['General', 'Orders']);
    });

    it('takes category names as text, "$&" included', async () => {
      renderWidget({}, createPreferences({ categories: [{ identifier: 'deals', name: 'Deals $& <b>offers</b>' }] }));
      await openPreferences();
      expect(switchNamed('Email for Deals $& <b>offers</b>')).toBeTruthy();
      expect(screen.getByRole('rowheader', { name: 'Deals $& <b>offers</b>' }).children).toHaveLength(0);
    });

    it('speaks the widget language, channel names included', async () => {
      renderWidget({ locale: 'de' });
      fireEvent.click(screen.getByRole('button', { name: 'Einstellungen' }));
      await settle();
      expect(screen.getByRole('button', { name: 'Zurück' })).toBeTruthy();
      expect(switchNamed('E-Mail für Comments').checked).toBe(false);
      expect(screen.getAllByRole('rowheader')[0]!.textContent).toBe('Allgemein');
    });

    it('goes back to the list with "Back", focus on the preferences button', async () => {
      renderWidget();
      await openPreferences();
      fireEvent.click(screen.getByRole('button', { name: 'Back' }));
      expect(screen.getByText('No notifications yet').closest('[hidden]')).toBeNull();
      expect(screen.queryByRole('heading', { name: 'Preferences' })).toBeNull();
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Preferences' }));
    });

    it('comes back to the list where it was scrolled, with the same items rendered', async () => {
      const inbox = createFakeInbox({ status: 'ready', notifications: Array.from({ length: 100 }, () => createNotification()) });
      inbox.preferences.get.mockImplementation(async () => createPreferences());
      render(<InboxWidget inbox={inbox} />);
      fireEvent.click(document.querySelector('[part=bell]')!);
      const dialog = screen.getByRole('dialog');
      const scroller = dialog.querySelector<HTMLElement>('.body')!;
      const positions = () => [...dialog.querySelectorAll('li[part=item]')].map((li) => li.getAttribute('aria-posinset'));
      scroller.scrollTop = 30 * ESTIMATE;
      await act(() => void fireEvent.scroll(scroller));
      const shown = positions();
      expect(shown[0]).not.toBe('1');
      await openPreferences();
      fireEvent.click(screen.getByRole('button', { name: 'Back' }));
      expect(dialog.querySelector('.body')).toBe(scroller);
      expect(scroller.scrollTop).toBe(30 * ESTIMATE);
      expect(positions()).toEqual(shown);
    });

    it('keeps Tab in the preferences view, past the list hidden behind it', async () => {
      const inbox = createFakeInbox({ status: 'ready', notifications: [createNotification()] });
      inbox.preferences.get.mockImplementation(async () => createPreferences());
      render(<InboxWidget inbox={inbox} />);
      fireEvent.click(document.querySelector('[part=bell]')!);
      await openPreferences();
      const back = screen.getByRole('button', { name: 'Back' });
      expect(document.activeElement).toBe(back);
      fireEvent.keyDown(back, { key: 'Tab', shiftKey: true });
      expect(document.activeElement).toBe(switchNamed('Webhook for Comments'));
    });

    it('closes the popover on Escape, focus back on the bell, and opens on the list next time', async () => {
      renderWidget();
      await openPreferences();
      fireEvent.keyDown(switchNamed('Email for Comments'), { key: 'Escape' });
      expect(screen.queryByRole('dialog')).toBeNull();
      const bell = screen.getByRole('button', { name: /^Notifications/ });
      expect(document.activeElement).toBe(bell);
      fireEvent.click(bell);
      expect(screen.getByRole('button', { name: 'Mark all as read' })).toBeTruthy();
      expect(screen.queryByRole('heading', { name: 'Preferences' })).toBeNull();
    });
  });

  describe('toggling', () => {
    it('switches at once and saves just that switch', async () => {
      const inbox = renderWidget();
      await openPreferences();
      const saved = deferred<void>();
      inbox.preferences.set.mockImplementation(() => saved.promise);
      fireEvent.click(switchNamed('SMS for Comments'));
      expect(switchNamed('SMS for Comments').checked).toBe(false);
      expect(inbox.preferences.set).toHaveBeenCalledExactlyOnceWith({ comments: { sms: false } } satisfies Preferences);
      saved.resolve();
      await settle();
      expect(switchNamed('SMS for Comments').checked).toBe(false);
      expect(switchNamed('Email for Comments').checked).toBe(false);
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it('flips back with an alert when the service refuses, leaving other changes alone', async () => {
      const inbox = renderWidget();
      await openPreferences();
      const refused = deferred<void>();
      inbox.preferences.set.mockImplementationOnce(() => refused.promise);
      fireEvent.click(switchNamed('Email for Comments'));
      fireEvent.click(switchNamed('In-app for General'));
      expect(switchNamed('Email for Comments').checked).toBe(true);
      expect(inbox.preferences.set).toHaveBeenLastCalledWith({ default: { inApp: false } });
      refused.reject(new Error('refused'));
      await settle();
      expect(switchNamed('Email for Comments').checked).toBe(false);
      expect(switchNamed('In-app for General').checked).toBe(false);
      expect(screen.getByRole('alert').textContent).toBe('Something went wrong');
      // The next toggle clears the alert.
      fireEvent.click(switchNamed('In-app for General'));
      expect(screen.queryByRole('alert')).toBeNull();
    });
  });

  describe('loading error', () => {
    it('shows an alert with "Try again", which loads them again', async () => {
      const inbox = renderWidget();
      inbox.preferences.get.mockRejectedValueOnce(new Error('down'));
      await openPreferences();
      expect(screen.getByRole('alert').textContent).toBe('Something went wrong Try again');
      expect(screen.queryAllByRole('switch')).toHaveLength(0);
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
      await settle();
      expect(inbox.preferences.get).toHaveBeenCalledTimes(2);
      expect(screen.queryByRole('alert')).toBeNull();
      expect(switchNamed('Email for Comments').checked).toBe(false);
    });
  });
});
