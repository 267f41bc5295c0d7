// Styles of item avatars, actions and menus, and of the toast stack; appended to the widget's
// stylesheet (styles.ts), so they share its custom properties and themes.

/** CSS for the parts of items and toasts beyond the list's own. */
export const itemCss = `
.avatar{display:flex;align-items:center;justify-content:center;background:var(--hover);color:var(--muted);font-weight:600}
.actions{display:flex;gap:8px;margin-top:8px}
.action{display:inline-block;padding:4px 12px;border-radius:6px;border:1px solid var(--border);color:var(--fg);font-size:13px;text-decoration:none}
.action.primary{background:var(--accent);border-color:var(--accent);color:var(--bg)}
.action:hover{filter:brightness(.95)}
.menu-wrap{position:relative;flex:none}
.menu-button,.close{display:flex;align-items:center;justify-content:center;width:28px;height:28px;border-radius:6px;color:var(--muted)}
.menu-button:hover,.close:hover{background:var(--hover)}
.menu-button svg{width:16px;height:16px}
.menu{position:absolute;z-index:1;inset-inline-end:0;top:100%;min-width:160px;padding:4px;display:flex;flex-direction:column;background:var(--bg);border:1px solid var(--border);border-radius:8px;box-shadow:var(--_shadow)}
.menu button{padding:6px 10px;border-radius:4px;text-align:start}
.menu button:hover,.menu button:focus{background:var(--hover)}
.toasts{position:fixed;z-index:var(--belfry-z-index,1000);bottom:16px;inset-inline-end:16px;display:flex;flex-direction:column;gap:8px;width:min(340px,calc(100vw - 32px))}
.toast{display:flex;gap:8px;padding:12px;background:var(--bg);border:1px solid var(--border);border-radius:var(--radius);box-shadow:var(--_shadow)}
.toast .message{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
`;
