// The statement of reasons (DSA Art. 17(3)) as the affected user will read it in their notices, built from the
// form before anything is sent. Titles and the redress text follow report-service's notices (Decisions.title,
// safeframe.report.redress); the server adds the decision id and the appeal link.
import { h } from '../ui.js';

export const ACTIONS = [
  { value: 'NO_ACTION', key: '1', label: 'No action (no violation)', title: null },
  { value: 'REMOVE_CONTENT', key: '2', label: 'Remove content', title: 'Your content was removed' },
  { value: 'AGE_RESTRICT', key: '3', label: 'Age-restrict content', title: 'Your content was age-restricted' },
  { value: 'STRIKE', key: '4', label: 'Strike', title: 'Your account received a strike' },
  { value: 'SUSPEND_ACCOUNT', key: '5', label: 'Suspend account', title: 'Your account was suspended' },
  { value: 'BAN_ACCOUNT', key: '6', label: 'Ban account', title: 'Your account was banned' },
];

const REDRESS = 'Appeal within 6 months in the app (POST /v1/appeals) - a different moderator reviews it (DSA Art. 20); '
  + 'you may also use an out-of-court dispute settlement body (Art. 21) or the courts.';

export function statementPreview(body, c, automated) {
  const action = ACTIONS.find(a => a.value === body.action);
  if (body.action === 'NO_ACTION') {
    return h('div', { class: 'preview' }, h('h4', {}, 'Preview: what is sent'),
      h('p', {}, 'No statement goes to the account: nothing is restricted. Reporters are told: “No action was taken: we found no violation.”'));
  }
  const days = body.suspensionSeconds / 86400;
  return h('div', { class: 'preview', id: 'statement-preview' }, h('h4', {}, 'Preview: the notice the user receives'),
    h('p', {}, h('strong', { id: 'preview-title' }, action.title)),
    h('dl', {},
      h('dt', {}, 'What we decided'), h('dd', {}, action.label + (body.action === 'SUSPEND_ACCOUNT' ? ' for ' + days + ' day' + (days === 1 ? '' : 's') : '')
        + (body.action === 'STRIKE' && c.activeStrikes >= 2 ? ' (the account already has ' + c.activeStrikes
          + ' active strikes: the strike rule may suspend it as well)' : '')),
      h('dt', {}, 'Facts and circumstances'), h('dd', { id: 'preview-facts' }, body.facts),
      h('dt', {}, 'Ground'), h('dd', {}, body.ground + ' — ' + (body.groundType === 'ILLEGAL_CONTENT' ? 'illegal content' : 'incompatible with our terms of service')),
      h('dt', {}, 'Category'), h('dd', {}, c.category.replace(/_/g, ' ')),
      h('dt', {}, 'Detected by automated means'), h('dd', {}, automated ? 'Yes' : 'No'),
      h('dt', {}, 'Decided by automated means'), h('dd', {}, 'No'),
      h('dt', {}, 'How to contest'), h('dd', {}, REDRESS)));
}
