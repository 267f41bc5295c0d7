// The query of the tab counts (`GET /v1/me/counts?category=a&category=b`): which categories to
// count. Bounded, because each one is counted when asked.
import { invalidField } from '../errors.ts';
import { MAX_CATEGORY_LENGTH } from './preferences.ts';

/** Most categories one counts request may name. */
export const MAX_COUNTED_CATEGORIES = 20;

/** Parses the repeated `category` parameter (duplicates once, in order); 400 when too many or a name is empty or too long. */
export function parseCountedCategories(values: readonly string[] | undefined): string[] {
  const categories = [...new Set(values ?? [])];
  if (categories.length > MAX_COUNTED_CATEGORIES) throw invalidField('category', `must be given at most ${MAX_COUNTED_CATEGORIES} times`);
  for (const category of categories) {
    if (category.length === 0 || category.length > MAX_CATEGORY_LENGTH) throw invalidField('category', `names must be 1–${MAX_CATEGORY_LENGTH} characters`);
  }
  return categories;
}
