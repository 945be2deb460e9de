// Audit log: the hash-chained trail, oldest first, paged with the API's `after` cursor, filtered
// by application and action, with the chain's verification status (checked when asked: it reads
// the whole trail).
import { append, badge, field, h, table, time, uid } from '../dom.js';
import { get, qs, seg } from '../api.js';
import { heading, run, section } from '../ui.js';

const LIMIT = 50;
// Actions rekey writes, offered as suggestions (the filter takes any text).
const KNOWN_ACTIONS = [
  'application.created', 'usage_plan.changed', 'destination.created', 'subscription.set', 'subscription.removed',
  'secret.rotated', 'secret.expired', 'secret.revoked', 'refresh_token.created', 'auth.failed', 'delivery.retried',
  'access_key.created', 'access_key.revoked', 'queue.message_revealed', 'queue.purged', 'maintenance.on',
  'maintenance.off', 'dev.clock_advanced', 'console.signed_in', 'console.signed_out', 'console.sign_in_failed',
];

// cursors: the `after` of each page seen so far, so that Previous page goes back. verify: the
// latest verification's answer, kept while the console is open.
const state = { application: '', action: '', cursors: [0], verify: null };

export async function render(view, ctx) {
  ctx.setTitle('Audit log');
  const after = state.cursors[state.cursors.length - 1];
  const [page, apps] = await Promise.all([
    get(`admin/v1/audit${qs({ after, limit: LIMIT, application: state.application, action: state.action })}`),
    get(`admin/v1/applications${qs({ limit: 500 })}`),
  ]);
  const names = new Map(apps.applications.map((a) => [a.applicationId, a.name]));

  append(view, [
    heading('Audit log', h('p', { class: 'lead' },
      'Every change and every refused sign-in, written in the same transaction as the action and chained by SHA-256 so that a gap or an edit shows.')),
    verifySection(state.verify, ctx),
    section('Entries', { actions: filterForm(apps.applications, ctx) },
      table('Audit entries', ['#', 'Time', 'Action', 'Actor', 'Application', 'Detail', 'Request id'],
        page.entries.map((e) => [
          String(e.seq),
          time(e.at),
          h('span', { class: 'mono small' }, e.action),
          e.actor,
          e.applicationId
            ? h('a', { href: `#/applications/${seg(e.applicationId)}` }, names.get(e.applicationId) ?? e.applicationId)
            : h('span', { class: 'muted' }, '—'),
          h('span', { class: 'small' }, e.detail || '', e.fingerprint ? h('span', { class: 'mono muted block' }, `secret ${e.fingerprint}`) : null),
          e.requestId ? h('span', { class: 'mono small muted id-trunc id-short', title: e.requestId }, e.requestId) : h('span', { class: 'muted' }, '—'),
        ]),
        { empty: state.application || state.action ? 'No entries match the filters.' : 'The audit log is empty.' }),
      h('nav', { class: 'pager', 'aria-label': 'Audit pages' },
        h('span', { class: 'muted' }, `Page ${state.cursors.length}`),
        h('button', { type: 'button', class: 'secondary small', disabled: state.cursors.length <= 1,
          onclick: () => { state.cursors.pop(); ctx.rerender(); } }, 'Previous page'),
        h('button', { type: 'button', class: 'secondary small', disabled: page.next === undefined || page.next === null,
          onclick: () => { state.cursors.push(page.next); ctx.rerender(); } }, 'Next page')))]);
}

function verifySection(verify, ctx) {
  const again = h('button', { type: 'button', class: 'secondary small', 'data-key': 'verify',
    onclick: async (event) => {
      const checked = await run(event.currentTarget, () => get('admin/v1/audit/verify'));
      if (!checked) return;
      state.verify = { ...checked, at: new Date().toISOString() };
      ctx.rerender();
    } }, verify ? 'Verify again' : 'Verify chain');
  if (!verify) {
    return section('Chain verification', { actions: again },
      h('p', { class: 'muted' }, 'Verify reads the whole trail and checks that each entry’s hash covers the one before it.'));
  }
  const status = verify.ok
    ? h('p', { class: 'verify verify-ok' }, badge('Chain intact', 'ok'), ` All ${verify.entries} entries verify: each one’s hash covers the one before it.`)
    : h('p', { class: 'verify verify-bad' }, badge('Chain broken', 'bad'),
      ` Checked ${verify.entries} entries; the first bad one is #${verify.firstBad?.seq ?? '?'}`,
      verify.firstBad?.action ? ` (${verify.firstBad.action})` : '', verify.why ? `: ${verify.why}` : '.');
  return section('Chain verification', { actions: again }, status);
}

function filterForm(apps, ctx) {
  const application = h('select', { id: uid('app'), name: 'application' },
    h('option', { value: '' }, 'All applications'),
    apps.map((a) => h('option', { value: a.applicationId, selected: a.applicationId === state.application }, a.name)));
  const listId = uid('actions');
  const action = h('input', { type: 'text', id: uid('action'), name: 'action', value: state.action, list: listId, autocomplete: 'off', placeholder: 'Any action' });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Filter the audit log' },
    field('Application', application),
    field('Action', action),
    h('datalist', { id: listId }, KNOWN_ACTIONS.map((a) => h('option', { value: a }))),
    h('button', { type: 'submit', class: 'secondary', 'data-key': 'filter' }, 'Filter'),
    state.application || state.action
      ? h('button', { type: 'button', class: 'link-button', onclick: () => { state.application = ''; state.action = ''; state.cursors = [0]; ctx.rerender(); } }, 'Clear filters')
      : null);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.application = application.value;
    state.action = action.value.trim();
    state.cursors = [0];
    ctx.rerender();
  });
  return form;
}
