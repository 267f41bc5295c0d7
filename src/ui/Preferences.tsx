// The preferences view: the user's category × channel switches, shown in the panel instead of the
// list. Reads them from the service when it opens; a toggle shows at once and is saved in the
// background, and flips back with an alert if the service refuses it.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import { CHANNEL_NAMES } from '../protocol/index.ts';
import type { ChannelName, PreferencesResponse } from '../protocol/index.ts';
import { useI18n } from './i18n.ts';
import { BackIcon, SlidersIcon } from './icons.tsx';
import { Skeleton } from './Skeleton.tsx';

// What the service applies to notifications without a category (design: "the category `default`").
const DEFAULT_CATEGORY = 'default';

/** Props of `PreferencesButton`. */
export interface PreferencesButtonProps {
  onClick: () => void;
  /** Takes focus when it turns true: the user just came back from the preferences view. */
  focus: boolean;
}

/** The header's button that opens the preferences view. */
export function PreferencesButton({ onClick, focus }: PreferencesButtonProps) {
  const { t } = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => void (focus && button.current!.focus()), [focus]);
  return (
    <button ref={button} type="button" class="icon-button" aria-label={t.preferences} onClick={onClick}>
      <SlidersIcon />
    </button>
  );
}

/** Props of `Preferences`. */
export interface PreferencesProps {
  inbox: Inbox;
  /** Returns to the list. */
  onBack: () => void;
}

/** A header with a back button, then a table of switches named like "Email for Comments". */
export function Preferences({ inbox, onBack }: PreferencesProps) {
  const { t } = useI18n();
  const back = useRef<HTMLButtonElement>(null);
  const [data, setData] = useState<PreferencesResponse | null>(null);
  // 0: fine, 1: loading them failed (with a retry button), 2: the last save failed.
  const [failed, setFailed] = useState(0);
  const load = () => {
    setFailed(0);
    inbox.preferences.get().then(setData, () => setFailed(1));
  };
  useEffect(load, [inbox]);
  // Focus moves with the view: the button that opened it is gone.
  useLayoutEffect(() => back.current!.focus(), []);

  // Writes one switch through a state updater, so a rollback touches only its own switch, not
  // others toggled while the save was on its way.
  const write = (category: string, channel: ChannelName, on: boolean) =>
    setData((was) => was && { ...was, preferences: { ...was.preferences, [category]: { ...was.preferences[category], [channel]: on } } });
  const toggle = (category: string, channel: ChannelName, on: boolean) => {
    setFailed(0);
    write(category, channel, on);
    inbox.preferences.set({ [category]: { [channel]: on } }).catch(() => {
      write(category, channel, !on);
      setFailed(2);
    });
  };

  const rows = data && [{ identifier: DEFAULT_CATEGORY, name: t.general }, ...data.categories.filter((c) => c.identifier !== DEFAULT_CATEGORY)];
  return (
    <>
      <div class="header" part="header">
        <button ref={back} type="button" class="icon-button back" aria-label={t.back} onClick={onBack}>
          <BackIcon />
        </button>
        <h2 class="title">{t.preferences}</h2>
      </div>
      <div class="body" part="preferences">
        {failed > 1 && (
          <p class="note error" role="alert">
            {t.error}
          </p>
        )}
        {rows ? (
          <table class="prefs">
            <tr>
              <td />
              {CHANNEL_NAMES.map((channel) => (
                <th key={channel} scope="col">
                  {t[channel]}
                </th>
              ))}
            </tr>
            {rows.map(({ identifier, name }) => (
              <tr key={identifier}>
                <th scope="row">{name}</th>
                {CHANNEL_NAMES.map((channel) => (
                  <td key={channel}>
                    <input
                      type="checkbox"
                      role="switch"
                      checked={data.preferences[identifier]?.[channel] !== false}
                      // Functions, so a `$&` in a name is not read as a replacement pattern.
                      aria-label={t.channelFor.replace('{c}', () => t[channel]).replace('{n}', () => name)}
                      onChange={(event) => toggle(identifier, channel, event.currentTarget.checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </table>
        ) : failed ? (
          <p class="more" role="alert">
            {t.error}{' '}
            <button type="button" onClick={load}>
              {t.retry}
            </button>
          </p>
        ) : (
          <Skeleton />
        )}
      </div>
    </>
  );
}
