// Shared pieces of the console's screens: the global message areas (a role="alert" for refused
// actions, a role="status" for confirmations), confirmation dialogs, copy buttons, the
// once-shown secret panel and the pager. Everything is built with dom.js, so text stays text.
import { h, replace, uid } from './dom.js';
import { get } from './api.js';

const alertArea = () => document.getElementById('alert');
const noticeArea = () => document.getElementById('notice');

// Shows a refused action's message in the global alert area (and clears the notice).
export function showError(error) {
  replace(noticeArea());
  noticeArea().hidden = true;
  const message = error instanceof Error ? error.message : String(error);
  replace(alertArea(), h('p', null, message));
  alertArea().hidden = false;
}

// Shows what just happened in the status area (and clears a previous alert).
export function showNotice(text) {
  clearMessages();
  replace(noticeArea(), h('p', null, text));
  noticeArea().hidden = false;
}

export function clearMessages() {
  replace(alertArea());
  replace(noticeArea());
  alertArea().hidden = true;
  noticeArea().hidden = true;
}

// Runs an action for a button or form: disables the control while it runs and shows a refusal
// in the alert area. Resolves to the action's value, or undefined when it was refused.
export async function run(control, action) {
  if (control) control.disabled = true;
  try {
    return await action();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    if (control && control.isConnected) control.disabled = false;
  }
}

// A modal confirmation: resolves true when the confirm button is chosen, false on Cancel/Escape.
// body: nodes or text; confirmLabel: the confirm button's name, e.g. "Confirm rotation".
export function confirmDialog({ title, body, confirmLabel, tone = 'primary' }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const bodyId = uid('dialog-body');
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close('cancel') }, 'Cancel');
    const confirm = h('button', { type: 'button', class: tone, onclick: () => dialog.close('confirm') }, confirmLabel);
    const dialog = h('dialog', { 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      h('h2', { id: titleId }, title),
      h('div', { id: bodyId, class: 'dialog-body' }, [body].flat().map((b) => (typeof b === 'string' ? h('p', null, b) : b))),
      h('div', { class: 'actions' }, cancel, confirm));
    const opener = document.activeElement;
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// A button that copies text to the clipboard and says so. name: its accessible name.
// name: the accessible name when it says more than the visible "Copy" (e.g. "Copy client id").
export function copyButton(getText, name = 'Copy') {
  const button = h('button', {
    type: 'button',
    class: 'secondary small',
    'aria-label': name === 'Copy' ? null : name,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(getText());
        showNotice('Copied to the clipboard.');
      } catch {
        showError('The browser did not allow copying; select the text and copy it by hand.');
      }
    },
  }, 'Copy');
  return button;
}

// The panel that shows a secret once: a read-only field, a Copy button and the warning that it
// will not be shown again. rows: [{ label, value, secret }]; only the secret ones get the warning.
export function oncePanel({ title, intro, rows, onDone, note = 'Copy it now and store it somewhere safe.' }) {
  const titleId = uid('once');
  const panel = h('section', { class: 'once-panel', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, title),
    intro ? h('p', null, intro) : null,
    rows.map(({ label, value }) => {
      const input = h('input', { type: 'text', readonly: 'readonly', value, id: uid('once-value'), class: 'mono', spellcheck: 'false', autocomplete: 'off' });
      return h('div', { class: 'once-row' },
        h('label', { for: input.id }, label),
        h('div', { class: 'once-value' }, input, copyButton(() => input.value, `Copy ${label.toLowerCase()}`)));
    }),
    h('p', { class: 'warning' }, h('strong', null, 'This secret will not be shown again.'), ' ', note),
    onDone ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: onDone }, 'Done')) : null);
  return panel;
}

