// Request validation the server adds on top of the shared protocol validators.
export { checkAppName, MAX_APP_NAME_LENGTH } from './app-name.ts';
export { checkPossiblePhoneNumber } from './phone.ts';
export { validAttributes } from './attributes.ts';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseNotificationQuery, toNotificationPage } from './notification-query.ts';
export { MAX_CATEGORY_LENGTH, MAX_PREFERENCE_CATEGORIES, validPreferencesPatch } from './preferences.ts';
export { MAX_COUNTED_CATEGORIES, parseCountedCategories } from './counts-query.ts';
