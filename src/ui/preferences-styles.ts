// Styles of the preferences view and the loading skeleton (the icon buttons share item-styles.ts's); appended to the
// widget's stylesheet (styles.ts), so they share its custom properties and themes.

/**
 * CSS for the preferences view and the skeleton. The switches are checkboxes drawn by their
 * background alone (a knob gradient that slides to the end when checked), as pseudo-elements on
 * inputs are not rendered everywhere. The skeleton's pulse is started in styles.ts, inside the
 * query that keeps all motion from users who ask for less.
 */
export const preferencesCss = `
.icon-button{display:grid;place-items:center}
.icon-button svg{width:18px;height:18px}
[dir=rtl] .back svg{scale:-1 1}
.prefs{width:100%;border-collapse:collapse;font-size:13px}
.prefs th,.prefs td{padding:8px 4px;font-weight:400;color:var(--muted)}
.prefs th[scope=row]{padding-inline-start:16px;text-align:start;color:var(--fg);overflow-wrap:anywhere}
.prefs tr+tr{border-top:1px solid var(--border)}
.prefs input{appearance:none;display:block;margin:auto;width:40px;height:24px;border-radius:12px;cursor:pointer;background:radial-gradient(circle,#fff 8px,#0000 9px) 0/24px no-repeat var(--muted)}
.prefs input:checked{background-position:100%;background-color:var(--accent)}
.skeleton li{display:grid;grid-template-columns:36px 1fr;gap:8px 12px;padding:12px 16px;border-bottom:1px solid var(--border)}
.skeleton .icon{grid-row:span 2}
.skeleton i,.skeleton b{background:var(--border)}
.skeleton b{height:10px;border-radius:5px}
.skeleton b+b{width:60%}
@keyframes pulse{to{opacity:.4}}
`;
