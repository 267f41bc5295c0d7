// The widget's only stylesheet. It is adopted by the shadow root as a constructable stylesheet, so
// a strict CSP (`style-src 'self'`) passes: no <style> element, no style attributes anywhere.
//
// Theming: every colour is read through a public `--belfry-*` custom property that the host page
// may set on the element (custom properties inherit into shadow trees); the fallback is the
// theme's own value. Light is the default, `data-theme="dark"` forces dark, and
// `data-theme="auto"` follows `prefers-color-scheme`.
//
// Layout uses logical properties only (inset-inline-end, text-align:start, ...), so `dir="rtl"` on
// the root mirrors it without a second stylesheet. Every text colour meets WCAG AA (4.5:1) on the
// backgrounds it appears on, in both themes; the dark badge keeps the light one's red for that.
//
// The panel is contained (`contain: content`: layout, paint, style): what the list renders and
// lays out while it scrolls or opens stays inside the panel's box, so it never dirties the host
// page's layout or paint. It already clips its content (overflow: hidden) and holds nothing
// positioned against the page, so containment changes nothing visible. Items are not contained:
// that would make each a stacking context, and an item's menu must overlap the items below it.
//
// The closed popover's panel is rendered ahead of its opening with the \`hidden\` attribute, which
// the panel's own display overrides: it is kept laid out but invisible (so neither focusable nor in
// the accessibility tree), and fixed, out of the viewport, so it adds no scrollable overflow to the
// page. Opening it changes neither its size nor its contents' layout. The list's view (header,
// tabs, list) is \`display: contents\` so its children stay the panel's flex items, and \`hidden\`
// (display: none) while the preferences view shows.

import { itemCss } from './item-styles.ts';
import { preferencesCss } from './preferences-styles.ts';

const LIGHT = '--_bg:#fff;--_fg:#1b1d22;--_muted:#5f6672;--_border:#e3e5e9;--_hover:#f4f5f7;--_unread-bg:#f3f6ff;--_accent:#2f5bea;--_badge:#d92d20;--_badge-fg:#fff;--_error:#c4281c;--_shadow:0 8px 28px rgba(16,24,40,.18);color-scheme:light';
const DARK = '--_bg:#1d1f24;--_fg:#eceef2;--_muted:#a3a9b5;--_border:#33363e;--_hover:#272a31;--_unread-bg:#222a3d;--_accent:#7b9bff;--_badge:#d92d20;--_badge-fg:#fff;--_error:#ff8a80;--_shadow:0 8px 28px rgba(0,0,0,.5);color-scheme:dark';

