import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { InboxWidget } from '../../src/ui/InboxWidget.tsx';
import type { InboxUIOptions } from '../../src/ui/index.ts';
import { createFakeInbox, createNotification } from './fixtures.ts';
import type { FakeInboxState } from './fixtures.ts';

const CATEGORIES = [
  { id: 'billing', label: 'Billing' },
  { id: 'social', label: 'Social' },
];

function renderInline(state: FakeInboxState = {}, options: InboxUIOptions = {}) {
  const inbox = createFakeInbox({ counts: { unseen: 0, unread: 3 }, tabCounts: { counts: { unseen: 0, unread: 3 }, archived: 12, categories: { billing: 2, social: 0 }, seq: 4 }, ...state });
  const result = render(<InboxWidget inbox={inbox} mode="inline" categories={CATEGORIES} {...options} />);
  return { inbox, ...result };
}

const tabs = () => screen.getAllByRole('tab');
const names = () => tabs().map((tab) => tab.textContent);
const selected = () => tabs().filter((tab) => tab.getAttribute('aria-selected') === 'true').map((tab) => tab.textContent);

describe('FeedTabs', () => {
  afterEach(cleanup);

  it('shows All, Unread, Archived and the categories, each with its count, and hides a count of 0', () => {
    const { inbox } = renderInline();
    expect(names()).toEqual(['All 3', 'Unread 3', 'Archived 12', 'Billing 2', 'Social']);
    expect(inbox.tabCounts).toHaveBeenCalledWith(['billing', 'social']);
    expect(screen.getByRole('tablist').getAttribute('part')).toBe('tabs');
    expect(tabs().every((tab) => tab.getAttribute('part') === 'tab')).toBe(true);
  });

  it('makes the list the panel of the selected tab', () => {
    renderInline({ notifications: [createNotification({ title: 'Hello' })] });
    const panel = screen.getByRole('tabpanel');
    expect(panel.getAttribute('aria-labelledby')).toBe(tabs()[0]!.id);
    expect(tabs().every((tab) => tab.getAttribute('aria-controls') === panel.id)).toBe(true);
    expect(panel.textContent).toContain('Hello');
  });

  it('shows the filter of a clicked tab and selects it', async () => {
    const { inbox } = renderInline();
    await act(() => void fireEvent.click(tabs()[3]!));
    expect(inbox.setFilter).toHaveBeenLastCalledWith({ category: 'billing' });
    expect(selected()).toEqual(['Billing 2']);
    expect(tabs().map((tab) => tab.tabIndex)).toEqual([-1, -1, -1, 0, -1]);
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(tabs()[3]!.id);
  });

  it('moves focus and selection with the arrow keys (wrapping), Home and End', async () => {
    const { inbox } = renderInline();
    tabs()[0]!.focus();
    await act(() => void fireEvent.keyDown(tabs()[0]!, { key: 'ArrowLeft' }));
    expect(document.activeElement).toBe(tabs()[4]);
    expect(inbox.setFilter).toHaveBeenLastCalledWith({ category: 'social' });
    await act(() => void fireEvent.keyDown(tabs()[4]!, { key: 'Home' }));
    await act(() => void fireEvent.keyDown(tabs()[0]!, { key: 'ArrowRight' }));
    expect(document.activeElement).toBe(tabs()[1]);
    expect(inbox.setFilter).toHaveBeenLastCalledWith({ status: 'unread' });
    expect(selected()).toEqual(['Unread 3']);
    await act(() => void fireEvent.keyDown(tabs()[1]!, { key: 'End' }));
    expect(selected()).toEqual(['Social']);
  });

  it('swaps the arrow keys right to left', async () => {
    const { inbox } = renderInline({}, { locale: 'ar' });
    tabs()[0]!.focus();
    await act(() => void fireEvent.keyDown(tabs()[0]!, { key: 'ArrowLeft' }));
    expect(inbox.setFilter).toHaveBeenLastCalledWith({ status: 'unread' });
    const n = new Intl.NumberFormat('ar').format;
    expect(names().slice(0, 3)).toEqual([`الكل ${n(3)}`, `غير المقروءة ${n(3)}`, `المؤرشفة ${n(12)}`]);
  });

  it('updates the counts as the inbox reports them', async () => {
    const { inbox } = renderInline();
    await act(() => {
      inbox.counts.value = { unseen: 1, unread: 4 };
      inbox.tabCounts([]).value = { counts: { unseen: 1, unread: 4 }, archived: 11, categories: { billing: 3, social: 1 }, seq: 6 };
    });
    expect(names()).toEqual(['All 4', 'Unread 4', 'Archived 11', 'Billing 3', 'Social 1']);
  });

  it('shows no tab row, and reads no tab counts, with feedTabs: false', () => {
    const { inbox } = renderInline({}, { feedTabs: false });
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(screen.queryByRole('tabpanel')).toBeNull();
    expect(inbox.tabCounts).not.toHaveBeenCalled();
  });
});
