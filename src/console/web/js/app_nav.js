// An application's breadcrumb (back to the list) and the tabs under its heading: Credentials
// and Notification preferences.
export function breadcrumb(app) {
  return h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
    h('a', { href: '#/applications' }, 'All applications'), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', null, app.name));
}

import { h } from './dom.js';
import { seg } from './api.js';

export function appNav(app, current) {
  const base = `#/applications/${seg(app.applicationId)}`;
  const tab = (key, href, text) => h('a', { href, 'aria-current': key === current ? 'page' : null }, text);
  return h('nav', { class: 'tabs', 'aria-label': 'Application' },
    tab('credentials', base, 'Credentials'),
    tab('notifications', `${base}/notifications`, 'Notification preferences'));
}