/** The widget's CSS: one string, scoped by the shadow root it is adopted into. */
export const css = `
:host{display:contents}
.belfry{${LIGHT};
--bg:var(--belfry-bg,var(--_bg));--fg:var(--belfry-fg,var(--_fg));--muted:var(--belfry-muted,var(--_muted));
--border:var(--belfry-border,var(--_border));--hover:var(--belfry-hover,var(--_hover));
--unread-bg:var(--belfry-unread-bg,var(--_unread-bg));--accent:var(--belfry-accent,var(--_accent));
--badge:var(--belfry-badge,var(--_badge));--badge-fg:var(--belfry-badge-fg,var(--_badge-fg));
--radius:var(--belfry-radius,10px);--font:var(--belfry-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
font:14px/1.4 var(--font);color:var(--fg);position:relative;display:inline-block;text-align:start}
.belfry[data-theme=dark]{${DARK}}
@media (prefers-color-scheme:dark){.belfry[data-theme=auto]{${DARK}}}
.belfry[data-mode=inline]{display:block}
*{box-sizing:border-box}
button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer}
button:focus-visible,a:focus-visible,input:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.panel:focus{outline:none}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.bell{position:relative;display:inline-flex;align-items:center;justify-content:center;width:40px;height:40px;border-radius:50%;color:var(--belfry-bell-color,currentColor)}
.bell:hover{background:var(--hover)}
.bell svg{width:22px;height:22px}
.badge{position:absolute;top:2px;inset-inline-end:0;min-width:18px;height:18px;padding:0 5px;border-radius:9px;background:var(--badge);color:var(--badge-fg);font-size:11px;font-weight:600;line-height:18px;text-align:center}
.panel{display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border:1px solid var(--border);border-radius:var(--radius);overflow:hidden;contain:content}
.belfry[data-mode=popover] .panel{position:absolute;z-index:var(--belfry-z-index,1000);top:calc(100% + 8px);inset-inline-end:0;width:min(380px,calc(100vw - 16px));max-height:min(560px,80vh);box-shadow:var(--_shadow)}
.belfry[data-mode=popover] .panel[data-up]{top:auto;bottom:calc(100% + 8px)}
.belfry[data-mode=popover] .panel[hidden]{position:fixed;visibility:hidden}
.view:not([hidden]){display:contents}
.belfry[data-placement$=start] .panel{inset-inline:0 auto}
@media (max-width:480px){.belfry[data-mode=popover] .panel{position:fixed;top:56px;inset-inline:8px;width:auto}}
.header{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 16px;border-bottom:1px solid var(--border)}
.title{flex:1;margin:0;font-size:16px;font-weight:600}
.mark-all{display:inline-flex;align-items:center;gap:4px;color:var(--accent);font-size:13px;border-radius:6px;padding:4px 6px}
.mark-all:hover{background:var(--hover)}
.mark-all:disabled{color:var(--muted);cursor:default;background:none}
.mark-all svg{width:16px;height:16px}
.tabs{display:flex;gap:4px;padding:6px 12px 0;overflow-x:auto;border-bottom:1px solid var(--border)}
.tab{flex:none;padding:6px 8px;border-bottom:2px solid transparent;color:var(--muted);white-space:nowrap}
.tab:hover{color:var(--fg)}
.tab[aria-selected=true]{color:var(--accent);border-color:currentColor}
.count{display:inline-block;min-width:18px;padding:0 5px;border-radius:9px;background:var(--hover);font-size:12px;text-align:center}
.feed{display:flex;flex-direction:column;flex:1;min-height:0}
.body{position:relative;overflow-y:auto;overscroll-behavior:contain;overflow-anchor:none;flex:1}
.belfry[data-mode=inline] .body{max-height:var(--belfry-list-max-height,70vh)}
.note{margin:0;padding:8px 16px;font-size:13px;border-bottom:1px solid var(--border);color:var(--muted)}
.note.error{color:var(--belfry-error,var(--_error))}
.state{margin:0;padding:40px 16px;text-align:center;color:var(--muted)}
.list{list-style:none;margin:0;padding:0}
.item{position:relative;display:flex;gap:12px;padding:12px 16px;border-bottom:1px solid var(--border);cursor:pointer}
.item:hover{background:var(--hover)}
.item.unread{background:var(--unread-bg)}
.icon{width:36px;height:36px;border-radius:50%;flex:none;object-fit:cover}
.content{flex:1;min-width:0}
.primary{display:block;width:100%;text-align:start;color:inherit;text-decoration:none;font-weight:600;overflow-wrap:anywhere}
.message{margin-top:2px;color:var(--fg);overflow-wrap:anywhere}
.message a{color:var(--accent)}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--hover);padding:1px 4px;border-radius:4px}
.time{display:block;margin-top:4px;font-size:12px;color:var(--muted)}
.dot{flex:none;width:8px;height:8px;margin-top:6px;border-radius:50%;background:var(--accent)}
.more{margin:0;padding:12px 16px;text-align:center;color:var(--muted)}
.more button{color:var(--accent)}
@media (prefers-reduced-motion:no-preference){.bell,.item,.mark-all{transition:background-color .15s}.skeleton{animation:pulse 1s infinite alternate}}
`;

const sheets = new WeakMap<typeof CSSStyleSheet, CSSStyleSheet>();

/**
 * Adopts the widget's stylesheet into `root` and returns a function that removes it again.
 * Browsers without constructable stylesheets get an unstyled (but working) widget.
 */
export function adoptStyles(root: ShadowRoot): () => void {
  const Sheet = root.ownerDocument.defaultView?.CSSStyleSheet;
  if (!Sheet || !('adoptedStyleSheets' in root) || typeof Sheet.prototype.replaceSync !== 'function') return () => {};
  // Construct in the root's own window: a sheet from another document may not be adopted. One
  // sheet per window, shared by every widget in it: parsing the CSS is a real part of the cost
  // of mounting one.
  let sheet = sheets.get(Sheet);
  if (!sheet) {
    sheet = new Sheet();
    sheet.replaceSync(css + itemCss + preferencesCss);
    sheets.set(Sheet, sheet);
  }
  const adopted = sheet;
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, adopted];
  return () => {
    root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== adopted);
  };
}
