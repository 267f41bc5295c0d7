import { describe, expect, it } from 'vitest';
import { isSafeUrl, renderTemplate, renderText } from '../../src/template/index.ts';
import { br, code, createContext, em, link, strong, text, walk } from './fixtures.ts';

const render = (source: string, overrides = {}) => renderTemplate(source, createContext(overrides));

// Values that would be markup, formatting, links or placeholders if anything parsed them again.
const HOSTILE_VALUES = [
  '**x**',
  '*x*',
  '`x`',
  '<img src=x onerror=alert(1)>',
  '[a](javascript:alert(1))',
  '<<data.secret>>',
  '{{data.secret}}',
  '</script><script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  'line\nbreak',
  '\\*escaped\\*',
];

describe('render', () => {
  describe('renderTemplate()', () => {
    it('substitutes <<path>> and {{path}} placeholders, with or without spaces', () => {
      expect(render('Hi <<recipient.firstName>>, {{ recipient.lastName }} and << app.name >>!')).toEqual([
        text('Hi Ada, Lovelace and Belfry!'),
      ]);
    });

    it('reads nested paths and array indices', () => {
      expect(render('<<data.order.id>> <<data.order.items.1.name>> <<data.tags.0>> <<data.tags.length>>')).toEqual([
        text('A-17 Cog new 2'),
      ]);
    });

    it('renders numbers and booleans as their string', () => {
      expect(render('<<recipient.age>> <<recipient.verified>> <<data.order.total>>')).toEqual([text('36 true 1234567.891')]);
    });

    it('renders missing values, null, unknown roots and paths through scalars as empty', () => {
      expect(render('[<<data.missing>>|<<data.nothing>>|<<user.firstName>>|<<secret>>|<<data.order.id.length>>|<<data.a.b.c>>]')).toEqual([
        text('[|||||]'),
      ]);
    });

    it('renders objects and arrays as empty, never "[object Object]"', () => {
      expect(render('[<<data.order>>|<<data.tags>>|<<data>>|<<recipient>>]')).toEqual([text('[|||]')]);
    });

    it('reads own properties only, never the prototype chain', () => {
      expect(render('[<<data.constructor>>|<<data.__proto__>>|<<recipient.toString>>|<<data.tags.map>>|<<data.constructor.name>>]')).toEqual([
        text('[||||]'),
      ]);
    });

    it.each(HOSTILE_VALUES)('renders the value %j as literal text', (value) => {
      const nodes = render('Hi <<recipient.firstName>>!', { recipient: { firstName: value }, data: { secret: 'SECRET' } });
      expect(nodes).toEqual([text(`Hi ${value}!`)]);
    });

    it('keeps formatting markers inside values out of the surrounding formatting', () => {
      expect(render('**<<data.a>>** *<<data.b>>* `<<data.c>>`', { data: { a: 'x** y **z', b: 'p* q', c: 'r` s' } })).toEqual([
        strong(text('x** y **z')),
        text(' '),
        em(text('p* q')),
        text(' '),
        code('r` s'),
      ]);
    });

    it('keeps a link whose substituted URL is https, http, mailto or relative', () => {
      for (const url of ['https://a.example/x', 'http://a.example', 'mailto:ada@example.com', '/inbox', 'orders/1', '#top', '?q=1']) {
        expect(render('[open](<<data.url>>)', { data: { url } })).toEqual([link(url, text('open'))]);
      }
    });

    it.each([
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '',
    ])('drops a link to %j and keeps its text', (url) => {
      expect(render('see **[the *order*](<<data.url>>)** now', { data: { url } })).toEqual([
        text('see '),
        strong(text('the '), em(text('order'))),
        text(' now'),
      ]);
    });

    it('drops a link whose literal URL is unsafe', () => {
      expect(render('[x](javascript:alert(1))')).toEqual([text('x')]);
      expect(render('[x](JaVaScRiPt:void)')).toEqual([text('x')]);
      expect(render('[x](javascript:alert((1)))')).toEqual([text('x')]);
      expect(render('[x](javascript:a(1)) [y](javascript:b(2))')).toEqual([text('x y')]);
      expect(render('[x]( javascript:void(0) ) tail')).toEqual([text('x tail')]);
    });

    it('keeps a URL whose parentheses hide a scheme relative, so it cannot run', () => {
      // No scheme can start with a parenthesis, and none can hold one: browsers resolve these
      // against the page, as paths.
      for (const href of ['(javascript:alert(1))', 'java(script):alert(1)', '((javascript:x))']) {
        expect(render(`[x](${href})`)).toEqual([link(href, text('x'))]);
        expect(new URL(href, 'https://app.example/inbox/').protocol).toBe('https:');
      }
      expect(render('[x](https://a.example/(javascript:alert(1)))')).toEqual([link('https://a.example/(javascript:alert(1))', text('x'))]);
    });

    it('drops a link whose URL with parentheses becomes unsafe after substitution', () => {
      expect(render('[x](<<data.s>>(1))', { data: { s: 'javascript:alert' } })).toEqual([text('x')]);
      expect(render('[x](<<data.s>>)', { data: { s: 'javascript:alert(1)' } })).toEqual([text('x')]);
    });

    it('checks the URL after substitution, so a value cannot complete an unsafe scheme', () => {
      expect(render('[x](java<<data.s>>:alert)', { data: { s: 'script' } })).toEqual([text('x')]);
      expect(render('[x](<<data.s>>/path)', { data: { s: 'javascript:' } })).toEqual([text('x')]);
      expect(render('[x](https://a.example/?q=<<data.s>>)', { data: { s: 'javascript:1' } })).toEqual([
        link('https://a.example/?q=javascript:1', text('x')),
      ]);
    });

    it('trims whitespace around a link URL and shows the URL when the text is empty', () => {
      expect(render('[]( /inbox )')).toEqual([link('/inbox', text('/inbox'))]);
      expect(render('[<<data.missing>>](/inbox)')).toEqual([link('/inbox', text('/inbox'))]);
    });

    it('drops formatting that renders empty', () => {
      expect(render('a**<<data.missing>>**b *<<data.empty>>* `<<data.nothing>>`')).toEqual([text('ab  ')]);
    });

    it('merges adjacent text into one node', () => {
      expect(render('a<<data.order.id>>b<<data.missing>>c')).toEqual([text('aA-17bc')]);
    });

    it('keeps line breaks in values as text, not as line-break nodes', () => {
      expect(render('<<data.s>>\nend', { data: { s: 'a\nb' } })).toEqual([text('a\nb'), br, text('end')]);
    });

    it('renders the same source with each call\'s own values', () => {
      const source = 'Hi **<<recipient.firstName>>**';
      expect(render(source)).toEqual([text('Hi '), strong(text('Ada'))]);
      expect(render(source, { recipient: { firstName: 'Grace' } })).toEqual([text('Hi '), strong(text('Grace'))]);
      render(source)[1]!.type = 'em';
      expect(render(source)).toEqual([text('Hi '), strong(text('Ada'))]);
    });

    it('renders long sources', () => {
      const source = `${'x'.repeat(20_000)} <<data.order.id>>`;
      expect(render(source)).toEqual([text(`${'x'.repeat(20_000)} A-17`)]);
    });

    it('reads the app root', () => {
      expect(render('*<<app.name>>*')).toEqual([em(text('Belfry'))]);
    });

    it('renders with an empty or missing context', () => {
      expect(renderTemplate('Hi <<recipient.firstName | default: "there">>', {})).toEqual([text('Hi there')]);
      expect(renderTemplate('Hi <<recipient.firstName>>', undefined as never)).toEqual([text('Hi ')]);
    });

    it('produces only links that pass isSafeUrl', () => {
      const nodes = render('[a](<<data.a>>) [b](<<data.b>>) [c](/c)', { data: { a: 'javascript:x', b: 'https://b.example' } });
      const links = walk(nodes).filter((node) => node.type === 'link');
      expect(links).toHaveLength(2);
      for (const node of links) expect(isSafeUrl((node as { href: string }).href)).toBe(true);
    });
  });

  describe('renderText()', () => {
    it('flattens formatting to its text, with line breaks as \\n', () => {
      expect(renderText('**Hi** *<<recipient.firstName>>*, `code` [link](/x)\nbye', createContext())).toBe('Hi Ada, code link\nbye');
    });

    it('keeps the text of dropped links and hostile values literally', () => {
      expect(renderText('[a](javascript:x) <<data.s>>', createContext({ data: { s: '<b>**x**</b>' } }))).toBe('a <b>**x**</b>');
    });

  });
});
