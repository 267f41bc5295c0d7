// The English text of item menus and toasts, in one place so it can move into the locale tables.

/** UI strings of the item menu and the toast stack. */
export const ITEM_STRINGS = {
  menu: 'Options',
  markRead: 'Mark as read',
  markUnread: 'Mark as unread',
  archive: 'Archive',
  unarchive: 'Unarchive',
  remove: 'Delete',
  toasts: 'New notifications',
  dismiss: 'Dismiss',
};
