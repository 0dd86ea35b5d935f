// Hash banks (admin): list and create banks, add a clip or a frame to a bank (the classifier hashes its sampled
// frames), and see which bank entries a PDQ hash matches.
import { api } from '../api.js';
import { h, show, say, table, field } from '../ui.js';
import { report } from '../app.js';

const UPLOAD_TYPES = { 'video/mp4': 'video/mp4', 'image/png': 'image/png', 'image/jpeg': 'image/jpeg' };
const MAX_UPLOAD = 64 * 1024 * 1024;

export async function banksView() {
  const { banks, indexedHashes } = await api('/v1/admin/banks');
  show(h('section', { 'aria-labelledby': 'banks-title' }, h('h2', { id: 'banks-title' }, 'Hash banks'),
    h('p', { class: 'hint' }, banks.length + ' banks, ' + indexedHashes + ' hashes in the search index. A frame within a bank\'s '
      + 'Hamming threshold of an entry is a match; BLOCK banks stop a clip, REVIEW banks hold it for a moderator.'),
    h('div', { class: 'card' }, banks.length === 0 ? h('p', {}, 'No banks yet.') : table(['Bank', 'Category', 'Decision', 'Threshold', 'Hashes', 'Description'],
      banks.map(b => h('tr', { dataset: { bank: b.name } }, h('th', { scope: 'row' }, b.name), h('td', {}, b.category), h('td', {}, b.decision),
        h('td', {}, String(b.threshold || 31)), h('td', { class: 'size' }, String(b.size)), h('td', {}, b.description))), 'Hash banks')),
    h('div', { class: 'grid' }, banks.length ? addMediaForm(banks) : h('div'), h('div', {}, createForm(), matchForm()))));
}

function addMediaForm(banks) {
  const bank = h('select', { id: 'media-bank' }, banks.map(b => h('option', { value: b.name }, b.name)));
  const file = h('input', { id: 'media-file', type: 'file', accept: Object.keys(UPLOAD_TYPES).join(',') });
  const label = h('input', { id: 'media-label', maxlength: 100, placeholder: 'e.g. case 1234 or the source' });
  const button = h('button', { type: 'submit' }, 'Add to bank');
  return h('form', { class: 'card', id: 'media-form', onsubmit: async e => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) { say('Choose an MP4 clip or a PNG/JPEG frame first.', 'error'); return; }
    if (!UPLOAD_TYPES[f.type]) { say('Only MP4 clips and PNG or JPEG frames can be added (this file is ' + (f.type || 'of unknown type') + ').', 'error'); return; }
    if (f.size > MAX_UPLOAD) { say('The file is ' + Math.round(f.size / 1048576) + ' MB; at most 64 MB.', 'error'); return; }
    button.disabled = true;
    button.textContent = 'Hashing…';
    try {
      const r = await api('/v1/admin/banks/' + encodeURIComponent(bank.value) + '/media?label=' + encodeURIComponent(label.value.trim()),
        { method: 'POST', body: f, type: f.type });
      await banksView();
      say(r.framesHashed + ' frames hashed: ' + r.added + ' added, ' + r.duplicates + ' already in the bank, '
        + r.lowQualitySkipped + ' skipped for low quality. "' + r.bank.name + '" now holds ' + r.bank.size + ' hashes.', 'ok');
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Add to bank';
      report(err);
    }
  } }, h('h3', {}, 'Add a clip or a frame'), field('Bank', bank), field('File', file, 'MP4, PNG or JPEG, up to 64 MB'),
  field('Label', label, 'optional'), button);
}

function createForm() {
  const name = h('input', { id: 'bank-name', pattern: '[a-z0-9-]{1,64}', placeholder: 'known-deepfakes', required: true });
  const category = h('input', { id: 'bank-category', placeholder: 'real_person_likeness', required: true });
  const decision = h('select', { id: 'bank-decision' }, h('option', { value: 'REVIEW' }, 'REVIEW (hold for a moderator)'),
    h('option', { value: 'BLOCK' }, 'BLOCK'));
  const description = h('input', { id: 'bank-description', maxlength: 500 });
  return h('form', { class: 'card', onsubmit: async e => {
    e.preventDefault();
    try {
      await api('/v1/admin/banks', { method: 'POST', json: { name: name.value.trim(), category: category.value.trim(), decision: decision.value,
        description: description.value.trim() } });
      say('Bank "' + name.value.trim() + '" created.', 'ok');
      await banksView();
    } catch (err) { report(err); }
  } }, h('h3', {}, 'New bank'), field('Name', name, 'a-z, 0-9, dashes'), field('Category', category), field('Decision', decision),
  field('Description', description), h('button', { type: 'submit' }, 'Create bank'));
}

function matchForm() {
  const hash = h('input', { id: 'match-hash', pattern: '[0-9a-fA-F]{64}', placeholder: '64 hex characters (PDQ)' });
  const out = h('div', { 'aria-live': 'polite' });
  return h('form', { class: 'card', onsubmit: async e => {
    e.preventDefault();
    try {
      const m = await api('/v1/admin/banks/match', { method: 'POST', json: { hash: hash.value.trim() } });
      out.replaceChildren(m.matches.length === 0 ? h('p', {}, 'No bank entry matches.') : table(['Bank', 'Decision', 'Distance', 'Label'],
        m.matches.map(x => h('tr', {}, h('td', {}, x.bank), h('td', {}, x.decision), h('td', {}, String(x.distance)), h('td', {}, x.label))), 'Matches'));
    } catch (err) { report(err); }
  } }, h('h3', {}, 'Which entries match a hash'), field('PDQ hash', hash), h('button', { type: 'submit' }, 'Match'), out);
}
