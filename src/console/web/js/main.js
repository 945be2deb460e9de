// The console's entry point: the sign-in screen, the shell (nav, sign-out, maintenance banner,
// message areas) and a router over the hash routes of docs/console.md:
//   #/applications  #/applications/{id}  #/applications/{id}/notifications
//   #/deliveries  #/queues  #/audit  #/system
import { h, replace } from './dom.js';
import { session, setCsrfToken, whenUnauthorized } from './api.js';
import { clearMessages, heading, refreshBanner, showError } from './ui.js';
import * as applications from './screens/applications.js';
import * as credentials from './screens/credentials.js';
import * as notifications from './screens/notifications.js';
import * as deliveries from './screens/deliveries.js';
import * as queues from './screens/queues.js';
import * as audit from './screens/audit.js';
import * as system from './screens/system.js';

const $ = (id) => document.getElementById(id);

// [pattern, screen, nav link it belongs to]; the first match wins.
const ROUTES = [
  [/^\/applications\/?$/, applications, 'applications'],
  [/^\/applications\/([^/]+)\/notifications\/?$/, notifications, 'applications'],
  [/^\/applications\/([^/]+)\/?$/, credentials, 'applications'],
  [/^\/deliveries\/?$/, deliveries, 'deliveries'],
  [/^\/queues\/?$/, queues, 'queues'],
  [/^\/audit\/?$/, audit, 'audit'],
  [/^\/system\/?$/, system, 'system'],
];

let signedIn = false;
let renderCount = 0;

function currentPath() {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/applications';
}

async function render({ again = false } = {}) {
  if (!signedIn) return;
  const path = currentPath();
  const found = ROUTES.map(([re, screen, nav]) => [path.match(re), screen, nav]).find(([m]) => m);
  for (const link of document.querySelectorAll('#nav a')) {
    if (found && link.dataset.nav === found[2]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!again) clearMessages();
  const root = $('screen');
  const mine = ++renderCount;
  const activeKey = again ? document.activeElement?.closest?.('[data-key]')?.dataset.key : undefined;
  refreshBanner();
  if (!found) {
    replace(root, heading('Not found'), h('p', null, 'There is no such screen. ', h('a', { href: '#/applications' }, 'Go to the applications')));
    document.title = 'Not found · rekey console';
    return;
  }
  const [match, screen] = found;
  let params;
  try {
    params = match.slice(1).map(decodeURIComponent);
  } catch {  // a malformed %-escape in the address
    replace(root, heading('Not found'), h('p', null, 'This address is malformed. ', h('a', { href: '#/applications' }, 'Go to the applications')));
    return;
  }
  if (!again) replace(root, h('p', { class: 'loading' }, 'Loading…'));
  const view = h('div', { class: 'screen' });
  // ctx.current(): false once the user has moved on, so a slow answer does not paint over the
  // next screen. ctx.rerender(): draws this screen again (after an action).
  const ctx = {
    params,
    again,
    current: () => mine === renderCount,
    rerender: () => render({ again: true }),
    setTitle: (t) => { document.title = `${t} · rekey console`; },
  };
  try {
    await screen.render(view, ctx);
  } catch (e) {
    if (!ctx.current()) return;
    replace(root, heading('Something went wrong'));
    showError(e);
    return;
  }
  if (!ctx.current()) return;
  replace(root, view);
  // After an action, focus goes back to the control of the same key (a button redrawn), else
  // to the heading, so that keyboard users are never dropped onto <body>.
  const againTarget = activeKey ? root.querySelector(`[data-key="${CSS.escape(activeKey)}"]`) : null;
  const h1 = root.querySelector('h1');
  if (againTarget) againTarget.focus({ preventScroll: true });
  else if (h1 && (!again || !root.contains(document.activeElement))) h1.focus({ preventScroll: true });
  if (!again) window.scrollTo(0, 0);
}

function showSignIn(message) {
  signedIn = false;
  setCsrfToken(null);
  $('shell').hidden = true;
  const screen = $('signin');
  const input = h('input', { id: 'admin-token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const error = h('div', { id: 'signin-error', role: 'alert', class: 'signin-error' }, message ? h('p', null, message) : null);
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'signin-form', 'aria-labelledby': 'signin-title' },
    h('div', { class: 'field' },
      h('label', { for: 'admin-token' }, 'Admin token'),
      input,
      h('span', { class: 'hint', id: 'admin-token-hint' },
        'rekey serve writes it to the file admin-token in its data directory on first start.')),
    error,
    button);
  input.setAttribute('aria-describedby', 'admin-token-hint');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const answer = await session.signIn(input.value.trim());
      input.value = '';
      enter(answer);
    } catch (e) {
      replace(error, h('p', null, e.message));
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  replace(screen,
    h('div', { class: 'signin-card' },
      h('p', { class: 'brand brand-large' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'r'), 'rekey console'),
      h('h1', { id: 'signin-title' }, 'Sign in'),
      h('p', { class: 'muted' }, 'Client-secret rotation, notifications and queues for your SP-API applications.'),
      form));
  screen.hidden = false;
  document.title = 'Sign in · rekey console';
  input.focus();
}

function enter(answer) {
  setCsrfToken(answer.csrfToken);
  signedIn = true;
  $('signin').hidden = true;
  replace($('signin'));
  $('shell').hidden = false;
  render();
}

async function start() {
  whenUnauthorized(() => showSignIn('Your session has ended. Sign in again.'));
  $('sign-out').addEventListener('click', async () => {
    try {
      await session.signOut();
    } catch (e) {
      if (e.status !== 401) {  // 401: the session had already ended
        showError(e);
        return;  // still signed in: say so rather than pretend
      }
    }
    showSignIn();
  });
  $('skip').addEventListener('click', () => { $('main').focus(); });
  window.addEventListener('hashchange', () => render());
  let answer = null;
  try {
    answer = await session.current();
  } catch (e) {
    showSignIn(e.message);
    return;
  }
  if (answer) enter(answer); else showSignIn();
}

start();
