// The transparency report (DSA Art. 15/24) for a period, with charts (Chart.js): decisions by category, action and
// detection source, median time to action, appeal outcomes.
import { api } from '../api.js';
import { h, show, field } from '../ui.js';

const charts = [];

export async function transparencyView() {
  const today = new Date();
  const start = new Date(today.getTime() - 30 * 86400000);
  const from = h('input', { id: 'tr-from', type: 'date', value: start.toISOString().slice(0, 10) });
  const to = h('input', { id: 'tr-to', type: 'date', value: new Date(today.getTime() + 86400000).toISOString().slice(0, 10) });
  const body = h('div', { id: 'transparency' });
  const load = async e => {
    if (e) e.preventDefault();
    const r = JSON.parse(await api('/v1/admin/transparency/report?from=' + from.value + 'T00:00:00Z&to=' + to.value + 'T00:00:00Z', { as: 'text' }));
    charts.splice(0).forEach(c => c.destroy());
    const canvases = [['chart-category', 'Decisions by category', r.decisions_by_category], ['chart-action', 'Decisions by action', r.decisions_by_action],
      ['chart-source', 'Decisions by detection source', r.decisions_by_detection_source], ['chart-appeals', 'Appeal outcomes', r.appeals]];
    body.replaceChildren(
      h('div', { class: 'charts' },
        stat('Notices received', r.notices_received), stat('Actions taken', r.actions_taken),
        stat('Median time to action', r.median_time_to_action_seconds == null ? '—' : duration(r.median_time_to_action_seconds))),
      h('div', { class: 'charts' }, canvases.map(([id, title, data]) => h('figure', { class: 'card' },
        h('figcaption', {}, h('strong', {}, title)),
        h('canvas', { id, role: 'img', 'aria-label': title + ': ' + describe(data) }),
        h('p', { class: 'sr-only' }, describe(data))))));
    for (const [id, title, data] of canvases) {
      const entries = Object.entries(data || {});
      charts.push(new Chart(document.getElementById(id), {
        type: 'bar',
        data: { labels: entries.map(([k]) => k.replace(/_/g, ' ')), datasets: [{ label: title, data: entries.map(([, v]) => v), backgroundColor: '#0b5cad' }] },
        options: { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      }));
    }
  };
  show(h('section', { 'aria-labelledby': 'tr-title' }, h('h2', { id: 'tr-title' }, 'Transparency report'),
    h('form', { class: 'card row', onsubmit: load }, field('From', from), field('To (exclusive)', to), h('div', {}, h('button', { type: 'submit' }, 'Show'))),
    body));
  await load();
}

function stat(label, value) {
  return h('div', { class: 'card' }, h('p', { class: 'hint' }, label), h('p', { class: 'stat' }, String(value)));
}

function describe(data) {
  const entries = Object.entries(data || {});
  return entries.length ? entries.map(([k, v]) => k + ' ' + v).join(', ') : 'no data';
}

function duration(seconds) {
  return seconds < 120 ? Math.round(seconds) + ' s' : seconds < 7200 ? Math.round(seconds / 60) + ' min' : (seconds / 3600).toFixed(1) + ' h';
}
