// Queues: rekey's embedded SQS-compatible queues with their depth (visible, in flight,
// delayed), a non-destructive peek in which a new secret is masked until revealed (each reveal
// audited), purge (confirmed); and the SigV4 access keys consumers use (list, create with the
// secret shown once, revoke).
import { append, badge, field, h, table, time, uid } from '../dom.js';
import { get, post, qs, seg } from '../api.js';
import { confirmDialog, heading, oncePanel, pager, run, section, showError, showNotice } from '../ui.js';

const LIMIT = 25;
const PEEK_LIMIT = 10;
const state = { offset: 0, keysOffset: 0, peek: null, createdKey: null };

const queueKey = (q) => `${q.account}/${q.name}`;

export async function render(view, ctx) {
  ctx.setTitle('Queues');
  if (!ctx.again) state.peek = null;  // revealed bodies do not outlive the visit
  const [queues, keys] = await Promise.all([
    get(`admin/v1/queues${qs({ offset: state.offset, limit: LIMIT })}`),
    get(`admin/v1/access-keys${qs({ offset: state.keysOffset, limit: LIMIT })}`),
  ]);
  const peeked = state.peek ? queues.queues.find((q) => queueKey(q) === state.peek.key) : null;
  let messages = null;
  if (state.peek) {
    const account = state.peek.key.split('/')[0];
    const name = state.peek.key.slice(account.length + 1);
    try {
      messages = await get(`admin/v1/queues/${seg(account)}/${seg(name)}/messages${qs({ limit: PEEK_LIMIT })}`);
    } catch (e) {
      state.peek = null;
      showError(e);
    }
  }
  const createdKey = state.createdKey;
  state.createdKey = null;

  append(view, [
    heading('Queues', h('p', { class: 'lead' },
      'rekey’s embedded SQS-compatible queues, where embedded destinations deliver. Consumers read them with any SQS client and an access key below.')),
    section(`Embedded queues (${queues.total ?? queues.queues.length})`, {},
      table('Embedded queues', ['Queue', 'Visible', 'In flight', 'Delayed', 'URL', 'Actions'],
        queues.queues.map((q) => [
          h('span', null, q.name, h('span', { class: 'mono small muted block' }, `account ${q.account}`)),
          String(q.visible ?? 0),
          String(q.inFlight ?? 0),
          String(q.delayed ?? 0),
          h('span', { class: 'mono small' }, q.url),
          h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'secondary small', 'data-key': `peek-${queueKey(q)}`,
              onclick: () => { state.peek = { key: queueKey(q), revealed: {} }; ctx.rerender(); } }, 'Peek'),
            h('button', { type: 'button', class: 'danger small', 'data-key': `purge-${queueKey(q)}`,
              onclick: (event) => purge(q, event.currentTarget, ctx) }, 'Purge')),
        ]),
        { empty: 'No queues yet. An embedded destination creates its queue.' }),
      pager({ offset: queues.offset ?? state.offset, limit: queues.limit ?? LIMIT, total: queues.total, count: queues.queues.length,
        label: 'Queue pages', go: (offset) => { state.offset = offset; ctx.rerender(); } })),
    messages ? peekSection(state.peek, peeked, messages.messages, ctx) : null,
    accessKeysSection(keys, createdKey, ctx)]);
}

function pretty(body) {
  try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
}

function peekSection(peek, queue, messages, ctx) {
  const title = `Messages in ${peek.key}`;
  const refresh = h('button', { type: 'button', class: 'secondary small', 'data-key': 'peek-refresh', onclick: () => ctx.rerender() }, 'Refresh');
  const close = h('button', { type: 'button', class: 'secondary small', onclick: () => { state.peek = null; ctx.rerender(); } }, 'Close');
  return section(title, { actions: [refresh, close], className: 'peek' },
    h('p', { class: 'muted' },
      `The oldest ${PEEK_LIMIT} visible messages. Peeking does not receive them: consumers still get every one. `,
      'A new client secret is masked; Reveal shows it and is written to the audit log.',
      queue ? ` ${queue.visible ?? 0} visible, ${queue.inFlight ?? 0} in flight, ${queue.delayed ?? 0} delayed.` : ''),
    messages.length === 0 ? h('p', { class: 'empty' }, 'No visible messages.')
      : h('ul', { class: 'messages', 'aria-label': title }, messages.map((m) => messageItem(peek, m, ctx))));
}

