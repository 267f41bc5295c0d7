// The URL allow-list (design §6): https:, http:, mailto: or relative. Checked when a template
// renders a link, at the API when a notification is stored, and again before navigation.

/** True when `url` is https:, http:, mailto: or relative (no scheme at all). */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore these anywhere in a URL's scheme ("java\tscript:" runs), so strip them first.
  url = url.replace(/[\0-\x20\x7f-\x9f]/g, '');
  return !!url && (/^(https?|mailto):/i.test(url) || !/^[a-z][a-z\d+.-]*:/i.test(url));
}

/**
 * True for an image source: a URL `isSafeUrl` allows, or an inline `data:image/...` URL, which an
 * `<img>` shows without running anything (even SVG: images never run scripts).
 */
export const isSafeImageUrl = (url: string): boolean => isSafeUrl(url) || /^data:image\/[a-z\d.+-]+[;,]/i.test(url);
