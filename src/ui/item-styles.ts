// Styles of item avatars, actions and menus, and of the toast stack; appended to the widget's
// stylesheet (styles.ts), so they share its custom properties and themes.

/** CSS for the parts of items and toasts beyond the list's own. */
export const itemCss = `
.avatar{display:grid;place-items:center;background:var(--hover);color:var(--muted)}
.actions{display:flex;gap:8px;margin-top:8px}
.action{padding:4px 12px;border-radius:6px;background:var(--hover);color:inherit;text-decoration:none}
.action[data-style=primary]{background:var(--accent);color:var(--bg)}
.menu-wrap{position:relative}
.menu-button,.close,.icon-button{width:28px;height:28px;border-radius:6px;color:var(--muted)}
.menu-button:hover,.close:hover,.icon-button:hover,.menu button:hover,.menu button:focus{background:var(--hover)}
.menu,.toast{display:flex;padding:4px;background:var(--bg);border:1px solid var(--border);border-radius:8px;box-shadow:var(--_shadow)}
.menu{position:absolute;z-index:1;inset-inline-end:0;flex-direction:column;min-width:160px}
.menu[data-up]{bottom:100%}
.menu button{padding:6px 10px;text-align:start}
.toasts{position:fixed;z-index:var(--belfry-z-index,1000);bottom:16px;inset-inline-end:16px;display:grid;gap:8px;width:min(340px,calc(100vw - 32px))}
.toast .content{padding:8px}
`;
