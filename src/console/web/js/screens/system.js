// System: version, storage backend, readiness, maintenance mode (with the banner), and in
// --dev the clock with buttons to advance it 1, 7, 30 or 90 days.
import { append, badge, formatTime, h, time } from '../dom.js';
import { get, post, put } from '../api.js';
import { confirmDialog, heading, refreshBanner, run, section, showNotice } from '../ui.js';

const ADVANCES = [['1d', 'Advance 1 day'], ['7d', 'Advance 7 days'], ['30d', 'Advance 30 days'], ['90d', 'Advance 90 days']];

export async function render(view, ctx) {
  ctx.setTitle('System');
  const info = await get('admin/v1/system');
  const clock = info.dev ? await get('admin/v1/dev/clock') : null;
  append(view, [
    heading('System'),
    section('This node', {},
      h('dl', { class: 'facts' },
        h('div', null, h('dt', null, 'Version'), h('dd', { class: 'mono' }, info.version)),
        h('div', null, h('dt', null, 'Storage'), h('dd', null, info.storage === 'postgresql' ? 'PostgreSQL' : info.storage === 'sqlite' ? 'SQLite' : info.storage)),
        h('div', null, h('dt', null, 'Readiness'), h('dd', null, info.ready ? badge('Ready', 'ok') : badge('Not ready', 'bad'))),
        h('div', null, h('dt', null, 'Mode'), h('dd', null, info.dev ? badge('Development (--dev)', 'warn') : badge('Production', 'neutral'))),
        h('div', null, h('dt', null, 'Time'), h('dd', null, time(info.now))))),
    maintenanceSection(info, ctx),
    clock ? clockSection(clock, ctx) : null]);
}

function maintenanceSection(info, ctx) {
  const on = Boolean(info.maintenance);
  const toggle = h('button', { type: 'button', class: on ? 'primary' : 'danger', 'data-key': 'maintenance',
    onclick: (event) => setMaintenance(!on, event.currentTarget, ctx) }, on ? 'Turn maintenance off' : 'Turn maintenance on');
  return section('Maintenance mode', {},
    h('p', null, 'Status: ', on ? badge('On', 'warn') : badge('Off', 'ok')),
    h('p', { class: 'muted' },
      'While it is on, the SP-API rotate call answers 503 ServiceUnavailable, as Amazon does in its own maintenance. ',
      'The token endpoint, the queues, the admin API and this console keep working. The setting is stored: it survives a restart and reaches every node.'),
    h('div', { class: 'actions' }, toggle));
}

async function setMaintenance(enabled, button, ctx) {
  if (enabled) {
    const ok = await confirmDialog({
      title: 'Turn maintenance mode on?',
      body: 'Applications calling the SP-API rotate operation get 503 ServiceUnavailable until you turn it off.',
      confirmLabel: 'Turn maintenance on',
      tone: 'danger',
    });
    if (!ok) return;
  }
  const answer = await run(button, () => put('admin/v1/system/maintenance', { enabled }));
  if (!answer) return;
  refreshBanner(answer);
  showNotice(enabled ? 'Maintenance mode turned on.' : 'Maintenance mode turned off.');
  ctx.rerender();
}

function clockSection(clock, ctx) {
  const days = Math.round((clock.offsetMs ?? 0) / 86_400_000 * 100) / 100;
  return section('Development clock', {},
    h('p', { class: 'muted' },
      'rekey’s clock in --dev mode can jump forward, to watch secrets age, expiry warnings arrive and old secrets expire. SigV4 request signing keeps real time.'),
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, 'rekey’s time'), h('dd', { id: 'dev-clock-now' }, time(clock.now))),
      h('div', null, h('dt', null, 'Ahead of real time'), h('dd', { id: 'dev-clock-offset' }, `${days} day${days === 1 ? '' : 's'}`))),
    h('div', { class: 'actions' }, ADVANCES.map(([advance, label]) =>
      h('button', { type: 'button', class: 'secondary', 'data-key': `advance-${advance}`,
        onclick: async (event) => {
          const answer = await run(event.currentTarget, () => post('admin/v1/dev/clock', { advance }));
          if (!answer) return;
          showNotice(`Clock advanced ${label.slice('Advance '.length)}; rekey’s time is now ${formatTime(new Date(answer.now))}.`);
          ctx.rerender();
        } }, label))));
}
