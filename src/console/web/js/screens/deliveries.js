// Deliveries: the outbox by state (pending, delivered, dead) with attempts, last error and next
// attempt; a dead one can be redelivered. Paged.
import { append, badge, field, h, table, time, uid } from '../dom.js';
import { get, post, qs, seg } from '../api.js';
import { deliveryTone, heading, pager, run, section, showNotice, typeTitle } from '../ui.js';

const LIMIT = 25;
const STATES = [['pending', 'Pending'], ['delivered', 'Delivered'], ['dead', 'Dead']];
const state = { state: 'pending', offset: 0 };
const ALL = ['pending', 'delivered', 'dead'];

// [header, the states whose table shows it, the cell]: a pending item has a next attempt, a
// delivered one a delivery time, a dead one a Redeliver button.
const COLUMNS = [
  ['Notification', ALL, (d) => h('span', null, h('span', { class: 'nowrap' }, typeTitle(d.notificationType)),
    h('span', { class: 'mono small muted id-trunc', title: d.notificationId }, d.notificationId))],
  ['Application', ALL, (d, names) => h('a', { href: `#/applications/${seg(d.applicationId)}/notifications`, title: d.applicationId },
    names.get(d.applicationId) ?? d.applicationId)],
  ['State', ALL, (d) => badge(d.state, deliveryTone(d.state))],
  ['Attempts', ALL, (d) => String(d.attempts ?? 0)],
  ['Last error', ['pending', 'dead'], (d) => (d.lastError ? h('span', { class: 'error-text small last-error' }, d.lastError) : h('span', { class: 'muted' }, '—'))],
  ['Next attempt', ['pending'], (d) => time(d.nextAttemptAt)],
  ['Created', ALL, (d) => time(d.createdAt)],
  ['Delivered', ['delivered'], (d) => time(d.deliveredAt)],
  ['Actions', ['dead'], (d, names, ctx) => (d.state === 'dead'
    ? h('button', { type: 'button', class: 'secondary small', 'data-key': `retry-${d.notificationId}`,
      onclick: (event) => redeliver(d, event.currentTarget, ctx) }, 'Redeliver')
    : h('span', { class: 'muted' }, '—'))],
];

export async function render(view, ctx) {
  ctx.setTitle('Deliveries');
  const [list, apps] = await Promise.all([
    get(`admin/v1/deliveries${qs({ state: state.state, offset: state.offset, limit: LIMIT })}`),
    get(`admin/v1/applications${qs({ limit: 500 })}`),
  ]);
  const names = new Map(apps.applications.map((a) => [a.applicationId, a.name]));
  const select = h('select', { id: uid('state'), name: 'state', 'data-key': 'state' },
    STATES.map(([value, text]) => h('option', { value, selected: value === state.state }, text)));
  select.addEventListener('change', () => { state.state = select.value; state.offset = 0; ctx.rerender(); });
  const filter = h('form', { class: 'inline-form', 'aria-label': 'Filter deliveries' }, field('State', select));
  filter.addEventListener('submit', (event) => event.preventDefault());

  const count = list.total ?? list.deliveries.length;
  append(view, [
    heading('Deliveries', h('p', { class: 'lead' },
      'Every notification rekey sends goes through its outbox: pending until a destination accepts it, retried with backoff, dead after the retry budget.')),
    section(`${STATES.find(([v]) => v === state.state)[1]} (${count})`, { actions: filter },
      table('Deliveries', COLUMNS.filter(([, states]) => states.includes(state.state)).map(([title]) => title),
        list.deliveries.map((d) => COLUMNS.filter(([, states]) => states.includes(state.state)).map(([, , cell]) => cell(d, names, ctx))),
        { empty: `No ${state.state} deliveries.` }),
      pager({ offset: list.offset ?? state.offset, limit: list.limit ?? LIMIT, total: list.total, count: list.deliveries.length,
        label: 'Delivery pages', go: (offset) => { state.offset = offset; ctx.rerender(); } }))]);
}

async function redeliver(delivery, button, ctx) {
  const answer = await run(button, () => post(`admin/v1/deliveries/${seg(delivery.notificationId)}/retry`));
  if (!answer) return;
  showNotice(`Notification ${delivery.notificationId} is pending again and will be delivered shortly.`);
  ctx.rerender();
}
