// The count of unread support notifications beside the module's entry in the admin menu. The
// store's PHP writes it into the menu; once a ticket is read here, the page shows the new count
// without waiting for the next page load.

/** The badge's element ID, as lib/MenuEntry.php writes it. */
export const UNREAD_BADGE_ID = 'oc-support-desk-unread';

/** Shows the API's new count in the menu's badge, or removes the badge at 0. */
export function showUnreadCount(count: number | null, doc: Document = document): void {
  const badge = doc.getElementById(UNREAD_BADGE_ID);
  if (!badge || count === null) return;
  if (count > 0) {
    badge.textContent = String(count);
    badge.title = `${count} unread`;
  } else badge.remove();
}
