// The console's only way to make DOM: h() builds an element with createElement, sets attributes
// one by one and appends children as nodes or text nodes. Text is never parsed as HTML, so a
// string from the API (an application name, a queue name, a webhook URL, a message body) is
// always inert. There is no innerHTML, insertAdjacentHTML, document.write or eval anywhere in
// the console, and no inline event attribute: listeners are functions passed as `onclick` etc.

const BOOLEAN_PROPS = new Set(['disabled', 'checked', 'selected', 'required', 'readOnly', 'hidden', 'multiple']);

// h('button', { class: 'primary', onclick: fn }, 'Save') → <button class="primary">Save</button>
// attrs: `class`, `dataset` (object), `on<event>` (a function), `value` (set as the property),
// booleans (true sets the attribute, false/null/undefined leave it out), anything else as text.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) {
      if (typeof value !== 'function') throw new TypeError(`${key} must be a function`);
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value') {
      el.value = String(value);
    } else if (BOOLEAN_PROPS.has(key)) {
      el[key] = true;
    } else if (key === 'style') {
      throw new TypeError('inline styles are refused by the CSP; use a class');
    } else if (key === 'href' && !/^(#|https?:|\.{0,2}\/(?!\/))/i.test(String(value))) {
      throw new TypeError('href must be a hash route or an http(s) URL');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

// Appends nodes and strings (as text nodes); arrays are flattened; null/undefined/false skipped.
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Replaces everything inside el with children.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let ids = 0;
// A fresh id for pairing <label for> with its control.
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

// "2026-12-02T06:52:17.456Z" → <time datetime="…">2026-12-02 06:52:17 UTC</time>; '—' when absent.
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return h('time', { datetime: iso }, formatTime(d));
}

export function formatTime(d) {
  const text = d.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)} UTC`;
}

// A pill: badge('Expired', 'bad'). Tones: ok, warn, bad, info, neutral.
export function badge(text, tone = 'neutral') {
  return h('span', { class: `badge badge-${tone}` }, text);
}

// A labelled form field: { label, input, hint } laid out as one grid cell.
export function field(label, input, hint) {
  if (!input.id) input.id = uid('f');
  const hintEl = hint ? h('span', { class: 'hint', id: `${input.id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl);
}

// A table; on narrow screens each row stacks into a card of label/value lines (console.css).
// columns: header texts; rows: arrays of cells (nodes or text); the first cell is a row header.
export function table(caption, columns, rows, { empty = 'Nothing to show.', rowHeader = true } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', null,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((cells) => h('tr', null, cells.map((c, i) => {
        // data-label: the column's name, shown beside the value when narrow screens stack a row.
        const value = h('div', { class: 'cell' }, c);
        return i === 0 && rowHeader ? h('th', { scope: 'row', 'data-label': columns[i] }, value) : h('td', { 'data-label': columns[i] }, value);
      }))))));
}
