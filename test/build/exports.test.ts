// Pins the public names of every package entry as built, so a change to the public API is a
// deliberate edit here. Importing them in Node also proves no entry touches a browser global at
// import time (safe for server-side rendering).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

const ENTRIES: Record<string, string[]> = {
  'belfry.js': ['InboxError', 'createInbox'],
  'ui.js': ['mountInbox'],
  'element.js': ['BelfryInboxElement', 'defineInboxElement', 'render'],
  'node.js': ['BelfryApiError', 'createClient'],
  'template.js': ['checkTemplate', 'formatDate', 'isSafeImageUrl', 'isSafeUrl', 'renderTemplate', 'renderText'],
  'protocol.js': [
    'CHANNEL_NAMES',
    'ERROR_CODES',
    'EVENT_TYPES',
    'HEADER_API_KEY',
    'HEADER_API_SECRET',
    'HEADER_IDEMPOTENCY_KEY',
    'HEADER_LAST_EVENT_ID',
    'HEADER_USER_ID',
    'HEARTBEAT_INTERVAL_MS',
    'MAX_ATTRIBUTES',
    'MAX_ATTRIBUTE_SIZE',
    'MAX_IDENTIFIER_LENGTH',
    'checkAttributes',
    'checkEmail',
    'checkIdentifier',
    'checkPhoneNumber',
    'encodeSseFrame',
    'isPlainObject',
  ],
};

describe('package entries', () => {
  it.each(Object.entries(ENTRIES))('%s exports exactly its public names and imports in Node', async (file, names) => {
    const path = dist + file;
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does this)`);
    const mod = (await import(path)) as Record<string, unknown>;
    expect(Object.keys(mod).sort()).toEqual([...names].sort());
  });

  it('ships a .d.ts for every entry', () => {
    for (const entry of ['core', 'ui', 'element', 'node', 'protocol', 'template']) {
      expect(existsSync(`${dist}types/${entry}/index.d.ts`), entry).toBe(true);
    }
  });
});
