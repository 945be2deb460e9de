// Application → Notification preferences: Amazon's two rows, "Application Client New Secret"
// and "Application Client Secret Expiry". Each shows its destination and last delivery, lets
// the operator choose an existing destination or create one (embedded queue, SQS queue with
// keys, webhook URL) and subscribe, unsubscribe, or send a test message.
import { append, badge, field, h, table, time, uid } from '../dom.js';
import { del, get, post, put, seg } from '../api.js';
import {
  NOTIFICATION_TYPES, deliveryTone, describeDestination, heading, oncePanel, run, section, showNotice, typeTitle,
} from '../ui.js';
import { appNav, breadcrumb } from '../app_nav.js';

// A webhook's signing secret, shown once in the row that created it (until the next draw).
let justCreated = null;

export async function render(view, ctx) {
  const [id] = ctx.params;
  const app = await get(`admin/v1/applications/${seg(id)}`);
  ctx.setTitle(`${app.name} · Notification preferences`);
  const created = justCreated;
  justCreated = null;
  append(view, [
    breadcrumb(app),
    heading(app.name, h('p', { class: 'lead mono small' }, app.applicationId)),
    appNav(app, 'notifications'),
    h('div', { class: 'rows' }, NOTIFICATION_TYPES.map((t) => row(app, t, created?.type === t.type ? created : null, ctx))),
    destinationsSection(app),
    recentDeliveries(app)]);
}

function latestDelivery(app, type) {
  return app.deliveries
    .filter((d) => d.notificationType === type)
    .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)))[0];
}

function lastDeliveryText(delivery) {
  if (!delivery) return h('span', { class: 'muted' }, 'Nothing sent yet');
  return h('span', { class: 'delivery-cell' },
    badge(delivery.state, deliveryTone(delivery.state)), ' ',
    time(delivery.deliveredAt ?? delivery.createdAt),
    delivery.attempts ? h('span', { class: 'muted small' }, ` · ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`) : null,
    delivery.lastError ? h('span', { class: 'error-text small' }, delivery.lastError) : null);
}

function row(app, { type, title, about }, created, ctx) {
  const headingId = uid('row');
  const subscription = app.subscriptions.find((s) => s.notificationType === type);
  const destination = subscription ? app.destinations.find((d) => d.destinationId === subscription.destinationId) : null;
  const key = type.toLowerCase();

  const actions = subscription ? [
    h('button', { type: 'button', class: 'secondary', 'data-key': `test-${key}`,
      onclick: (event) => sendTest(destination, event.currentTarget) }, 'Send test'),
    h('button', { type: 'button', class: 'secondary', 'data-key': `unsubscribe-${key}`,
      onclick: (event) => unsubscribe(app, type, event.currentTarget, ctx) }, 'Unsubscribe'),
  ] : [];

  return h('section', { class: 'card notification-row', 'aria-labelledby': headingId },
    h('div', { class: 'card-head' },
      h('div', null, h('h2', { id: headingId }, title), h('p', { class: 'mono small muted' }, type)),
      subscription ? badge('Subscribed', 'ok') : badge('Not subscribed', 'neutral')),
    h('p', null, about),
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, 'Current destination'), h('dd', null, destination ? describeDestination(destination) : h('span', { class: 'muted' }, 'None'))),
      h('div', null, h('dt', null, 'Last delivery'), h('dd', null, lastDeliveryText(latestDelivery(app, type))))),
    created ? oncePanel({
      title: 'Webhook signing secret',
      intro: 'rekey signs each webhook request with HMAC-SHA256 under this secret; your endpoint checks the signature with it.',
      rows: [{ label: 'Signing secret', value: created.signingSecret }],
    }) : null,
    subscribeForm(app, type, title, subscription, ctx),
    actions.length ? h('div', { class: 'actions row-actions' }, actions) : null);
}

