// The protected-persons bank (admin, issue 21): public figures whose face no generated video may show, whatever the
// prompt says. Added from 1-5 photos with one face each; the registry keeps only encrypted face descriptors (never the
// photos), so this screen lists names and photo counts, never a face. Removing destroys the person's key and descriptors.
import { api } from '../api.js';
import { h, show, say, table, field } from '../ui.js';
import { report } from '../app.js';

const PHOTO_TYPES = ['image/png', 'image/jpeg'];
const MAX_PHOTOS = 5;
// the gateway takes each photo as base64 text of at most 1 MiB: 3/4 of that in bytes
const MAX_PHOTO_BYTES = 786_432;

export async function protectedView() {
  const { persons } = await api('/v1/admin/protected-persons');
  show(h('section', { 'aria-labelledby': 'protected-title' }, h('h2', { id: 'protected-title' }, 'Protected persons'),
    h('p', { class: 'hint' }, (persons.length === 1 ? '1 person' : persons.length + ' people') + ' in the bank. A face in a generated frame that matches one of them is '
      + 'blocked (a confident match) or held for review (an uncertain one), whatever the prompt says. Only encrypted face '
      + 'descriptors are kept, never the photos.'),
    h('div', { class: 'grid' },
      h('div', { class: 'card', id: 'protected-list' }, persons.length === 0 ? h('p', {}, 'Nobody is in the bank yet.')
        : table(['Name', 'Reference photos', ''], persons.map(personRow), 'Protected persons')),
      addForm())));
}

function personRow(p) {
  const cell = h('td', {});
  const remove = h('button', { class: 'secondary', 'aria-label': 'Remove ' + p.name, onclick: () => confirmRemoval(p, cell, remove) }, 'Remove');
  cell.append(remove);
  return h('tr', { dataset: { person: p.id } }, h('th', { scope: 'row' }, p.name), h('td', {}, String(p.referencePhotos)), cell);
}

/** Removal cannot be undone (the descriptors are crypto-shredded), so it takes a second, explicit click. */
function confirmRemoval(p, cell, first) {
  const yes = h('button', { class: 'danger', 'data-confirm': 'remove', onclick: () => remove(p, yes) }, 'Remove for good');
  const no = h('button', { class: 'secondary', onclick: () => cell.replaceChildren(first) }, 'Keep');
  cell.replaceChildren(h('span', { class: 'hint' }, 'Destroys their face descriptors. '), yes, ' ', no);
  yes.focus();
}

async function remove(p, button) {
  button.disabled = true;
  try {
    await api('/v1/admin/protected-persons/' + encodeURIComponent(p.id), { method: 'DELETE' });
    say('"' + p.name + '" was removed from the bank; their face descriptors are destroyed.', 'ok');
    await protectedView();
  } catch (e) {
    button.disabled = false;
    report(e);
  }
}

function addForm() {
  const name = h('input', { id: 'person-name', maxlength: 200, required: true, autocomplete: 'off' });
  const photos = h('input', { id: 'person-photos', type: 'file', multiple: true, accept: PHOTO_TYPES.join(',') });
  const button = h('button', { type: 'submit' }, 'Add to bank');
  return h('form', { class: 'card', id: 'person-form', novalidate: true, onsubmit: async e => {
    e.preventDefault();
    const files = [...photos.files];
    const problem = !name.value.trim() ? 'Give the person\'s name.'
      : files.length === 0 ? 'Choose 1 to ' + MAX_PHOTOS + ' photos of their face.'
      : files.length > MAX_PHOTOS ? 'At most ' + MAX_PHOTOS + ' photos (' + files.length + ' chosen).'
      : files.find(f => !PHOTO_TYPES.includes(f.type)) ? 'Only PNG or JPEG photos (' + files.find(f => !PHOTO_TYPES.includes(f.type)).name + ' is not).'
      : files.find(f => f.size > MAX_PHOTO_BYTES) ? files.find(f => f.size > MAX_PHOTO_BYTES).name + ' is larger than 768 KB; crop it to the face.'
      : null;
    if (problem) { say(problem, 'error'); return; }
    button.disabled = true;
    button.textContent = 'Finding the faces…';
    try {
      const body = { name: name.value.trim(), photos: await Promise.all(files.map(async f => ({ mediaType: f.type, data: await base64(f) }))) };
      const added = await api('/v1/admin/protected-persons', { method: 'POST', json: body });
      await protectedView();
      say('"' + added.name + '" added to the bank from ' + added.referencePhotos + ' photo' + (added.referencePhotos === 1 ? '' : 's') + '.', 'ok');
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Add to bank';
      // 422: the registry found no face, or more than one, in a photo; its detail says which
      report(err);
    }
  } }, h('h3', {}, 'Add a person'), field('Name', name, 'as the public knows them'),
  field('Photos', photos, '1–' + MAX_PHOTOS + ' PNG or JPEG photos, one face each, up to 768 KB'), button);
}

function base64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
    reader.onerror = () => reject(new Error('Could not read ' + file.name));
    reader.readAsDataURL(file);
  });
}
