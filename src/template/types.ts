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
  /** The user's attributes. */
  recipient?: Record<string, unknown>;
  /** The trigger's data. */
  data?: Record<string, unknown>;
  /** What the app says about itself, such as `{ name: 'Acme' }`. */
  app?: Record<string, unknown>;
  /** BCP 47 locale for filters that format (`number`, `date`, `upper`, ...). */
  locale?: string;
  /** IANA time zone for `date`. */
  timeZone?: string;
  /** Clock for `date: "relative"`; defaults to `Date.now`. */
  now?: () => number;
}

/** A filter argument: a quoted text or a number; `undefined` when the filter has none. */
export type FilterArg = string | number | undefined;

/** A syntax problem in a template source, at a character offset. */
export interface TemplateProblem {
  offset: number;
  message: string;
}
