// Likeness takedowns (issue 21): cases in which the person shown in a published video — the owner of the cameo it
// used — asks for its removal. They wait in the real_person_likeness queue with everything else; this screen lists
// only them, in claim order, and claims the next of them (not whatever else tops the queue).
import { api } from '../api.js';
import { h, show, table } from '../ui.js';
import { caseRow, claim } from './queues.js';

export async function takedownsView() {
  const cases = await api('/v1/moderation/queues/all/cases?likenessTakedown=true&limit=50');
  const open = cases.filter(c => !(c.claimedBy && new Date(c.leaseUntil) > new Date())).length;
  show(h('section', { 'aria-labelledby': 'takedowns-title' },
    h('h2', { id: 'takedowns-title' }, 'Likeness takedowns'),
    h('p', { class: 'hint' }, 'Requests from cameo owners to take down a published video that shows their face. The owner had '
      + 'allowed the creator (the consent reference says which permission) and has since asked for removal. Open a case to read '
      + 'it; claim the next request to decide it.'),
    h('div', { class: 'card', id: 'waiting' }, cases.length === 0 ? h('p', {}, 'No takedown request is waiting.')
      : table(['Priority', 'Category', 'About', 'Reports', 'SLA', 'Waiting', 'Status'], cases.map(caseRow), 'Likeness takedown cases in claim order')),
    h('div', { class: 'actions' },
      h('button', { id: 'claim-takedown', disabled: open === 0, onclick: () => claim('all', true) }, 'Claim next takedown request'),
      h('button', { class: 'secondary', onclick: () => takedownsView() }, 'Refresh'))));
}
