// Internal complaints (DSA Art. 20): pending appeals, oldest first; a moderator other than the one who decided
// upholds or reverses. A reversal lifts the sanction, voids the strike and restores the content.
import { api } from '../api.js';
import { h, show, say, when, pill, field } from '../ui.js';
import { report, session } from '../app.js';

export async function appealsView() {
  const appeals = await api('/v1/moderation/appeals');
  show(h('section', { 'aria-labelledby': 'appeals-title' }, h('h2', { id: 'appeals-title' }, 'Appeals'),
    h('p', { class: 'hint' }, appeals.length + ' pending. The moderator who took a decision cannot review its appeal.'),
    appeals.length === 0 ? h('div', { class: 'card' }, h('p', {}, 'No appeals are waiting.')) : appeals.map(appealCard)));
}

function appealCard(a) {
  const d = a.decision || {};
  const mine = d.decidedBy === session.me.subject;
  const reason = h('textarea', { maxlength: 5000, placeholder: 'Why the decision stands or falls; the user reads this.' });
  const buttons = ['UPHOLD', 'REVERSE'].map(outcome => h('button', {
    class: outcome === 'REVERSE' ? 'danger' : '', disabled: mine, dataset: { outcome },
    onclick: e => resolve(e, a, outcome, reason, buttons) }, outcome === 'REVERSE' ? 'Reverse the decision' : 'Uphold the decision'));
  return h('article', { class: 'card appeal', dataset: { appeal: a.appealId, decision: a.decisionId }, 'aria-label': 'Appeal ' + a.appealId.slice(0, 8) },
    h('h3', {}, 'Appeal against ', pill(d.action || '?', 'warn'), ' on case ', h('a', { href: '#/cases/' + d.caseId }, (d.caseId || '').slice(0, 8))),
    h('p', {}, h('strong', {}, 'The user says: '), a.explanation),
    h('p', {}, h('strong', {}, 'Decision facts: '), d.statementOfReasons ? d.statementOfReasons.facts : '—'),
    h('p', { class: 'hint' }, 'Filed ', when(a.filedAt), ' · decided ', when(d.decidedAt), ' by ', h('code', {}, (d.decidedBy || '').slice(0, 8)),
      d.suspensionSeconds ? ' · suspension ' + Math.round(d.suspensionSeconds / 86400) + ' days' : '',
      ' · affected account ', h('a', { href: '#/accounts/' + encodeURIComponent(d.affectedAccount || '') }, (d.affectedAccount || '').slice(0, 8))),
    mine ? h('p', { class: 'readonly' }, 'You took this decision, so another moderator must review the appeal.') : null,
    field('Reason for the outcome', reason, 'required, sent to the user'),
    h('div', { class: 'actions' }, buttons));
}

async function resolve(e, a, outcome, reason, buttons) {
  if (reason.value.trim().length < 5) { say('Give the reason for the outcome (a sentence at least); the user reads it.', 'error'); reason.focus(); return; }
  buttons.forEach(b => { b.disabled = true; });
  try {
    const r = await api('/v1/moderation/appeals/' + a.appealId + '/resolution', { method: 'POST', json: { outcome, reason: reason.value.trim() } });
    say('Appeal ' + r.state.toLowerCase() + (r.state === 'REVERSED' ? ': sanction lifted, strike voided, content restored, user notified.' : ': user notified.'), 'ok');
    await appealsView();
  } catch (err) {
    buttons.forEach(b => { b.disabled = false; });
    if (err.status === 409) say([h('strong', {}, 'Already resolved. '), err.message, ' Nothing was changed.'], 'error');
    else report(err);
  }
}
