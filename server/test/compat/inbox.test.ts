import { describe, expect, it } from 'vitest';
import { parseCompatId, toCompatId } from '../../src/compat/inbox.ts';

describe('compat notification ids', () => {
  describe('.toCompatId()', () => {
    it('round-trips the notification id and the owner, whatever characters the identifier has', () => {
      for (const identifier of ['ada', 'user:42', 'a.b.c', 'Zoë 🐙', 'x/y?z=1#']) {
        const id = toCompatId('ntf_AbC-_9', identifier);
        expect(id).toMatch(/^[\w.-]+$/);
        expect(parseCompatId(id)).toEqual({ notificationId: 'ntf_AbC-_9', identifier });
      }
    });
  });

  describe('.parseCompatId()', () => {
    it('answers null for ids this API did not make', () => {
      const id = toCompatId('ntf_1', 'ada');
      for (const bad of ['ntf_1', '', '.YWRh', 'ntf_1.', `${id}x`, 'ntf_1.!!!']) expect(parseCompatId(bad), bad).toBeNull();
    });
  });
});
