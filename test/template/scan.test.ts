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

  describe('checkTemplate()', () => {
    it.each([
      'plain text',
      'Hi <<recipient.firstName>> and {{ data.order.id }}',
      '<<recipient.firstName | default: "there" | upper>>',
      "<<recipient.firstName | default: 'there' | lower | capitalize | truncate: 40>>",
      '<<data.order.total | number>> <<data.placedAt | date>> <<data.placedAt | date: "relative">>',
      '<<data.x | default: 0>> <<data.x | default: -1.5>> <<data.x | default: "a \\" >> b">>',
      '[open](https://x.example/<<data.order.id>>) `<<data.order.id>>`',
      '2 * 3, **unclosed, [unclosed',
    ])('accepts %j', (source) => {
      expect(checkTemplate(source)).toBeNull();
    });

    it.each([
      ['Hi <<recipient.firstName', 3, 'unclosed <<'],
      ['Hi {{recipient.firstName', 3, 'unclosed {{'],
      ['<<data.x | default: "there>>', 20, 'unclosed quote'],
      ['ok <<data.x | shout>>', 14, 'unknown filter "shout"'],
      ['<<data.x | truncate: "40">>', 19, 'truncate needs a whole number of characters, such as truncate: 40'],
      ['<<data.x | truncate: 0>>', 19, 'truncate needs a whole number of characters, such as truncate: 40'],
      ['<<data.x | truncate: 1.5>>', 19, 'truncate needs a whole number of characters, such as truncate: 40'],
      ['<<data.x | truncate>>', 19, 'truncate needs a whole number of characters, such as truncate: 40'],
      ['<<data.x | date: "weekly">>', 15, 'date takes "short", "long" or "relative"'],
      ['<<data.x | upper: 1>>', 16, 'upper takes no argument'],
      ['<<data.x | default>>', 18, 'default needs a value, such as default: "there"'],
      ['<<data.x | default: >>', 20, 'expected a quoted text or a number after default:'],
      ['<<data.x | >>', 11, 'expected a filter name after |'],
      ['<<data..x>>', 7, 'expected a path such as data.name'],
      ['<< >>', 3, 'expected a path such as data.name'],
      ['<<data.x y>>', 9, 'expected | or >>'],
      ['{{data.x>>', 8, 'expected | or }}'],
      ['[a](/<<data.x | shout>>)', 16, 'unknown filter "shout"'],
      ['`<<data.x | shout>>`', 12, 'unknown filter "shout"'],
    ])('reports %j at offset %i', (source, offset, message) => {
      expect(checkTemplate(source)).toEqual({ offset, message });
    });

    it('reports the first problem when there are several', () => {
      expect(checkTemplate('<<a | bad>> <<b')).toEqual({ offset: 6, message: 'unknown filter "bad"' });
    });

    it('rejects exactly what renders literally', () => {
      for (const source of ['<<data.order.id | shout>>', '<<data.order.id | truncate: 0>>', '{{ data.order.id | date: 1 }}']) {
        expect(checkTemplate(source)).not.toBeNull();
        expect(render(source)).toEqual([text(source)]);
      }
    });

    it('reports a placeholder longer than the scan limit', () => {
      const problem = { offset: 0, message: 'placeholder longer than 1024 characters' };
      expect(checkTemplate(`<<data.x | default: "${'a'.repeat(2000)}">>`)).toEqual(problem);
      expect(checkTemplate(`<<data.${'a'.repeat(2000)}>>`)).toEqual(problem);
      expect(checkTemplate(`<<data.x | default: "${'a'.repeat(1000)}">>`)).toBeNull();
    });
  });
});
