import { describe, expect, it } from 'vitest';
import * as template from '../../src/template/index.ts';

describe('template', () => {
  describe('index', () => {
    it('exports exactly the public functions', () => {
      expect(Object.keys(template).sort()).toEqual(['checkTemplate', 'formatDate', 'isSafeImageUrl', 'isSafeUrl', 'renderTemplate', 'renderText']);
    });
  });
});
