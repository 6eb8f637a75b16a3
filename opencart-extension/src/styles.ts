// The module's own styles: scoped with the ocsd- prefix, readable under OpenCart 3.0 (Bootstrap 3)
// and 4.x (Bootstrap 5) admin themes alike.
export const CSS = `
#oc-support-desk { max-width: 1200px; }
.ocsd-nav { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 16px; border-bottom: 1px solid #ddd; padding-bottom: 8px; }
.ocsd-nav a { padding: 6px 12px; border-radius: 4px; text-decoration: none; }
.ocsd-nav a.ocsd-active { background: #1e91cf; color: #fff; }
.ocsd-nav .ocsd-hours { margin-left: auto; }
.ocsd-badge { display: inline-block; padding: 3px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eee; color: #333; }
.ocsd-badge-open { background: #dff0d8; color: #2b542c; }
.ocsd-badge-closed { background: #fcf8e3; color: #8a6d3b; }
.ocsd-badge-unread { background: #d9534f; color: #fff; }
.ocsd-muted { color: #777; }
.ocsd-help, .ocsd-hint { color: #555; font-size: 12px; margin: 6px 0; }
.ocsd-hint { background: #f5f8fa; border-left: 3px solid #1e91cf; padding: 6px 10px; }
.ocsd-toolbar { display: flex; justify-content: space-between; align-items: center; margin-bottom: 12px; }
.ocsd-fieldset { border: 1px solid #e5e5e5; padding: 10px 14px; margin: 12px 0; border-radius: 4px; }
.ocsd-fieldset legend { font-size: 14px; font-weight: 600; width: auto; border: 0; padding: 0 6px; margin: 0; float: none; }
.ocsd-indent { margin: 4px 0 8px 22px; }
.ocsd-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 8px; }
.ocsd-grid label { font-weight: normal; }
.ocsd-panel { border: 1px solid #e5e5e5; background: #fafafa; border-radius: 4px; padding: 10px 14px; margin: 12px 0; }
.ocsd-panel h3 { font-size: 15px; margin-top: 0; }
.ocsd-list { margin: 0; padding-left: 18px; }
.ocsd-conversation { list-style: none; padding: 0; margin: 16px 0; }
.ocsd-message { border: 1px solid #e5e5e5; border-radius: 4px; padding: 8px 12px; margin-bottom: 8px; }
.ocsd-message-staff { background: #f3f8fc; border-color: #c9e0f0; }
.ocsd-message-system { background: #fcfcf3; }
.ocsd-attachments { list-style: none; padding: 0; margin: 6px 0 0; }
.ocsd-attachments .ocsd-file { padding: 0 4px 0 0; }
.ocsd-meta { font-size: 12px; color: #777; margin-bottom: 4px; }
.ocsd-body { white-space: normal; word-wrap: break-word; }
.ocsd-facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.ocsd-facts dt { font-weight: 600; }
.ocsd-facts dd { margin: 0; }
.ocsd-pre { max-height: 300px; overflow: auto; font-size: 11px; background: #f7f7f7; padding: 8px; white-space: pre-wrap; }
.ocsd-env th { width: 180px; }
.ocsd-warn { background: #fcf8e3; }
.ocsd-status { font-weight: 600; }
.ocsd-status-resolved, .ocsd-status-closed { color: #3c763d; }
.ocsd-status-waiting_on_customer, .ocsd-status-awaiting_access { color: #a94442; }
.ocsd-form textarea { margin-bottom: 8px; }
.ocsd-form .btn { margin-top: 8px; }
/* Bootstrap 3's .form-group has no negative margins outside .form-horizontal; kept flush in both themes. */
.ocsd-form .form-group { margin-left: 0; margin-right: 0; }
.ocsd-required { font-weight: normal; color: #a94442; font-size: 12px; }
`;

export function injectStyles(doc: Document): void {
  if (doc.getElementById('ocsd-styles')) return;
  const style = doc.createElement('style');
  style.id = 'ocsd-styles';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
