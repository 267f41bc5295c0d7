// The app's display name, which templates read as `<<app.name>>`: set by the operator
// (`createServer({ appName })`, `--app-name`, `BELFRY_APP_NAME`), checked once at startup.

/** Longest accepted app name, in characters. */
export const MAX_APP_NAME_LENGTH = 100;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** Checks an app name: 1–100 characters, no control characters; null when it is fine, else what is wrong. */
export function checkAppName(value: string): string | null {
  // Characters as JSON Schema's maxLength counts them: code points, so an emoji is one.
  const length = [...value].length;
  if (length === 0 || length > MAX_APP_NAME_LENGTH) return `must be 1–${MAX_APP_NAME_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return 'must not contain control characters';
  return null;
}
