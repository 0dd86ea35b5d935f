// The audit log (admin): chain verification status, and a search over a range of events by account, action,
// actor or correlation id. The export is the same file `./safeframe audit-verify` checks offline.
import { api } from '../api.js';
import { h, show, when, table, pill, field } from '../ui.js';

export async function auditView() {
  const verification = await api('/v1/admin/audit/verify');
  const from = h('input', { id: 'audit-from', type: 'number', min: 1, value: 1 });
  const to = h('input', { id: 'audit-to', type: 'number', min: 0, value: 0 });
  const query = h('input', { id: 'audit-query', placeholder: 'account, action, actor or correlation id' });
  const results = h('div', { id: 'audit-results', 'aria-live': 'polite' });
  const search = async e => {
    if (e) e.preventDefault();
    const text = await api('/v1/admin/audit/export?from=' + Number(from.value || 1) + '&to=' + Number(to.value || 0), { as: 'text' });
    const lines = text.split('\n').filter(Boolean).map(l => JSON.parse(l));
    const events = lines.filter(l => l.type === 'event');
    const checkpoints = lines.filter(l => l.type === 'checkpoint').length;
    const q = query.value.trim().toLowerCase();
    const hits = events.filter(ev => !q || [ev.accountId, ev.action, ev.actor, ev.correlationId, ev.target, ev.reason]
      .some(x => x && String(x).toLowerCase().includes(q))).slice(-200).reverse();
    results.replaceChildren(h('p', { class: 'hint' }, hits.length + ' of ' + events.length + ' events shown (newest first, at most 200); '
      + checkpoints + ' signed checkpoints cover the range.'),
    table(['#', 'When', 'Action', 'Decision', 'Account', 'Actor', 'Reason'], hits.map(ev => h('tr', {}, h('td', {}, String(ev.seq)),
      h('td', {}, when(ev.occurredAt)), h('td', {}, ev.action), h('td', {}, ev.decision || '—'), h('td', {}, h('code', {}, (ev.accountId || '').slice(0, 8))),
      h('td', {}, h('code', {}, (ev.actor || '').slice(0, 12))), h('td', {}, ev.reason || ''))), 'Audit events'));
  };
  show(h('section', { 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title' }, 'Audit log'),
    h('div', { class: 'card', id: 'chain' }, h('p', {}, 'Hash chain and signed checkpoints: ',
      verification.intact ? pill('intact', 'good') : pill('BROKEN', 'bad'), ' — ', String(verification.eventsChecked), ' events and ',
      String(verification.checkpointsChecked), ' checkpoints recomputed.',
      verification.intact ? '' : ' First broken event: ' + (verification.firstBrokenSeq || '—') + '. ' + (verification.problem || ''))),
    h('form', { class: 'card row', role: 'search', onsubmit: search }, field('From event #', from), field('To event # (0 = newest)', to),
      field('Contains', query), h('div', {}, h('button', { type: 'submit' }, 'Search'))),
    results));
  await search();
}
