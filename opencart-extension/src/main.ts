// Entry point of the bundle loaded by the module's shell page (admin/view/javascript/…).
import { mount } from './app';

function start(): void {
  const root = document.getElementById('oc-support-desk');
  if (root) void mount(root);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
