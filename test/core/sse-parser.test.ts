import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../src/core/sse-parser.ts';

/** Feeds `chunks` one by one and collects every message. */
const parseAll = (...chunks: string[]) => {
  const parser = createSseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
};

describe('createSseParser', () => {
  describe('.push()', () => {
    it('parses id, event and data fields into one message per blank line', () => {
      expect(parseAll('id: 7\nevent: heartbeat\ndata: {"seq":7}\n\nid: 8\ndata: x\n\n')).toEqual([
        { id: '7', event: 'heartbeat', data: '{"seq":7}' },
        { id: '8', event: 'message', data: 'x' },
      ]);
    });

    it('joins multi-line data with newlines', () => {
      expect(parseAll('data: a\ndata:b\ndata:  c\n\n')).toEqual([{ id: '', event: 'message', data: 'a\nb\n c' }]);
    });

    it('ignores comments and unknown fields', () => {
      expect(parseAll(': keep-alive\n\nfoo: bar\ndata: x\n: note\n\n')).toEqual([{ id: '', event: 'message', data: 'x' }]);
    });

    it('dispatches nothing for a frame without data', () => {
      expect(parseAll('event: ping\n\ndata: y\n\n')).toEqual([{ id: '', event: 'message', data: 'y' }]);
    });

    it('accepts CRLF and CR line endings', () => {
      expect(parseAll('id: 1\r\ndata: a\r\n\r\nid: 2\rdata: b\r\r')).toEqual([
        { id: '1', event: 'message', data: 'a' },
        { id: '2', event: 'message', data: 'b' },
      ]);
    });

    it('gives the same messages however the text is split', () => {
      const text = '\uFEFFid: 3\r\nevent: notification.created\r\ndata: {"a":1}\r\ndata: {"b":2}\r\n\r\n: c\nid: 4\ndata: z\n\n';
      const whole = parseAll(text);
      expect(whole).toHaveLength(2);
      for (let i = 0; i <= text.length; i++) expect(parseAll(text.slice(0, i), text.slice(i))).toEqual(whole);
      expect(parseAll(...text.split(''))).toEqual(whole);
    });

    it('treats a CR at the end of one chunk and an LF at the start of the next as one line ending', () => {
      expect(parseAll('data: a\r', '\n\r', '\n')).toEqual([{ id: '', event: 'message', data: 'a' }]);
    });

    it('keeps the last event id for following messages and ignores ids with NUL', () => {
      expect(parseAll('id: 5\ndata: a\n\ndata: b\n\nid: 6\u0000\ndata: c\n\n').map((m) => m.id)).toEqual(['5', '5', '5']);
    });

    it('holds back an unterminated message until its blank line arrives', () => {
      const parser = createSseParser();
      expect(parser.push('data: partial')).toEqual([]);
      expect(parser.push('\n')).toEqual([]);
      expect(parser.push('\n')).toEqual([{ id: '', event: 'message', data: 'partial' }]);
    });
  });

  describe('.retry', () => {
    it('reports the last numeric retry field', () => {
      const parser = createSseParser();
      parser.push('retry: 2500\n\nretry: soon\n\n');
      expect(parser.retry).toBe(2500);
    });
  });
});
