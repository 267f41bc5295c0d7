import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { TemplateNode } from '../../src/template/index.ts';
import { RichText } from '../../src/ui/RichText.tsx';

const text = (value: string): TemplateNode => ({ type: 'text', value });
const link = (href: string, label: string): TemplateNode => ({ type: 'link', href, children: [text(label)] });
const renderNodes = (nodes: TemplateNode[], links?: boolean) => render(<RichText nodes={nodes} links={links} />).container;

describe('RichText', () => {
  afterEach(cleanup);

  describe('render', () => {
    it('renders text, strong, em, code and br as their elements', () => {
      const container = renderNodes([
        text('Hi '),
        { type: 'strong', children: [text('Ada'), { type: 'em', children: [text('!')] }] },
        { type: 'br' },
        { type: 'code', value: 'x < y' },
      ]);
      expect(container.innerHTML).toBe('Hi <strong>Ada<em>!</em></strong><br><code>x &lt; y</code>');
    });

    it('renders a safe link that opens in a new tab without an opener', () => {
      const a = renderNodes([link('https://example.com/a', 'Open')]).querySelector('a')!;
      expect(a.getAttribute('href')).toBe('https://example.com/a');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.textContent).toBe('Open');
    });

    it('renders an unsafe link as plain text', () => {
      const container = renderNodes([link('javascript:alert(1)', 'Click me'), link(' JaVa\tScript:alert(1)', 'Me too')]);
      expect(container.querySelector('a')).toBeNull();
      expect(container.textContent).toBe('Click meMe too');
    });

    it('renders links as plain text when links are off', () => {
      const container = renderNodes([link('https://example.com', 'Site')], false);
      expect(container.querySelector('a')).toBeNull();
      expect(container.textContent).toBe('Site');
    });

    it('renders hostile text literally without creating elements from it', () => {
      const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>**bold**';
      const container = renderNodes([text(hostile)]);
      expect(container.textContent).toBe(hostile);
      expect(container.children).toHaveLength(0);
      expect(container.querySelector('img,script,strong')).toBeNull();
    });
  });
});
