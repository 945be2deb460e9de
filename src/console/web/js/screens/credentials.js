// Application → Credentials: the client id (with copy), every secret's state, dates, use and
// fingerprint (never the secret), Rotate secret (confirming where the new secret goes), Revoke
// per secret (confirmed), and the usage plan.
import { append, badge, field, h, table, time } from '../dom.js';
import { get, post, put, seg } from '../api.js';
import {
  NEW_SECRET, confirmDialog, copyButton, describeDestination, heading, oncePanel, run, secretTone, section, showNotice,
  typeTitle,
} from '../ui.js';
import { appNav, breadcrumb } from '../app_nav.js';

export async function render(view, ctx) {
  const [id] = ctx.params;
  const app = await get(`admin/v1/applications/${seg(id)}`);
  ctx.setTitle(`${app.name} · Credentials`);
  const subscription = app.subscriptions.find((s) => s.notificationType === NEW_SECRET);
  const destination = subscription ? app.destinations.find((d) => d.destinationId === subscription.destinationId) : null;

  const rotate = h('button', { type: 'button', class: 'primary', 'data-key': 'rotate', onclick: () => rotateSecret(app, destination, rotate, ctx) }, 'Rotate secret');

  append(view, [
    breadcrumb(app),
    heading(app.name, h('p', { class: 'lead mono small' }, app.applicationId)),
    appNav(app, 'credentials'),
    section('LWA credentials', { actions: rotate },
      h('dl', { class: 'facts' },
        h('div', null, h('dt', null, 'Client id'),
          h('dd', null, h('span', { class: 'mono', id: 'client-id' }, app.clientId), ' ', copyButton(() => app.clientId, 'Copy client id'))),
        h('div', null, h('dt', null, 'New secrets go to'),
          h('dd', null, destination ? describeDestination(destination)
            : h('span', null, badge('Not enrolled', 'warn'), ' ', h('a', { href: `#/applications/${seg(app.applicationId)}/notifications` }, 'Choose a destination')))),
        h('div', null, h('dt', null, 'Created'), h('dd', null, time(app.createdAt))))),
    section('Client secrets', {},
      h('p', { class: 'muted' }, 'rekey keeps only a keyed hash of each secret; the fingerprint identifies one without revealing it.'),
      secretsTable(app, ctx)),
    usagePlanForm(app, ctx),
    refreshTokenSection(app)]);
}

// A self-authorization refresh token (Atzr|…) for grant_type=refresh_token, shown once.
function refreshTokenSection(app) {
  const slot = h('div', { class: 'refresh-token-slot' });
  const issue = h('button', { type: 'button', class: 'secondary', 'data-key': 'refresh-token' }, 'Issue refresh token');
  issue.addEventListener('click', async () => {
    const issued = await run(issue, () => post(`admin/v1/applications/${seg(app.applicationId)}/refresh-tokens`));
    if (!issued) return;
    slot.replaceChildren(oncePanel({
      title: 'New refresh token',
      intro: 'Exchange it at /auth/o2/token with grant_type=refresh_token and this application\'s client id and secret.',
      rows: [{ label: 'Refresh token', value: issued.refreshToken }],
      onDone: () => slot.replaceChildren(),
    }));
  });
  return section('Self-authorization', { actions: issue },
    h('p', { class: 'muted' }, 'A refresh token lets the application call SP-API as the seller who authorized it; rekey keeps only its keyed hash.'),
    slot);
}

function secretsTable(app, ctx) {
  const rows = [...app.secrets].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt))).map((s) => {
    const usable = s.state === 'current' || s.state === 'old';
    const revoke = usable ? h('button', { type: 'button', class: 'danger small', 'data-key': `revoke-${s.secretId}`,
      onclick: (event) => revokeSecret(app, s, event.currentTarget, ctx) }, 'Revoke') : h('span', { class: 'muted' }, '—');
    return [
      h('span', { class: 'state-cell' }, badge(s.state, secretTone(s.state)), s.expired ? badge('expired', 'bad') : null),
      time(s.createdAt),
      time(s.expiresAt),
      s.lastUsedAt ? time(s.lastUsedAt) : h('span', { class: 'muted' }, 'Never'),
      String(s.useCount ?? 0),
      h('span', { class: 'mono small' }, s.fingerprint),
      revoke,
    ];
  });
  return table('Client secrets', ['State', 'Created', 'Expires', 'Last used', 'Uses', 'Fingerprint', 'Actions'], rows,
    { empty: 'This application has no secrets.' });
}

async function rotateSecret(app, destination, button, ctx) {
  const body = destination
    ? [h('p', null, 'rekey will make a new client secret for ', h('strong', null, app.name), ' and send it to:'),
      h('p', { class: 'destination-callout' }, describeDestination(destination)),
      'The current secret becomes the old one: it keeps working for the grace period after the new secret is delivered, then expires.']
    : [h('p', null, h('strong', null, app.name), ` has no destination for ${typeTitle(NEW_SECRET)}, so rekey will refuse the rotation. Choose one under Notification preferences first.`)];
  const ok = await confirmDialog({ title: 'Rotate the client secret?', body, confirmLabel: 'Confirm rotation' });
  if (!ok) return;
  const answer = await run(button, () => post(`admin/v1/applications/${seg(app.applicationId)}/rotate`));
  if (!answer) return;
  showNotice(`Secret rotated. The new secret (fingerprint ${answer.secret?.fingerprint ?? 'unknown'}) is on its way to ${describeDestination(destination)}.`);
  ctx.rerender();
}

async function revokeSecret(app, secret, button, ctx) {
  const ok = await confirmDialog({
    title: 'Revoke this secret?',
    body: [h('p', null, 'Secret ', h('span', { class: 'mono' }, secret.fingerprint), ` (${secret.state}) stops authenticating at once, and access tokens minted with it are refused.`),
      'This cannot be undone.'],
    confirmLabel: 'Confirm revocation',
    tone: 'danger',
  });
  if (!ok) return;
  const revoked = await run(button, () => post(`admin/v1/applications/${seg(app.applicationId)}/secrets/${seg(secret.secretId)}/revoke`));
  if (!revoked) return;
  showNotice(`Secret ${revoked.fingerprint ?? secret.fingerprint} revoked.`);
  ctx.rerender();
}

function usagePlanForm(app, ctx) {
  const plan = app.usagePlan ?? {};
  const rate = h('input', { type: 'number', name: 'rotateRate', min: '0', step: 'any', inputmode: 'decimal', value: plan.rotateRate ?? '', placeholder: 'Service default' });
  const burst = h('input', { type: 'number', name: 'rotateBurst', min: '1', step: '1', inputmode: 'numeric', value: plan.rotateBurst ?? '', placeholder: 'Service default' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-key': 'plan' }, 'Save usage plan');
  const form = h('form', { class: 'grid-form', 'aria-label': 'Usage plan' },
    field('Rotation rate (per second)', rate, 'Requests per second the rotate call allows; empty: the service default (0.0167, one a minute).'),
    field('Rotation burst', burst, 'Calls allowed at once; empty: the service default (1).'),
    h('div', { class: 'field field-submit' }, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      rotateRate: rate.value === '' ? null : Number(rate.value),
      rotateBurst: burst.value === '' ? null : Number(burst.value),
    };
    const saved = await run(save, () => put(`admin/v1/applications/${seg(app.applicationId)}/usage-plan`, body));
    if (!saved) return;
    showNotice('Usage plan saved.');
    ctx.rerender();
  });
  return section('Usage plan', {}, form);
}
