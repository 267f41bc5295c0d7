import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate } from '../../src/template/index.ts';
import { br, code, createContext, em, link, strong, text } from './fixtures.ts';

const render = (source: string) => renderTemplate(source, createContext());

describe('scan', () => {
  describe('renderTemplate() syntax', () => {
    it('parses bold, italic, code, links and line breaks', () => {
      expect(render('**b** *i* `c` [l](/x)\nnext')).toEqual([
        strong(text('b')),
        text(' '),
        em(text('i')),
        text(' '),
        code('c'),
        text(' '),
        link('/x', text('l')),
        br,
        text('next'),
      ]);
    });

    it('nests formatting inside formatting', () => {
      expect(render('**a *b* [c `d`](/e)**')).toEqual([strong(text('a '), em(text('b')), text(' '), link('/e', text('c '), code('d')))]);
      expect(render('***x***')).toEqual([strong(em(text('x')))]);
      expect(render('**a *b***')).toEqual([strong(text('a '), em(text('b')))]);
      expect(render('*a **b***')).toEqual([em(text('a '), strong(text('b')))]);
    });

    it('treats one CRLF, LF or CR as one line break', () => {
      expect(render('a\r\nb\nc\rd')).toEqual([text('a'), br, text('b'), br, text('c'), br, text('d')]);
    });

    it.each([
      ['**unclosed', '**unclosed'],
      ['*unclosed', '*unclosed'],
      ['`unclosed', '`unclosed'],
      ['[unclosed', '[unclosed'],
      ['[text](unclosed', '[text](unclosed'],
      ['[text] (/x)', '[text] (/x)'],
      ['2 * 3 * 4', '2 * 3 * 4'],
      ['a ** b ** c', 'a ** b ** c'],
      ['****', '****'],
      ['**** x ****', '**** x ****'],
      ['``', '``'],
      ['a]b(c)', 'a]b(c)'],
    ])('keeps %j literal', (source, expected) => {
      expect(render(source)).toEqual([text(expected)]);
    });

    it('does not let a code span or a link URL cross a line', () => {
      expect(render('`a\nb`')).toEqual([text('`a'), br, text('b`')]);
      expect(render('[a](/b\n)')).toEqual([text('[a](/b'), br, text(')')]);
    });

    it('keeps markers literal inside code spans but substitutes placeholders there', () => {
      expect(render('`**x** [y](/z) <<data.order.id>>`')).toEqual([code('**x** [y](/z) A-17')]);
    });

    it('turns the markers of an unclosed inner opener into text when the outer one closes', () => {
      expect(render('**a *b**')).toEqual([strong(text('a *b'))]);
      expect(render('**a [b** c](/d)')).toEqual([strong(text('a [b')), text(' c](/d)')]);
    });

    it('keeps balanced parentheses inside a link URL, as Markdown does', () => {
      expect(render('[Bell](https://en.wikipedia.org/wiki/Bell_(instrument)) rings')).toEqual([
        link('https://en.wikipedia.org/wiki/Bell_(instrument)', text('Bell')),
        text(' rings'),
      ]);
      expect(render('[x](/a((b)c)(d)e) f')).toEqual([link('/a((b)c)(d)e', text('x')), text(' f')]);
      expect(render('[x](/a) (b)')).toEqual([link('/a', text('x')), text(' (b)')]);
      expect(render('[x](/a)b)')).toEqual([link('/a', text('x')), text('b)')]);
      expect(render('[a](/x(1)) and [b](/y(2))')).toEqual([link('/x(1)', text('a')), text(' and '), link('/y(2)', text('b'))]);
    });

    it.each([
      '[x](/a(b)',
      '[x](/a((b)',
      '[x](/a(b',
      '[x]((',
      '[x](((((((((((/a)',
      '[Bell](https://en.wikipedia.org/wiki/Bell_(instrument)',
    ])('keeps the unbalanced link %j literal', (source) => {
      expect(render(source)).toEqual([text(source)]);
    });

    it('does not let a link URL with parentheses cross a line', () => {
      expect(render('[x](/a(b\n))')).toEqual([text('[x](/a(b'), br, text('))')]);
      expect(render('[x](/a(\nb)c)')).toEqual([text('[x](/a('), br, text('b)c)')]);
    });

    it('links after a link whose parentheses never close, on the same line and the next', () => {
      expect(render('[a](( [b](/c)')).toEqual([text('[a](( '), link('/c', text('b'))]);
      expect(render('[a](/x( [b](/c) d')).toEqual([text('[a](/x( '), link('/c', text('b')), text(' d')]);
      expect(render('[a](( [b\n[c](/d)')).toEqual([text('[a](( [b'), br, link('/d', text('c'))]);
    });

    it('counts only the parentheses of the source: a value cannot open or close a link URL', () => {
      const withValue = (s: string) => renderTemplate('[x](/a(<<data.s>>)) [y](/b<<data.s>>c)', createContext({ data: { s } }));
      expect(withValue(')')).toEqual([link('/a())', text('x')), text(' '), link('/b)c', text('y'))]);
      expect(withValue('(')).toEqual([link('/a(()', text('x')), text(' '), link('/b(c', text('y'))]);
    });

    it('never nests a link inside a link', () => {
      expect(render('[a [b](/x)](/y)')).toEqual([text('[a '), link('/x', text('b')), text('](/y)')]);
    });

    it('makes escaped markers literal', () => {
      expect(render('\\*a\\* \\**b** \\`c\\` \\[d](/e) \\<<data.order.id>> \\{{data.order.id}} a\\\\b \\q')).toEqual([
        text('*a* **b** `c` [d](/e) <<data.order.id>> {{data.order.id}} a\\b \\q'),
      ]);
    });

    it('reads only the last pair of a run of angle brackets as a placeholder opener', () => {
      expect(render('<<<data.order.id>>> {{{data.order.id}}}')).toEqual([text('<A-17> {A-17}')]);
    });

    it.each([null, undefined, 42, {}])('renders the non-string %j as an empty template', (source) => {
      expect(render(source as unknown as string)).toEqual([]);
      expect(checkTemplate(source as unknown as string)).toBeNull();
    });
  });
});