function messageItem(peek, m, ctx) {
  const revealed = peek.revealed[m.messageId];
  const body = h('pre', { class: 'message-body', tabindex: '0', 'aria-label': `Body of message ${m.messageId}` }, pretty(revealed ?? m.body));
  let control = null;
  if (revealed !== undefined) {
    control = h('button', { type: 'button', class: 'secondary small', 'data-key': `hide-${m.messageId}`,
      onclick: () => { delete peek.revealed[m.messageId]; ctx.rerender(); } }, 'Hide');
  } else if (m.masked) {
    control = h('button', { type: 'button', class: 'secondary small', 'data-key': `reveal-${m.messageId}`,
      onclick: (event) => reveal(peek, m, event.currentTarget, ctx) }, 'Reveal');
  }
  return h('li', { class: 'message' },
    h('div', { class: 'message-head' },
      h('span', { class: 'mono small' }, m.messageId),
      h('span', { class: 'muted small' }, 'sent ', time(m.sentAt), ` · received ${m.receiveCount ?? 0}×`),
      revealed !== undefined ? badge('revealed', 'warn') : m.masked ? badge('masked', 'info') : null,
      control),
    body);
}

async function reveal(peek, m, button, ctx) {
  const account = peek.key.split('/')[0];
  const name = peek.key.slice(account.length + 1);
  const answer = await run(button, () => post(`admin/v1/queues/${seg(account)}/${seg(name)}/messages/${seg(m.messageId)}/reveal`));
  if (!answer) return;
  peek.revealed[m.messageId] = answer.body;
  showNotice('Message revealed. The reveal is recorded in the audit log.');
  ctx.rerender();
}

async function purge(q, button, ctx) {
  const ok = await confirmDialog({
    title: 'Purge this queue?',
    body: [h('p', null, 'Every message in ', h('strong', null, queueKey(q)), ' is deleted, including any new secret not yet received. Consumers will never see them.'),
      'This cannot be undone.'],
    confirmLabel: 'Confirm purge',
    tone: 'danger',
  });
  if (!ok) return;
  const answer = await run(button, () => post(`admin/v1/queues/${seg(q.account)}/${seg(q.name)}/purge`));
  if (!answer) return;
  showNotice(`Queue ${queueKey(q)} purged.`);
  ctx.rerender();
}

function accessKeysSection(keys, createdKey, ctx) {
  const account = h('input', { type: 'text', name: 'account', required: true, value: '000000000000', pattern: '[0-9]{12}', inputmode: 'numeric', maxlength: '12', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-key': 'create-key' }, 'Create access key');
  const form = h('form', { class: 'grid-form', 'aria-label': 'Create an access key' },
    field('Account', account, 'The 12-digit account whose queues the key may use; bare queue names live in 000000000000.'),
    h('div', { class: 'field field-submit' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const created = await run(submit, () => post('admin/v1/access-keys', { account: account.value.trim() }));
    if (!created) return;
    state.createdKey = created;
    showNotice(`Access key ${created.accessKeyId} created.`);
    ctx.rerender();
  });
  return section(`Access keys (${keys.total ?? keys.accessKeys.length})`, {},
    h('p', { class: 'muted' }, 'SigV4 credentials for SQS clients. rekey shows the secret access key only when the key is made.'),
    createdKey ? oncePanel({
      title: 'New access key',
      intro: `For account ${createdKey.account}. Give both values to the consumer (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).`,
      rows: [
        { label: 'Access key ID', value: createdKey.accessKeyId },
        { label: 'Secret access key', value: createdKey.secretAccessKey },
      ],
      onDone: () => ctx.rerender(),
    }) : null,
    form,
    table('Access keys', ['Access key ID', 'Account', 'Created', 'Actions'],
      keys.accessKeys.map((k) => [
        h('span', { class: 'mono' }, k.accessKeyId),
        h('span', { class: 'mono' }, k.account),
        time(k.createdAt),
        k.revoked ? badge('revoked', 'bad')
          : h('button', { type: 'button', class: 'danger small', 'data-key': `revoke-${k.accessKeyId}`,
            onclick: (event) => revokeKey(k, event.currentTarget, ctx) }, 'Revoke'),
      ]),
      { empty: 'No access keys yet.' }),
    pager({ offset: keys.offset ?? state.keysOffset, limit: keys.limit ?? LIMIT, total: keys.total, count: keys.accessKeys.length,
      label: 'Access key pages', go: (offset) => { state.keysOffset = offset; ctx.rerender(); } }));
}

async function revokeKey(key, button, ctx) {
  const ok = await confirmDialog({
    title: 'Revoke this access key?',
    body: [h('p', null, 'Requests signed with ', h('span', { class: 'mono' }, key.accessKeyId), ' are refused from now on.'), 'This cannot be undone.'],
    confirmLabel: 'Confirm revocation',
    tone: 'danger',
  });
  if (!ok) return;
  const answer = await run(button, () => post(`admin/v1/access-keys/${seg(key.accessKeyId)}/revoke`));
  if (!answer) return;
  showNotice(`Access key ${key.accessKeyId} revoked.`);
  ctx.rerender();
}
