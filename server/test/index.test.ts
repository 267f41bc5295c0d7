import { describe, expect, it } from 'vitest';
import * as entry from '../src/index.ts';

describe('belfry-server', () => {
  describe('index', () => {
    it('exports exactly the public names', () => {
      expect(Object.keys(entry).sort()).toEqual(
        [
          'DEFAULT_DATABASE_URL',
          'DEFAULT_HOST',
          'DEFAULT_PORT',
          'HttpError',
          'MAX_REPLAY_EVENTS',
          'SCHEMA_VERSION',
          'createApp',
          'createHub',
          'createMemoryBus',
          'createServer',
          'main',
          'mergeAttributes',
          'openSqliteStorage',
          'openStorage',
          'userTopic',
          'createRedisBus',
          'openBus',
          'openPostgresStorage',
          'createMetrics',
          'createJsonLog',
          'verifyUserToken',
          'signWebhook',
          'webhookSecret',
          'HEADER_WEBHOOK_SIGNATURE',
        ].sort(),
      );
    });
  });
});
