// Queues per category: open, claimed, SLA breaches, the oldest open case; claim the next case of a queue.
import { api } from '../api.js';
import { h, show, say, pill, relative, table } from '../ui.js';
import { report } from '../app.js';

export const LEASE_SECONDS = 600;

export async function queuesView(selected) {
  const [queues, cases] = await Promise.all([api('/v1/moderation/queues'),
    api('/v1/moderation/queues/' + encodeURIComponent(selected || 'all') + '/cases?limit=50')]);
  const total = queues.reduce((n, q) => n + q.open, 0);
  const rows = queues.map(q => h('tr', { dataset: { queue: q.queue } },
    h('th', { scope: 'row' }, h('a', { href: '#/queues/' + q.queue, 'aria-current': q.queue === selected ? 'true' : null },
      q.queue.replace(/_/g, ' '))),
    h('td', {}, String(q.open)),
    h('td', {}, String(q.claimed)),
    h('td', {}, q.slaBreached > 0 ? pill(q.slaBreached + ' breached', 'bad') : pill('on time', 'good')),
    h('td', {}, q.oldestOpenAt ? 'waiting since ' + relative(q.oldestOpenAt).replace(' ago', '') : '—'),
    h('td', {}, h('button', { disabled: q.open === 0, 'aria-label': 'Claim next case in ' + q.queue, onclick: () => claim(q.queue) },
      'Claim next'))));
  show(h('section', { 'aria-labelledby': 'queues-title' },
    h('h2', { id: 'queues-title' }, 'Queues'),
    h('p', { class: 'hint' }, total + ' open cases. Claiming gives you the highest-priority case of the queue for ',
      LEASE_SECONDS / 60 + ' minutes; leaving the case gives it back. Shortcut: ', h('kbd', {}, 'n'), ' claims the next case of any queue.'),
    h('div', { class: 'card' }, queues.length === 0 ? h('p', {}, 'No cases are waiting.')
      : table(['Queue', 'Open', 'Claimed', 'SLA', 'Oldest', ''], rows, 'Queues by category')),
    h('div', { class: 'actions' },
      h('button', { id: 'claim-any', disabled: total === 0, onclick: () => claim('all') }, 'Claim next from any queue'),
      h('button', { class: 'secondary', onclick: () => queuesView(selected) }, 'Refresh'),
      h('a', { href: '#/takedowns', class: 'button secondary' }, 'Only likeness takedowns')),
    h('h3', {}, selected ? 'Waiting in ' + selected.replace(/_/g, ' ') : 'Waiting in every queue',
      selected ? [' ', h('a', { href: '#/queues' }, '(all queues)')] : null),
    h('div', { class: 'card', id: 'waiting' }, cases.length === 0 ? h('p', {}, 'Nothing is waiting here.')
      : table(['Priority', 'Category', 'About', 'Reports', 'SLA', 'Waiting', 'Status'], cases.map(caseRow), 'Cases in claim order'))));
}

/** One waiting case, in the order claims hand them out; the link opens it read-only unless you claim it. */
export function caseRow(c) {
  const due = h('span', { class: 'sla', dataset: { due: c.slaDueAt } }, relative(c.slaDueAt));
  const held = c.claimedBy && new Date(c.leaseUntil) > new Date();
  return h('tr', { dataset: { case: c.caseId } },
    h('td', {}, c.priority.toFixed(1)),
    h('td', {}, c.category.replace(/_/g, ' '), c.likenessTakedown ? [' ', takedownLabel()] : null),
    h('td', {}, h('a', { href: '#/cases/' + c.caseId }, c.target.type + ' ' + c.caseId.slice(0, 8)), c.machineRule ? h('span', { class: 'hint' }, ' ' + c.machineRule) : null),
    h('td', {}, String(c.reportCount)),
    h('td', {}, c.slaBreached ? pill('breached', 'bad') : due),
    h('td', {}, relative(c.createdAt).replace(' ago', '')),
    h('td', {}, held ? pill('claimed until ' + new Date(c.leaseUntil).toLocaleTimeString(), 'warn') : pill('open')));
}

/** The label of a case that holds a cameo owner's takedown request (the person shown asks for removal). */
export function takedownLabel() {
  return pill('likeness takedown', 'bad takedown');
}

// SLA timers count down while the queue view is on screen
setInterval(() => {
  for (const el of document.querySelectorAll('#waiting .sla')) el.textContent = relative(el.dataset.due);
}, 10_000);

/** Claims the next case of a queue ('all' for any); only a likeness takedown when `takedowns` is set. */
export async function claim(queue, takedowns = false) {
  try {
    const c = await api('/v1/moderation/queues/' + encodeURIComponent(queue) + '/claim?leaseSeconds=' + LEASE_SECONDS
      + (takedowns ? '&likenessTakedown=true' : ''), { method: 'POST' });
    location.hash = '#/cases/' + c.caseId;
  } catch (e) {
    if (e.status === 404) say(takedowns ? 'No takedown request is waiting now: another moderator took the last one.'
      : 'That queue is empty now: another moderator took its last case.', 'info');
    else report(e);
    if (takedowns) location.hash = '#/takedowns';
    else queuesView(queue === 'all' ? undefined : queue).catch(report);
  }
}

document.addEventListener('keydown', e => {
  if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey || !location.hash.startsWith('#/queues')) return;
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) return;
  const button = document.getElementById('claim-any');
  if (button && !button.disabled) claim('all');
});
