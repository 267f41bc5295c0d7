import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate } from '../../src/template/index.ts';
import { createContext, text } from './fixtures.ts';

const render = (source: string) => renderTemplate(source, createContext());

describe('check', () => {
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

    it('explains only openers that rendering reads as placeholders', () => {
      expect(checkTemplate('\\<<data.x | shout>> <<<data.x>>> `<<<data.x>>>`')).toBeNull();
      expect(checkTemplate('<<data.x | default: "<<data.y | shout>>">>')).toBeNull();
      expect(checkTemplate('<<data.x | shout "<<data.y>>">>')).toEqual({ offset: 11, message: 'unknown filter "shout"' });
    });

    it('reports a placeholder longer than the scan limit', () => {
      const problem = { offset: 0, message: 'placeholder longer than 1024 characters' };
      expect(checkTemplate(`<<data.x | default: "${'a'.repeat(2000)}">>`)).toEqual(problem);
      expect(checkTemplate(`<<data.${'a'.repeat(2000)}>>`)).toEqual(problem);
      expect(checkTemplate(`<<data.x | default: "${'a'.repeat(1000)}">>`)).toBeNull();
    });
  });
});
