import { describe, expect, it } from 'vitest';
import { checkAttributes, checkEmail, checkIdentifier, checkPhoneNumber, encodeSseFrame } from '../../src/protocol/index.ts';

describe('protocol validators', () => {
  describe('checkIdentifier()', () => {
    it.each(['ada', 'user@example.com', '+16020000000', 'ü'.repeat(256)])('accepts %j', (id) => {
      expect(checkIdentifier(id)).toBeNull();
    });
    it.each([['', 'empty'], ['x'.repeat(257), 'too long'], ['a\nb', 'newline'], ['a\u0000', 'NUL'], ['\u0085', 'C1 control']])(
      'rejects %j (%s)',
      (id) => {
        expect(checkIdentifier(id)).toEqual(expect.any(String));
      },
    );
    it('rejects non-strings', () => {
      expect(checkIdentifier(42)).toBe('must be a string');
    });
  });

  describe('checkEmail() and checkPhoneNumber()', () => {
    it('accepts an address and an E.164 number', () => {
      expect(checkEmail('ada@example.com')).toBeNull();
      expect(checkPhoneNumber('+16020000000')).toBeNull();
    });
    it.each(['ada', 'a@b', 'a b@c.d', '@example.com'])('rejects the email %j', (value) => {
      expect(checkEmail(value)).not.toBeNull();
    });
    it.each(['6020000000', '+0123456789', '+1 602 000 0000', '+1234', '+1234567890123456'])('rejects the phone %j', (value) => {
      expect(checkPhoneNumber(value)).not.toBeNull();
    });
  });

  describe('checkAttributes()', () => {
    it('accepts JSON values and null removals', () => {
      expect(checkAttributes({ firstName: 'Ada', age: 36, tags: ['a'], email: null })).toBeNull();
    });
    it('names the field that is wrong', () => {
      expect(checkAttributes({ firstName: 'Ada', phoneNumber: '12' })).toMatchObject({ field: 'phoneNumber' });
      expect(checkAttributes({ email: 'nope' })).toMatchObject({ field: 'email' });
      expect(checkAttributes({ big: 'x'.repeat(5000) })).toMatchObject({ field: 'big' });
    });
    it('rejects arrays and too many attributes', () => {
      expect(checkAttributes(['a'])).toMatchObject({ field: 'attributes' });
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
      expect(checkAttributes(many)).toMatchObject({ field: 'attributes' });
    });
  });
});

describe('encodeSseFrame()', () => {
  it('writes id, event and one data line', () => {
    const frame = encodeSseFrame({ type: 'heartbeat', seq: 7 });
    expect(frame).toBe('id: 7\nevent: heartbeat\ndata: {"type":"heartbeat","seq":7}\n\n');
  });
  it('keeps a newline inside a value on the single data line', () => {
    const frame = encodeSseFrame({ type: 'notification.deleted', seq: 2, id: 'a\nb', counts: { unseen: 0, unread: 0 } });
    expect(frame.split('\n').filter((line) => line.startsWith('data: '))).toHaveLength(1);
  });
});
