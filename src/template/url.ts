// The URL allow-list (design §6): https:, http:, mailto: or relative. Checked when a template
// renders a link, at the API when a notification is stored, and again before navigation.

const ALLOWED_SCHEMES = new Set(['https:', 'http:', 'mailto:']);
// Browsers ignore these anywhere in a URL's scheme ("java\tscript:" runs), so strip them first.
const IGNORED = /[\u0000-\u0020\u007f-\u009f]/g;

/** True when `url` is https:, http:, mailto: or relative (no scheme at all). */
export function isSafeUrl(url: string): boolean {
  const cleaned = url.replace(IGNORED, '');
  if (cleaned.length === 0) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  if (!scheme) return true;
  return ALLOWED_SCHEMES.has(scheme[1]!.toLowerCase() + ':');
}