function subscribeForm(app, type, title, subscription, ctx) {
  const key = type.toLowerCase();
  const select = h('select', { name: 'destination', id: uid('dest') },
    app.destinations.map((d) => h('option', { value: d.destinationId, selected: d.destinationId === subscription?.destinationId }, describeDestination(d))),
    h('option', { value: 'new-embedded' }, 'New embedded queue…'),
    h('option', { value: 'new-sqs' }, 'New Amazon SQS queue…'),
    h('option', { value: 'new-webhook' }, 'New webhook…'));
  if (!subscription && app.destinations.length === 0) select.value = 'new-embedded';

  const queue = h('input', { type: 'text', name: 'queue', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'my-app-notifications' });
  const queueUrl = h('input', { type: 'url', name: 'queueUrl', required: true, autocomplete: 'off', placeholder: 'https://sqs.us-east-1.amazonaws.com/123456789012/my-queue' });
  const region = h('input', { type: 'text', name: 'region', value: 'us-east-1', autocomplete: 'off' });
  const accessKeyId = h('input', { type: 'text', name: 'accessKeyId', required: true, autocomplete: 'off', spellcheck: 'false' });
  const secretAccessKey = h('input', { type: 'password', name: 'secretAccessKey', required: true, autocomplete: 'new-password' });
  const url = h('input', { type: 'url', name: 'url', required: true, autocomplete: 'off', placeholder: 'https://example.com/rekey-webhook' });

  const kinds = {
    'new-embedded': h('fieldset', { class: 'new-destination' }, h('legend', null, 'New embedded queue'),
      field('Queue name', queue, 'rekey’s own SQS-compatible queue: a name, an ARN or a queue URL. It is created if it does not exist.')),
    'new-sqs': h('fieldset', { class: 'new-destination' }, h('legend', null, 'New Amazon SQS queue'),
      field('Queue URL', queueUrl),
      field('Region', region),
      field('Access key ID', accessKeyId),
      field('Secret access key', secretAccessKey, 'Stored encrypted; used only to sign SendMessage.')),
    'new-webhook': h('fieldset', { class: 'new-destination' }, h('legend', null, 'New webhook'),
      field('Webhook URL', url, 'rekey POSTs the notification JSON here, signed with HMAC-SHA256.')),
  };
  const showKind = () => {
    for (const [value, fieldset] of Object.entries(kinds)) {
      const on = select.value === value;
      fieldset.hidden = !on;
      fieldset.disabled = !on;  // hidden fields are neither validated nor sent
    }
  };
  select.addEventListener('change', showKind);
  showKind();

  const submit = h('button', { type: 'submit', class: 'primary', 'data-key': `subscribe-${key}` }, 'Subscribe');
  const form = h('form', { class: 'subscribe-form' },
    field('Destination', select),
    Object.values(kinds),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let madeDestination = false;
    const done = await run(submit, async () => {
      let destinationId = select.value;
      let signingSecret = null;
      const base = `admin/v1/applications/${seg(app.applicationId)}`;
      if (destinationId.startsWith('new-')) {
        const body = {
          'new-embedded': () => ({ kind: 'embedded', queue: queue.value.trim() }),
          'new-sqs': () => ({ kind: 'sqs', queueUrl: queueUrl.value.trim(), region: region.value.trim() || undefined,
            accessKeyId: accessKeyId.value.trim(), secretAccessKey: secretAccessKey.value }),
          'new-webhook': () => ({ kind: 'webhook', url: url.value.trim() }),
        }[destinationId]();
        const destination = await post(`${base}/destinations`, body);
        secretAccessKey.value = '';
        madeDestination = true;
        destinationId = destination.destinationId;
        signingSecret = destination.signingSecret ?? null;
        if (signingSecret) justCreated = { type, signingSecret };
      }
      await put(`${base}/subscriptions/${seg(type)}`, { destinationId });
      return true;
    });
    if (done) showNotice(`Subscribed ${title}.`);
    if (done || madeDestination) ctx.rerender();
  });
  return form;
}

async function sendTest(destination, button) {
  const answer = await run(button, () => post(`admin/v1/destinations/${seg(destination.destinationId)}/test`));
  if (answer) showNotice(`Test message delivered to ${describeDestination(destination)}.`);
}

async function unsubscribe(app, type, button, ctx) {
  const done = await run(button, async () => {
    await del(`admin/v1/applications/${seg(app.applicationId)}/subscriptions/${seg(type)}`);
    return true;
  });
  if (!done) return;
  showNotice(`Unsubscribed ${typeTitle(type)}.`);
  ctx.rerender();
}

function destinationsSection(app) {
  const usedBy = (d) => app.subscriptions.filter((s) => s.destinationId === d.destinationId).map((s) => typeTitle(s.notificationType));
  return section('Destinations', {},
    table('Destinations', ['Destination', 'Kind', 'Used by', 'Created'],
      app.destinations.map((d) => [
        describeDestination(d),
        d.kind,
        usedBy(d).length ? usedBy(d).join(', ') : h('span', { class: 'muted' }, 'Nothing'),
        time(d.createdAt),
      ]),
      { empty: 'No destinations yet. Choose “New embedded queue…” in a row above to make one.' }));
}

function recentDeliveries(app) {
  const items = [...app.deliveries].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt))).slice(0, 10);
  return section('Recent deliveries', { actions: h('a', { href: '#/deliveries' }, 'All deliveries') },
    table('Recent deliveries', ['Notification', 'State', 'Attempts', 'Created', 'Delivered', 'Last error'],
      items.map((d) => [
        h('span', null, h('span', { class: 'nowrap' }, typeTitle(d.notificationType)),
          h('span', { class: 'mono small muted id-trunc', title: d.notificationId }, d.notificationId)),
        badge(d.state, deliveryTone(d.state)),
        String(d.attempts ?? 0),
        time(d.createdAt),
        time(d.deliveredAt),
        d.lastError ? h('span', { class: 'error-text small' }, d.lastError) : h('span', { class: 'muted' }, '—'),
      ]),
      { empty: 'Nothing delivered yet.' }));
}
