// The prompt policy moderators apply: version in force, its categories and terms, and its load history.
import { api } from '../api.js';
import { h, show, when, table, pill } from '../ui.js';

export async function policyView() {
  const p = await api('/v1/moderation/prompt-policy');
  const categories = (p.policy.categories || []);
  show(h('section', { 'aria-labelledby': 'policy-title' }, h('h2', { id: 'policy-title' }, 'Prompt policy ', h('code', { id: 'policy-version' }, p.version)),
    h('p', { class: 'hint' }, 'Source: ', p.source, '. Terms match whole words of the normalised prompt; combos fire when every group has a hit; '
      + 'benign phrases suppress hits inside them.'),
    h('div', { class: 'card' }, h('h3', {}, 'History on the answering prompt-guard instance'),
      table(['When', 'Outcome', 'Version', 'Detail'], p.history.slice().reverse().map(e => h('tr', {}, h('td', {}, when(e.at)),
        h('td', {}, pill(e.outcome, e.outcome === 'REFUSED' ? 'bad' : 'good')), h('td', {}, h('code', {}, e.version)), h('td', {}, e.detail))),
      'Policy versions')),
    h('div', { class: 'card' }, h('h3', {}, 'Categories (' + categories.length + ')'),
      categories.map(c => h('details', {}, h('summary', {}, h('strong', {}, c.code || c.name || '?'), ' ', c.decision ? pill(c.decision, 'warn') : null,
        ' ', c.description || ''), h('pre', { class: 'prompt' }, JSON.stringify(c, null, 2))))),
    h('div', { class: 'card' }, h('h3', {}, 'Benign phrases (' + (p.policy.benign || []).length + ')'),
      h('p', { class: 'hint' }, (p.policy.benign || []).join(' · ')))));
}
