// Small DOM helpers: every text goes in as a text node, never as HTML, so content from users cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function show(...nodes) {
  const view = document.getElementById('view');
  view.replaceChildren(...nodes);
}

let messageTimer;
let confirmedAt = 0;
export function say(text, kind = 'info') {
  const box = document.getElementById('message');
  clearTimeout(messageTimer);
  if (kind === 'ok') confirmedAt = Date.now();
  box.className = 'message ' + kind;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.replaceChildren(...(Array.isArray(text) ? text : [text]));
  if (kind === 'ok') messageTimer = setTimeout(() => clear(), 8000);
}

/** Clears the message, except a confirmation from the last moment: it outlives the navigation it caused. */
export function clear() {
  if (Date.now() - confirmedAt < 1500) return;
  const box = document.getElementById('message');
  box.className = 'message';
  box.replaceChildren();
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

/** "in 4 min" / "12 min ago": SLA and lease timers. */
export function relative(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 90 ? abs + ' s' : abs < 5400 ? Math.round(abs / 60) + ' min' : Math.round(abs / 3600) + ' h';
  return seconds >= 0 ? 'in ' + text : text + ' ago';
}

export function pill(text, kind = '') {
  return h('span', { class: 'pill ' + kind }, text);
}

export function field(labelText, control, hint) {
  const id = control.id || ('f-' + Math.random().toString(36).slice(2));
  control.id = id;
  return h('div', {}, h('label', { for: id }, labelText, hint ? h('span', { class: 'hint' }, ' — ' + hint) : null), control);
}

export function table(headers, rows, caption) {
  return h('table', {}, caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
}
