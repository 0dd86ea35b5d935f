// Account lookup: standing (state, tier, strikes, suspension) and every decision about the account; admins can lift
// a suspension or ban outside an appeal, with a reason that goes into the audit log.
import { api } from '../api.js';
import { h, show, say, when, pill, table, field } from '../ui.js';
import { report, session } from '../app.js';

export async function accountsView(account) {
  const input = h('input', { id: 'account-id', value: account || '', placeholder: 'account id (token subject)', required: true });
  const form = h('form', { class: 'card row', role: 'search', onsubmit: e => {
    e.preventDefault();
    if (input.value.trim()) location.hash = '#/accounts/' + encodeURIComponent(input.value.trim());
  } }, field('Account', input), h('div', {}, h('button', { type: 'submit' }, 'Look up')));
  if (!account) {
    show(h('section', {}, h('h2', {}, 'Accounts'), form));
    return;
  }
  const a = await api('/v1/moderation/accounts/' + encodeURIComponent(account));
  show(h('section', { 'aria-labelledby': 'account-title' }, h('h2', { id: 'account-title' }, 'Account ', h('code', {}, a.account)), form,
    h('div', { class: 'card', id: 'account-standing' },
      h('p', {}, 'Standing ', pill(a.standing, a.standing === 'ACTIVE' ? 'good' : 'bad'),
        a.suspendedUntil ? ' until ' + when(a.suspendedUntil) : '', a.reason ? ' — ' + a.reason : ''),
      h('p', {}, 'Tier ', a.tier, ' · ', String(a.remainingToday), ' of ', String(a.generationsPerDay), ' generations left today · strikes ', String(a.strikes))),
    session.me.admin && a.standing !== 'ACTIVE' ? liftForm(a) : null,
    h('div', { class: 'card' }, h('h3', {}, 'Decisions about this account (' + a.decisions.length + ')'),
      a.decisions.length === 0 ? h('p', { class: 'hint' }, 'None.') : table(['When', 'Action', 'Decision', 'Reason', 'Correlation'],
        a.decisions.map(d => h('tr', {}, h('td', {}, when(d.at)), h('td', {}, d.action), h('td', {}, d.decision), h('td', {}, d.reason),
          h('td', {}, h('code', {}, (d.correlationId || '').slice(0, 8))))), 'Decisions about this account'))));
}

function liftForm(a) {
  const reason = h('textarea', { id: 'lift-reason', maxlength: 1000 });
  const button = h('button', { type: 'submit', class: 'danger' }, 'Lift the sanction');
  return h('form', { class: 'card', onsubmit: async e => {
    e.preventDefault();
    if (reason.value.trim().length < 5) { say('Say why the sanction is lifted; it is audited.', 'error'); return; }
    button.disabled = true;
    try {
      await api('/v1/admin/accounts/' + encodeURIComponent(a.account) + '/sanctions/lift', { method: 'POST', json: { reason: reason.value.trim() } });
      say('Sanction lifted.', 'ok');
      await accountsView(a.account);
    } catch (err) { button.disabled = false; report(err); }
  } }, h('h3', {}, 'Lift the sanction (admin)'), field('Reason', reason, 'required, written to the audit log'), button);
}
