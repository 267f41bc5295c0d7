// The "Widget" form: reads the chosen options and applies them to a <belfry-inbox> element, live.
// Theme, language, mode, toasts and the title count are the element's attributes; tabs, categories
// and the preferences button go through its `options` property, with the user token callback.

/** The options the form currently shows. */
export function readControls(form) {
  const fields = form.elements;
  return {
    theme: fields.theme.value,
    locale: fields.locale.value,
    mode: fields.mode.value,
    secure: fields.secure.value,
    feedTabs: fields.tabs.checked,
    preferences: fields.preferences.checked,
    toasts: fields.toasts.checked,
    titleCount: fields.titleCount.checked,
  };
}

/**
 * Applies the presentation options to `element`. `extra` (the categories, and in secure mode
 * `getUserToken`) must keep its identities from call to call: the element starts a new inbox when
 * an option it passes to the inbox changes.
 */
export function applyControls(element, controls, extra) {
  element.setAttribute('theme', controls.theme);
  element.setAttribute('locale', controls.locale);
  element.setAttribute('mode', controls.mode);
  // Boolean attributes: "false" turns a feature off as surely as a missing attribute.
  element.setAttribute('toasts', String(controls.toasts));
  element.setAttribute('title-count', String(controls.titleCount));
  element.options = { ...extra, feedTabs: controls.feedTabs, preferences: controls.preferences };
}

/**
 * Calls `onPresentation` when an option of the running widget changes and `onIdentity` when the
 * change needs another inbox (secure mode on or off).
 */
export function watchControls(form, { onPresentation, onIdentity }) {
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', (event) => (event.target.name === 'secure' ? onIdentity() : onPresentation()));
}
