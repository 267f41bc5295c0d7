// The safe AST a template renders to. Text nodes carry plain text only; the UI turns each node
// into an element, so no value can ever become markup.

/** One node of a rendered template. */
export type TemplateNode =
  | { type: 'text'; value: string }
  | { type: 'strong'; children: TemplateNode[] }
  | { type: 'em'; children: TemplateNode[] }
  | { type: 'code'; value: string }
  | { type: 'link'; href: string; children: TemplateNode[] }
  | { type: 'br' };

/** The values a template may read: `<<recipient.x>>`, `<<data.x>>`, `<<app.x>>`. */
export interface TemplateContext {
  recipient?: Record<string, unknown>;
  data?: Record<string, unknown>;
  app?: Record<string, unknown>;
  /** BCP 47 locale for filters that format (`number`, `date`). */
  locale?: string;
  /** IANA time zone for `date`. */
  timeZone?: string;
  /** Clock for `date: "relative"`; defaults to `Date.now`. */
  now?: () => number;
}
