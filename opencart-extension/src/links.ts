// Links between the module's views. OpenCart's admin header carries <base href="…/admin/">, so a
// bare href="#new" resolves against that folder and leaves the page (to the login page, since the
// token is lost). Each link therefore names this page's own address with the view's hash: clicking
// it changes only the hash, and "open in new tab" still opens the right view.
export function viewLink(hash: string, here: string | undefined = globalThis.location?.href): string {
  return `${(here ?? '').split('#')[0]}${hash}`;
}
