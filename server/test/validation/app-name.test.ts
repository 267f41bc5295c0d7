import { describe, expect, it } from 'vitest';
import { checkAppName, MAX_APP_NAME_LENGTH } from '../../src/validation/index.ts';

describe('checkAppName()', () => {
  it('accepts 1–100 characters, counting an emoji as one', () => {
    for (const name of ['A', 'Acme Inc.', 'Zoë & Co', '🛎'.repeat(MAX_APP_NAME_LENGTH), 'x'.repeat(MAX_APP_NAME_LENGTH)]) expect(checkAppName(name), name).toBeNull();
  });

  it('refuses an empty or too long name', () => {
    expect(checkAppName('')).toBe('must be 1–100 characters');
    expect(checkAppName('x'.repeat(MAX_APP_NAME_LENGTH + 1))).toBe('must be 1–100 characters');
  });

  it('refuses control characters, C0 and C1', () => {
    for (const name of ['Acme\n', 'Ac\u0000me', 'Acme\u001b[31m', 'Acme\u0085']) expect(checkAppName(name), JSON.stringify(name)).toBe('must not contain control characters');
  });
});
