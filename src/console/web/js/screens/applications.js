// Applications: the list (expiry and destination-health badges, last rotation, enrolment),
// search, paging, and the create form whose answer shows the initial client secret once.
import { append, badge, field, h, table, time, uid } from '../dom.js';
import { get, post, qs, seg } from '../api.js';
import { expiryBadge, healthBadge, heading, oncePanel, pager, run, section, showNotice } from '../ui.js';

const LIMIT = 25;

// Kept while the console is open, so that Back from an application returns to the same page.
const state = { q: '', offset: 0, created: null };

export async function render(view, ctx) {
  ctx.setTitle('Applications');
  const list = await get(`admin/v1/applications${qs({ q: state.q, offset: state.offset, limit: LIMIT })}`);
  if (list.applications.length === 0 && state.offset > 0 && list.total > 0) {
    state.offset = Math.max(0, Math.floor((list.total - 1) / LIMIT) * LIMIT);
    return render(view, ctx);
  }
  // The once-shown secret lives only here until the next screen is drawn.
  const created = state.created;
  state.created = null;

  append(view, [
    heading('Applications', h('p', { class: 'lead' },
      'Each application has a client id and up to two valid client secrets. Rotate them, watch their expiry and see where the new secrets are delivered.')),
    created ? createdPanel(created, ctx) : null,
    createForm(ctx),
    section(`All applications (${list.total})`, { actions: searchForm(ctx) },
      appTable(list.applications),
      pager({ offset: list.offset ?? state.offset, limit: list.limit ?? LIMIT, total: list.total, count: list.applications.length,
        label: 'Application pages', go: (offset) => { state.offset = offset; ctx.rerender(); } }))]);
}

function searchForm(ctx) {
  const input = h('input', { type: 'search', id: uid('search'), name: 'q', value: state.q, placeholder: 'Name, application id or client id', autocomplete: 'off' });
  const form = h('form', { class: 'inline-form', role: 'search', 'aria-label': 'Search applications' },
    h('label', { for: input.id, class: 'visually-hidden' }, 'Search applications'),
    input,
    h('button', { type: 'submit', class: 'secondary', 'data-key': 'search' }, 'Search'),
    state.q ? h('button', { type: 'button', class: 'link-button', onclick: () => { state.q = ''; state.offset = 0; ctx.rerender(); } }, 'Clear search') : null);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.q = input.value.trim();
    state.offset = 0;
    ctx.rerender();
  });
  return form;
}

function appTable(apps) {
  return table('Applications', ['Name', 'Secret', 'Current secret expires', 'Last rotation', 'Enrolled', 'Destination health'],
    apps.map((a) => {
      const [expiryText, expiryTone] = expiryBadge(a.expiry);
      const [healthText, healthTone] = healthBadge(a.destinationHealth);
      return [
        h('div', { class: 'name-cell' },
          h('a', { href: `#/applications/${seg(a.applicationId)}` }, a.name),
          h('span', { class: 'mono small muted id-trunc', title: a.applicationId }, a.applicationId)),
        badge(expiryText, expiryTone),
        time(a.currentSecret?.expiresAt),
        a.lastRotatedAt ? time(a.lastRotatedAt) : h('span', { class: 'muted' }, 'Never'),
        a.enrolled ? badge('Enrolled', 'ok') : h('a', { href: `#/applications/${seg(a.applicationId)}/notifications`, class: 'small' }, 'Not enrolled'),
        badge(healthText, healthTone),
      ];
    }),
    { empty: state.q ? `No application matches “${state.q}”.` : 'No applications yet. Create the first one above.' });
}

function createForm(ctx) {
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: '200', autocomplete: 'off' });
  const rate = h('input', { type: 'number', name: 'rotateRate', min: '0', step: 'any', inputmode: 'decimal', placeholder: '0.0167' });
  const burst = h('input', { type: 'number', name: 'rotateBurst', min: '1', step: '1', inputmode: 'numeric', placeholder: '1' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-key': 'create' }, 'Create application');
  const form = h('form', { class: 'grid-form', 'aria-label': 'Create an application' },
    field('Name', name),
    field('Rotation rate (per second)', rate, 'Optional; empty uses the service default.'),
    field('Rotation burst', burst, 'Optional; empty uses the service default.'),
    h('div', { class: 'field field-submit' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim() };
    if (rate.value !== '') body.rotateRate = Number(rate.value);
    if (burst.value !== '') body.rotateBurst = Number(burst.value);
    const app = await run(submit, () => post('admin/v1/applications', body));
    if (!app) return;
    state.created = app;
    state.q = '';
    state.offset = 0;
    showNotice(`Application “${app.name}” created.`);
    ctx.rerender();
  });
  return section('Create an application', {}, form);
}

function createdPanel(app, ctx) {
  return oncePanel({
    title: 'New client secret',
    intro: h('span', null, 'The application ', h('strong', null, app.name), ' was created. Its LWA credentials are below; ',
      h('a', { href: `#/applications/${seg(app.applicationId)}/notifications` }, 'set its notification preferences'),
      ' next so that it can rotate.'),
    rows: [
      { label: 'Client id', value: app.clientId },
      { label: 'Client secret', value: app.clientSecret },
    ],
    note: 'Copy it now and store it somewhere safe: rekey keeps only a keyed hash of it.',
    onDone: () => ctx.rerender(),
  });
}
