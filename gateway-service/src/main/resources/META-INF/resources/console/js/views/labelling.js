// Active learning's labelling queue: prompts the guard was least sure of (only from adult accounts that consented to
// training use, scrubbed of personal data), least sure first. Each label is a safety label; labels retrain the guard's
// heads into a candidate policy version that goes through review, never straight to live.
import { api } from '../api.js';
import { h, show, say, when, table, pill } from '../ui.js';

export async function labellingView() {
  const [items, policy] = await Promise.all([api('/v1/moderation/labelling?limit=50'), api('/v1/moderation/prompt-policy')]);
  const codes = (policy.policy.categories || []).map(c => c.code).filter(c => c && c !== 'copyrighted_characters');
  show(h('section', { 'aria-labelledby': 'labelling-title' },
    h('h2', { id: 'labelling-title' }, 'Labelling'),
    h('p', { class: 'hint' }, 'Prompts the guard was least sure of. Say whether each is unsafe (and under which category) or safe. '
      + 'Nothing here changes what happened to the prompt: labels teach the next candidate version of the guard.'),
    h('div', { class: 'card', id: 'labelling' }, items.length === 0 ? h('p', {}, 'Nothing is waiting for a label.')
      : table(['Prompt', 'Guard said', 'Margin', 'Offered', 'Label'], items.map(i => row(i, codes)), 'Prompts waiting for a label')),
    h('div', { class: 'actions' }, h('button', { class: 'secondary', onclick: () => labellingView() }, 'Refresh'))));
}

function row(item, codes) {
  const category = h('select', { 'aria-label': 'Category if unsafe' },
    codes.map(c => h('option', { value: c, selected: c === item.category }, c)));
  const tr = h('tr', { 'data-item': item.itemId },
    h('td', {}, h('span', { class: 'prompt' }, item.prompt)),
    h('td', {}, pill(item.machineDecision, item.machineDecision === 'ALLOW' ? 'good' : 'warn'), ' ', item.category),
    h('td', {}, String(item.margin)),
    h('td', {}, when(item.offeredAt)),
    h('td', {}, category, ' ',
      h('button', { class: 'danger', onclick: () => label(tr, item, 'unsafe', category.value) }, 'Unsafe'), ' ',
      h('button', { onclick: () => label(tr, item, 'safe', '') }, 'Safe')));
  return tr;
}

async function label(tr, item, verdict, category) {
  try {
    await api('/v1/moderation/labelling/' + encodeURIComponent(item.itemId), { method: 'POST', json: { label: verdict, category } });
    tr.remove();
    say('Labelled ' + verdict + (verdict === 'unsafe' ? ' (' + category + ')' : '') + '.', 'ok');
  } catch (err) {
    say(err.status === 409 ? 'Someone labelled this prompt already; nothing was changed.' : err.message, 'error');
    if (err.status === 409) tr.remove();
  }
}