// "1–25 of 73" with Previous/Next buttons; go(offset) renders the other page.
export function pager({ offset, limit, total, count, go, label = 'Pages' }) {
  const first = total === 0 || count === 0 ? 0 : offset + 1;
  const last = offset + count;
  return h('nav', { class: 'pager', 'aria-label': label },
    h('span', { class: 'muted' }, total === undefined ? `${first}–${last}` : `${first}–${last} of ${total}`),
    h('button', { type: 'button', class: 'secondary small', disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) }, 'Previous page'),
    h('button', { type: 'button', class: 'secondary small', disabled: total === undefined ? count < limit : last >= total, onclick: () => go(offset + limit) }, 'Next page'));
}

// A section with an h2 heading (and optional actions at the heading's right).
export function section(title, { actions, id, className } = {}, ...children) {
  const headingId = id ?? uid('section');
  return h('section', { class: ['card', className], 'aria-labelledby': headingId },
    h('div', { class: 'card-head' }, h('h2', { id: headingId }, title), actions ? h('div', { class: 'actions' }, actions) : null),
    children);
}

// The screen's h1 (focused after navigation so keyboard and screen-reader users land on it).
export function heading(text, ...after) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, text), after);
}

// Maintenance banner: read from /admin/v1/system on every navigation and after a toggle.
export async function refreshBanner(known) {
  const banner = document.getElementById('banner');
  let info = known;
  if (!info) {
    try { info = await get('admin/v1/system'); } catch { return; }
  }
  if (info.maintenance) {
    replace(banner, h('p', null, h('strong', null, 'Maintenance mode is on.'),
      ' The SP-API rotate call answers 503 ServiceUnavailable; tokens, queues and this console keep working. ',
      h('a', { href: '#/system' }, 'Turn it off on the System screen')));
    banner.hidden = false;
  } else {
    replace(banner);
    banner.hidden = true;
  }
}

// Notification types, with the names Amazon's developer console gives them.
export const NEW_SECRET = 'APPLICATION_OAUTH_CLIENT_NEW_SECRET';
export const SECRET_EXPIRY = 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY';
export const NOTIFICATION_TYPES = [
  { type: NEW_SECRET, title: 'Application Client New Secret',
    about: 'Carries the new client secret each time the secret is rotated. Rotation is refused until this row has a destination.' },
  { type: SECRET_EXPIRY, title: 'Application Client Secret Expiry',
    about: 'Warns 90, 60, 30, 15, 7 and 1 days before the current client secret expires. Never carries a secret.' },
];
export const typeTitle = (type) => NOTIFICATION_TYPES.find((t) => t.type === type)?.title ?? type;

// A destination in words: "Embedded queue 000000000000/my-queue", "Webhook https://…".
export function describeDestination(d) {
  if (!d) return 'No destination';
  const c = d.config ?? {};
  if (d.kind === 'embedded') return `Embedded queue ${c.account ? `${c.account}/` : ''}${c.queue ?? ''}`;
  if (d.kind === 'sqs') return `Amazon SQS ${c.queueUrl ?? ''}${c.region ? ` (${c.region})` : ''}`;
  if (d.kind === 'webhook') return `Webhook ${c.url ?? ''}`;
  return `${d.kind} destination`;
}

// Badges for the application summary's expiry and destination health, and for states.
const EXPIRY = { ok: ['Valid', 'ok'], warning: ['Expires soon', 'warn'], expired: ['Expired', 'bad'], none: ['No secret', 'neutral'] };
const HEALTH = { ok: ['Delivered', 'ok'], pending: ['Pending', 'info'], retrying: ['Retrying', 'warn'], dead: ['Dead', 'bad'], none: ['No deliveries', 'neutral'] };
const SECRET = { current: 'ok', old: 'warn', retired: 'neutral', revoked: 'bad' };
const DELIVERY = { delivered: 'ok', pending: 'info', dead: 'bad' };
export const pick = (table, key) => table[key] ?? [String(key ?? 'unknown'), 'neutral'];
export const expiryBadge = (key) => { const [t, tone] = pick(EXPIRY, key); return [t, tone]; };
export const healthBadge = (key) => { const [t, tone] = pick(HEALTH, key); return [t, tone]; };
export const secretTone = (state) => SECRET[state] ?? 'neutral';
export const deliveryTone = (state) => DELIVERY[state] ?? 'neutral';
