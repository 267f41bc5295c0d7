import { describe, expect, it } from 'vitest';
import { isSafeImageUrl, isSafeUrl } from '../../src/template/index.ts';

describe('url', () => {
  describe('isSafeUrl()', () => {
    it.each([
      'https://example.com/a?b=c#d',
      'HTTPS://EXAMPLE.COM',
      'http://localhost:3000',
      'mailto:ada@example.com',
      '/inbox',
      'orders/1',
      './x',
      '../x',
      '#top',
      '?q=1',
      '//cdn.example.com/x',
      '/path:with:colons',
      'page?x=a:b',
    ])('accepts %j', (url) => {
      expect(isSafeUrl(url)).toBe(true);
    });

    it.each([
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0000javascript:alert(1)',
      ' javascript:alert(1)',
      'javascript\u0001:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'blob:https://example.com/x',
      'ftp://example.com',
      '',
      ' \t\n',
    ])('rejects %j', (url) => {
      expect(isSafeUrl(url)).toBe(false);
    });
  });

  describe('isSafeImageUrl()', () => {
    it.each(['https://cdn.example.com/a.png', '/a.png', 'data:image/png;base64,iVBORw0KGgo=', 'DATA:IMAGE/SVG+XML,<svg/>', 'data:image/webp;base64,UklGRg=='])(
      'accepts %j',
      (url) => {
        expect(isSafeImageUrl(url)).toBe(true);
      },
    );

    it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'data:image', 'data:image/', 'data:,x', 'blob:https://example.com/x', ''])(
      'rejects %j',
      (url) => {
        expect(isSafeImageUrl(url)).toBe(false);
      },
    );
  });
});
