// The UI options items read without every component between the widget and them passing them on.
import { createContext } from 'preact';
import type { InboxUIOptions } from './types.ts';

/** The widget's options, provided by `InboxWidget` to the items of its list. */
export const ItemOptions = createContext<InboxUIOptions>({});
