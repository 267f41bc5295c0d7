// The feed's tabs (WAI-ARIA tabs pattern, https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): All,
// Unread, Archived, then the host's categories, each with its count; the list is the tab panel.
// Selection follows focus (the arrow keys, Home and End), so one Tab key press leaves the row.
import type { ComponentChildren } from 'preact';
import { signal } from '@preact/signals-core';
import { useContext, useId, useMemo } from 'preact/hooks';
import type { FeedFilter, Inbox } from '../core/index.ts';
import { fireAndForget } from './fire-and-forget.ts';
import { isRtl, useI18n } from './i18n.ts';
import { ItemOptions } from './item-options.ts';
import { useValue } from './use-value.ts';

/** Props of `FeedTabs`. */
export interface FeedTabsProps {
  inbox: Inbox;
  /** While hidden (the closed popover's panel) the counts the service knows are not read: each read is a request. */
  hidden?: boolean | undefined;
  /** The list, shown as the selected tab's panel. */
  children: ComponentChildren;
}

/** The tab row and the list as its panel; only the list when the `feedTabs` option is false. */
export function FeedTabs(props: FeedTabsProps) {
  return useContext(ItemOptions).feedTabs === false ? <>{props.children}</> : <TabRow {...props} />;
}

function TabRow({ inbox, hidden, children }: FeedTabsProps) {
  const { categories = [] } = useContext(ItemOptions);
  const { t, n, locale } = useI18n();
  const id = useId();
  const ids = categories.map((c) => c.id);
  const tabCounts = useValue(useMemo(() => (hidden ? signal(null) : inbox.tabCounts(ids)), [inbox, ids.join('\n'), hidden]));
  const unread = useValue(inbox.counts).unread;
  const filter = useValue(inbox.filter);
  const list: [FeedFilter, string, number | undefined][] = [
    [{}, t.tabAll, unread],
    [{ status: 'unread' }, t.tabUnread, unread],
    [{ status: 'archived' }, t.tabArchived, tabCounts?.archived],
    ...categories.map((c): [FeedFilter, string, number | undefined] => [{ category: c.id }, c.label, tabCounts?.categories[c.id]]),
  ];
  const selected = Math.max(0, list.findIndex(([f]) => f.status === filter.status && f.category === filter.category));
  const select = (i: number) => fireAndForget(() => inbox.setFilter(list[i]![0]));
  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    const last = list.length - 1;
    const to = step ? (selected + (isRtl(locale) ? -step : step) + list.length) % list.length : event.key === 'Home' ? 0 : event.key === 'End' ? last : -1;
    if (to < 0) return;
    event.preventDefault();
    select(to);
    ((event.currentTarget as HTMLElement).children[to] as HTMLElement).focus();
  };
  return (
    <>
      <div class="tabs" part="tabs" role="tablist" onKeyDown={onKeyDown}>
        {list.map(([, label, count], i) => (
          <button
            type="button"
            class="tab"
            part="tab"
            role="tab"
            id={id + i}
            aria-selected={i === selected}
            aria-controls={id}
            tabIndex={i === selected ? 0 : -1}
            onClick={() => select(i)}
          >
            {label}
            {/* The space keeps the name readable ("Unread 3"); a count of 0 is not shown. */}
            {count ? <> <span class="count">{n(count)}</span></> : null}
          </button>
        ))}
      </div>
      <div class="feed" role="tabpanel" id={id} aria-labelledby={id + selected}>
        {children}
      </div>
    </>
  );
}
