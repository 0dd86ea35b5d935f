// Policy versions (issue 24, docs/policy-lifecycle.md): drafts with their diff against live, two-person review, the
// moves shadow → canary → live, rollback, the shadow report and the backtest on a labelled set. Everything goes through
// the gateway's /v1/admin/policies API, which checks roles itself; this screen only hides what the signed-in person
// may not do. The lifecycle's rules live in policy-service: a refused move comes back as 403/409 and is shown as such.
//
// Routes: #/policies/KIND (the versions), #/policies/KIND:N (one version), #/policies/KIND:new (a draft),
// #/policies/KIND:shadow[:N] (the shadow report).
import { api, ApiError } from '../api.js';
import { h, show, say, when, table, pill, field } from '../ui.js';
import { report, session } from '../app.js';

// the kinds the store accepts (safeframe.policy-store.kinds); the gateway answers 404 for any other
const KINDS = ['prompt', 'classifier', 'tiers'];
// kinds whose candidates run beside live (shadow, canary), are backtested and can be re-run over published videos
const EVALUATED = ['prompt'];

// the moves an admin may make from each state (policy-service's Lifecycle; approval is the reviewer's own action)
const MOVES = {
  draft: ['retired'],
  approved: ['shadow', 'canary', 'live', 'retired'],  // shadow and canary only for EVALUATED kinds (the gateway says 409 otherwise)
  shadow: ['canary', 'live', 'retired'],
  canary: ['live', 'retired'],
};
const STATE_PILL = { live: 'good', shadow: 'warn', canary: 'warn', approved: 'warn', draft: '', retired: '' };
const charts = [];

export async function policiesView(id) {
  charts.splice(0).forEach(c => c.destroy());
  const [named, part, extra] = (id || '').split(':');
  const kind = named || KINDS[0];
  if (!KINDS.includes(kind)) throw new ApiError(404, { detail: 'There is no policy kind "' + kind + '".' });
  if (part === 'new') return draftView(kind);
  if (part === 'shadow') return shadowView(kind, extra ? Number(extra) : 0);
  if (part && /^\d+$/.test(part)) return versionView(kind, Number(part));
  return listView(kind);
}

const base = kind => '/v1/admin/policies/' + encodeURIComponent(kind);
const link = (kind, rest) => '#/policies/' + kind + (rest === undefined ? '' : ':' + rest);
const statePill = state => pill(state, STATE_PILL[state] || '');
const isAuthor = v => v.author === session.me.name || v.author === session.me.subject;

async function listView(kind) {
  const { versions } = await api(base(kind) + '/versions');
  const shadow = versions.find(v => v.state === 'shadow');
  const canary = versions.find(v => v.state === 'canary');
  show(h('section', { 'aria-labelledby': 'policies-title' },
    h('h2', { id: 'policies-title' }, 'Policy versions: ', h('code', {}, kind)),
    h('p', { class: 'actions', id: 'policy-kinds' }, KINDS.map(k => k === kind ? h('strong', {}, k)
      : h('a', { href: link(k), dataset: { kind: k } }, k))),
    h('p', { class: 'hint' }, 'A version is drafted with a reason, approved by a policy reviewer who is not its author, tried in shadow '
      + '(compared, never acting) or canary (acting for a share of accounts), then made live. Rollback makes the previous live version '
      + 'live again at once.'),
    h('div', { class: 'actions' },
      session.me.admin ? h('a', { class: 'button', id: 'draft-new', href: link(kind, 'new') }, 'Draft a new version') : null,
      shadow ? h('a', { class: 'button secondary', id: 'shadow-link', href: link(kind, 'shadow') }, 'Shadow report (v' + shadow.version + ')') : null),
    canary ? canaryNote(canary) : null,
    h('div', { class: 'card' }, table(['Version', 'Label', 'State', 'Author', 'Approved by', 'Reason', 'Updated'], versions.map(v =>
      h('tr', { dataset: { version: v.version, state: v.state } },
        h('th', { scope: 'row' }, h('a', { href: link(kind, v.version) }, 'v' + v.version)),
        h('td', {}, h('code', {}, v.label)), h('td', {}, statePill(v.state), v.rollbackNeedsReview ? [' ', pill('rollback: needs review', 'bad')] : null),
        h('td', {}, v.author), h('td', {}, v.approvedBy || '—'), h('td', {}, v.reason), h('td', {}, when(v.updatedAt)))), 'Versions'))));
}

/** The API gives the canary's state and history (the stop rule writes its figures there); the per-arm counts are metrics only. */
function canaryNote(v) {
  return h('p', { class: 'card readonly', id: 'canary-note' }, 'v' + v.version + ' is in canary. Per-arm screening figures are Prometheus metrics '
    + '(safeframe_policy_arm_screenings_total, safeframe_policy_arm_screen_seconds); what people said about each arm (overturns, appeals, '
    + 'user reports on published videos) is kept with the version under Evaluations when the canary ends, and a stop rule\'s finding too.');
}

async function versionView(kind, n) {
  const v = await api(base(kind) + '/versions/' + n);
  show(h('section', { 'aria-labelledby': 'version-title' },
    h('p', {}, h('a', { href: link(kind) }, '← All versions of ' + kind)),
    h('h2', { id: 'version-title' }, kind + ' policy v' + v.version + ' ', statePill(v.state), ' ', h('code', { id: 'version-label' }, v.label)),
    v.rollbackNeedsReview ? h('p', { class: 'readonly', id: 'needs-review' }, 'Live again after an emergency rollback: a policy reviewer '
      + 'who did not perform the rollback reviews it (Approve below).') : null,
    h('div', { class: 'grid' },
      h('div', {},
        h('div', { class: 'card' }, h('dl', { class: 'takedown-request' },
          h('dt', {}, 'Reason'), h('dd', { id: 'version-reason' }, v.reason),
          h('dt', {}, 'Author'), h('dd', { id: 'version-author' }, v.author),
          h('dt', {}, 'Approved by'), h('dd', {}, v.approvedBy || '—'),
          h('dt', {}, 'Drafted'), h('dd', {}, when(v.createdAt)))),
        diffCard(v),
        historyCard(v),
        evaluationsCard(v)),
      h('div', {}, actionsCard(kind, v), EVALUATED.includes(kind) ? backtestCard(kind, v) : null,
        h('details', { class: 'card' }, h('summary', {}, 'The document'), h('pre', { class: 'prompt' }, JSON.stringify(v.document, null, 2)))))));
}

function diffCard(v) {
  const diff = v.diff || [];
  const against = v.diffAgainstVersion;
  const lead = against == null ? 'There is no live version to compare with.'
    : v.state === 'live' && diff.length === 0 ? 'This is the live version.'
    : diff.length === 0 ? 'Identical to the live version v' + against + '.'
    : diff.length + (diff.length === 1 ? ' change' : ' changes') + ' against the live version v' + against + '.';
  return h('div', { class: 'card', id: 'diff' }, h('h3', {}, 'Changes against live'), h('p', { class: 'hint' }, lead),
    diff.length ? table(['Path', 'Change', 'Live', 'This version'], diff.map(d => h('tr', { dataset: { op: d.op } },
      h('td', {}, h('code', {}, d.path)), h('td', {}, pill(d.op, d.op === 'removed' ? 'bad' : d.op === 'added' ? 'good' : 'warn')),
      h('td', {}, value(d.from)), h('td', {}, value(d.to)))), 'Changes against live') : null);
}

function value(x) {
  if (x === undefined || x === null) return '—';
  return h('code', { class: 'value' }, typeof x === 'string' ? x : JSON.stringify(x, null, 1));
}

function historyCard(v) {
  const history = v.history || [];
  return h('div', { class: 'card', id: 'history' }, h('h3', {}, 'History'),
    table(['When', 'Move', 'By', 'Reason'], history.map(t => h('tr', {}, h('td', {}, when(t.at)),
      h('td', {}, t.from ? [statePill(t.from), ' → '] : null, statePill(t.to), t.emergency ? [' ', pill('emergency', 'bad')] : null),
      h('td', {}, t.actor), h('td', {}, t.reason))), 'History'));
}

/** What was measured about this version (backtests, canary outcomes, stop rule, retroactive runs), kept with it. */
function evaluationsCard(v) {
  const measured = v.evaluations || [];
  return h('div', { class: 'card', id: 'evaluations' }, h('h3', {}, 'Evaluations'),
    measured.length ? table(['When', 'What', 'By', 'Figures'], measured.map(e => h('tr', { dataset: { evaluation: e.evaluation } },
      h('td', {}, when(e.recordedAt)), h('td', {}, pill(e.evaluation, '')), h('td', {}, e.recordedBy), h('td', {}, e.headline))), 'Evaluations')
      : h('p', { class: 'hint' }, 'Nothing measured yet: backtests, a canary\'s outcomes and retroactive runs appear here.'));
}

/** The live prompt policy re-checks recently published videos; each one it would now hold or block opens a case. */
function retroactiveForm(kind, v) {
  const out = h('p', { id: 'retroactive-result', class: 'hint' });
  const button = h('button', { type: 'button', id: 'retroactive-run', class: 'secondary', onclick: () =>
    act(button, () => api(base(kind) + '/retroactive', { method: 'POST' }), async r => {
      button.disabled = false;
      out.textContent = 'Re-checked ' + r.rechecked + ' published videos: ' + r.flagged + ' flagged, ' + r.casesOpened + ' cases opened, '
        + r.casesJoined + ' joined, ' + r.deferred + ' deferred (at most ' + r.maxCases + ' new cases per run).';
      say('Retroactive run done.', 'ok');
    }) }, 'Re-check published videos');
  return h('div', { id: 'retroactive-form' }, h('h4', {}, 'Retroactive run'),
    h('p', { class: 'hint' }, 'Videos published under an earlier version, whose prompts are still in the retained window, are screened again '
      + 'with this one; the ones it would hold or block go to moderators as cases — nothing is removed by this.'), button, out);
}

function actionsCard(kind, v) {
  const me = session.me;
  const parts = [];
  const reviewable = v.state === 'draft' || (v.state === 'live' && v.rollbackNeedsReview);
  if (reviewable) {
    if (!me.reviewer) {
      parts.push(h('p', { class: 'hint', id: 'approve-note' }, 'Approval needs the policy_reviewer role, held by someone other than the author.'));
    } else if (isAuthor(v)) {
      parts.push(h('p', { class: 'hint', id: 'approve-note' }, 'You drafted this version: another policy reviewer approves it.'));
    } else {
      parts.push(approveForm(kind, v));
    }
  }
  if (me.admin && MOVES[v.state]) parts.push(moveForm(kind, v));
  if (me.admin && v.state === 'live') parts.push(rollbackForm(kind, v));
  if (me.admin && v.state === 'live' && EVALUATED.includes(kind)) parts.push(retroactiveForm(kind, v));
  if (v.state === 'shadow') parts.push(h('p', {}, h('a', { id: 'shadow-link', href: link(kind, 'shadow:' + v.version) }, 'Shadow report for v' + v.version)));
  if (v.state === 'canary') parts.push(canaryNote(v));
  return h('div', { class: 'card', id: 'policy-actions' }, h('h3', {}, 'Actions'),
    parts.length ? parts : h('p', { class: 'hint' }, 'Nothing to do on a ' + v.state + ' version.'));
}

/** Runs one API call from a form: the button is off while it runs, a refusal is shown as the API said it. */
async function act(button, call, done) {
  button.disabled = true;
  try {
    const result = await call();
    await done(result);
  } catch (e) {
    button.disabled = false;
    report(e);
  }
}

function approveForm(kind, v) {
  const reason = h('textarea', { id: 'approve-reason', maxlength: 2000, required: true });
  const button = h('button', { type: 'submit', id: 'approve' }, v.state === 'live' ? 'Review the rollback' : 'Approve');
  return h('form', { id: 'approve-form', onsubmit: e => {
    e.preventDefault();
    if (!reason.value.trim()) { say('Give a reason for the approval.', 'error'); return; }
    act(button, () => api(base(kind) + '/versions/' + v.version + '/approve', { method: 'POST', json: { reason: reason.value.trim() } }),
      async r => { say('v' + r.version + (v.state === 'live' ? ' rollback reviewed.' : ' approved.'), 'ok'); await versionView(kind, v.version); });
  } }, field('Reviewer\'s reason', reason, 'what you checked'), button);
}

function moveForm(kind, v) {
  const reason = h('textarea', { id: 'move-reason', maxlength: 2000, required: true });
  const moves = MOVES[v.state].filter(to => EVALUATED.includes(kind) || (to !== 'shadow' && to !== 'canary'));
  const buttons = moves.map(to => h('button', { type: 'button', class: to === 'retired' ? 'secondary' : '', dataset: { to },
    onclick: () => {
      if (!reason.value.trim()) { say('Give a reason for the move.', 'error'); return; }
      act(buttons.find(b => b.dataset.to === to), () => api(base(kind) + '/versions/' + v.version + '/transition',
        { method: 'POST', json: { to, reason: reason.value.trim() } }),
      async r => { say('v' + r.version + ' is now ' + r.state + '.', 'ok'); await versionView(kind, v.version); });
    } }, to === 'retired' ? 'Retire' : 'Move to ' + to));
  return h('form', { id: 'move-form', onsubmit: e => e.preventDefault() }, field('Reason for the move', reason), h('div', { class: 'actions' }, buttons));
}

/** Rollback acts at once on every screening, so it takes a second, explicit click. */
function rollbackForm(kind, v) {
  const reason = h('textarea', { id: 'rollback-reason', maxlength: 2000, required: true });
  const area = h('div', { class: 'actions' });
  const first = h('button', { type: 'button', class: 'danger', id: 'rollback', onclick: () => {
    if (!reason.value.trim()) { say('Give a reason for the rollback.', 'error'); return; }
    const yes = h('button', { type: 'button', class: 'danger', 'data-confirm': 'rollback', onclick: () =>
      act(yes, () => api(base(kind) + '/rollback', { method: 'POST', json: { reason: reason.value.trim() } }),
        async r => { say('Rolled back: v' + r.version + ' is live again, flagged for review.', 'ok'); location.hash = link(kind, r.version); }) },
    'Roll back now');
    const no = h('button', { type: 'button', class: 'secondary', onclick: () => area.replaceChildren(first) }, 'Cancel');
    area.replaceChildren(h('span', { class: 'hint', id: 'rollback-confirm' }, 'v' + v.version + ' stops applying at once and is never a '
      + 'rollback target again; the version live before it takes over. '), yes, ' ', no);
    yes.focus();
  } }, 'Roll back…');
  area.append(first);
  return h('form', { id: 'rollback-form', onsubmit: e => e.preventDefault() }, h('h4', {}, 'Emergency rollback'),
    field('Reason for the rollback', reason), area);
}

// the gateway's limits for a backtest body
const MAX_BACKTEST_BYTES = 4 * 1024 * 1024;

function backtestCard(kind, v) {
  const lines = h('textarea', { id: 'backtest-lines', class: 'prompt', rows: 6, spellcheck: 'false',
    placeholder: '{"text": "…", "label": "unsafe", "category": "violence_gore"}' });
  const file = h('input', { id: 'backtest-file', type: 'file', accept: '.jsonl,.ndjson,.txt,application/x-ndjson,text/plain' });
  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    if (f.size > MAX_BACKTEST_BYTES) { say(f.name + ' is larger than 4 MB.', 'error'); return; }
    lines.value = await f.text();
  });
  const out = h('div', { id: 'backtest-report' });
  const button = h('button', { type: 'submit', id: 'backtest-run' }, 'Run the backtest');
  return h('form', { class: 'card', id: 'backtest-form', onsubmit: e => {
    e.preventDefault();
    const body = lines.value.trim();
    if (!body) { say('Paste JSON Lines of labelled prompts, or choose a file.', 'error'); return; }
    button.textContent = 'Screening every line twice…';
    act(button, () => api(base(kind) + '/versions/' + v.version + '/backtest', { method: 'POST', body, type: 'application/x-ndjson' }),
      r => { button.disabled = false; button.textContent = 'Run the backtest'; renderBacktest(out, r); say('Backtest done: ' + (r.unsafe + r.safe) + ' lines.', 'ok'); })
      .finally(() => { button.textContent = 'Run the backtest'; });
  } }, h('h3', {}, 'Backtest on a labelled set'),
  h('p', { class: 'hint' }, 'JSON Lines of {"text", "label": "safe" | "unsafe", "category"}; up to 5,000 lines. Every line is screened with the '
    + 'live policy and with v' + v.version + '; nothing acts on either verdict.'),
  field('Labelled prompts', lines), field('…or a file', file), button,
  h('p', { class: 'hint' }, 'Or replay the retained window of recent live screenings (kept encrypted for a short time): moderator labels '
    + 'give precision, the rest shows what v' + v.version + ' would hold or block.'),
  h('button', { type: 'button', id: 'backtest-recent', onclick: e => {
    const recent = e.currentTarget;
    recent.textContent = 'Replaying recent screenings…';
    act(recent, () => api(base(kind) + '/versions/' + v.version + '/backtest/recent', { method: 'POST' }),
      r => { recent.disabled = false; renderBacktest(out, r); say('Backtest on ' + (r.unsafe + r.safe + r.unlabelled) + ' recent screenings done.', 'ok'); })
      .finally(() => { recent.textContent = 'Backtest on recent traffic'; });
  } }, 'Backtest on recent traffic'), out);
}

const percent = x => x == null ? '—' : (100 * x).toFixed(1) + ' %';
const delta = (a, b) => a == null || b == null ? '—' : ((b - a) >= 0 ? '+' : '') + (100 * (b - a)).toFixed(1) + ' pt';

function renderBacktest(out, r) {
  charts.splice(0).forEach(c => c.destroy());
  const row = (label, key) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, percent(r.live[key])),
    h('td', { class: 'num' }, percent(r.candidate[key])), h('td', { class: 'num' }, delta(r.live[key], r.candidate[key])));
  const cats = r.categories || [];
  out.replaceChildren(
    h('h4', {}, 'Live (', h('code', {}, r.liveLabel), ') beside v' + r.candidateVersion + ' (', h('code', {}, r.candidateLabel), ')'),
    h('p', { class: 'hint' }, r.unsafe + ' unsafe, ' + r.safe + ' safe and ' + (r.unlabelled || 0) + ' unlabelled lines; ',
      h('strong', { id: 'backtest-changed' }, String(r.changed)), ' decisions changed.'),
    table(['', 'Live', 'Candidate', 'Change'], [row('Recall (unsafe caught)', 'recall'), row('Precision (flagged lines judged unsafe)', 'precision'),
      row('False positives (safe flagged)', 'falsePositiveRate'), row('Hard blocks of safe lines', 'hardBlockRate')], 'Headline figures'),
    r.shifts && r.shifts.length ? table(['Category', 'Live holds', 'Candidate holds', 'Live blocks', 'Candidate blocks'],
      r.shifts.map(c => h('tr', { dataset: { shift: c.category } }, h('th', { scope: 'row' }, c.category), h('td', { class: 'num' }, String(c.liveReview)),
        h('td', { class: 'num' }, String(c.candidateReview)), h('td', { class: 'num' }, String(c.liveBlock)), h('td', { class: 'num' }, String(c.candidateBlock)))),
      'Would hold and block, every line') : null,
    cats.length ? h('figure', {}, h('figcaption', {}, h('strong', {}, 'Recall per category')),
      h('canvas', { id: 'chart-backtest', role: 'img', 'aria-label': 'Recall per category, live and candidate: '
        + cats.map(c => c.category + ' ' + percent(c.liveRecall) + ' → ' + percent(c.candidateRecall)).join(', ') })) : null,
    cats.length ? table(['Category', 'Unsafe lines', 'Live recall', 'Candidate recall', 'Change'], cats.map(c => h('tr', { dataset: { category: c.category } },
      h('th', { scope: 'row' }, c.category), h('td', { class: 'num' }, String(c.unsafe)), h('td', { class: 'num' }, percent(c.liveRecall)),
      h('td', { class: 'num' }, percent(c.candidateRecall)), h('td', { class: 'num' }, delta(c.liveRecall, c.candidateRecall)))), 'Recall per category') : null,
    r.changes && r.changes.length ? h('details', { open: true }, h('summary', {}, 'Lines whose decision changed (first ' + r.changes.length + ')'),
      table(['Text', 'Label', 'Live', 'Candidate'], r.changes.map(c => h('tr', {}, h('td', {}, c.textWithheld ? h('em', {}, 'withheld: a prompt nobody judged') : c.text), h('td', {}, c.label + (c.category ? ' · ' + c.category : '')),
        h('td', {}, c.live, c.liveRule ? h('div', { class: 'hint' }, c.liveRule) : null),
        h('td', {}, c.candidate, c.candidateRule ? h('div', { class: 'hint' }, c.candidateRule) : null))), 'Changed lines')) : null);
  if (cats.length) {
    charts.push(new Chart(document.getElementById('chart-backtest'), {
      type: 'bar',
      data: { labels: cats.map(c => c.category.replace(/_/g, ' ')), datasets: [
        { label: 'Live', data: cats.map(c => c.liveRecall == null ? 0 : 100 * c.liveRecall), backgroundColor: '#7a828f' },
        { label: 'v' + r.candidateVersion, data: cats.map(c => c.candidateRecall == null ? 0 : 100 * c.candidateRecall), backgroundColor: '#0b5cad' }] },
      options: { animation: false, scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: 'recall %' } } } },
    }));
  }
}

async function draftView(kind) {
  if (!session.me.admin) throw new ApiError(403, { detail: 'Drafting a policy version needs the admin role.' });
  const { versions } = await api(base(kind) + '/versions');
  const live = versions.find(v => v.state === 'live');
  const start = live ? (await api(base(kind) + '/versions/' + live.version)).document : {};
  const documentArea = h('textarea', { id: 'policy-document', class: 'prompt document', rows: 24, spellcheck: 'false' });
  documentArea.value = JSON.stringify(start, null, 2);
  const reason = h('textarea', { id: 'policy-reason', maxlength: 2000, required: true });
  const problem = h('div', { id: 'draft-problem', role: 'alert' });
  const button = h('button', { type: 'submit', id: 'draft-submit' }, 'Submit the draft for review');
  const fail = (lead, detail) => {
    problem.replaceChildren(h('p', { class: 'readonly' }, h('strong', {}, lead), ' ', detail));
    say([h('strong', {}, lead), ' ', detail], 'error');
  };
  show(h('section', { 'aria-labelledby': 'draft-title' },
    h('p', {}, h('a', { href: link(kind) }, '← All versions of ' + kind)),
    h('h2', { id: 'draft-title' }, 'Draft a new ' + kind + ' policy version'),
    h('p', { class: 'hint' }, live ? 'Starts from the live version v' + live.version + ' (' + live.label + '). ' : 'There is no live version yet. ',
      'The document is checked by the parser that loads it before anything is stored; a policy reviewer who is not you approves it.'),
    h('form', { class: 'card', id: 'draft-form', novalidate: true, onsubmit: e => {
      e.preventDefault();
      problem.replaceChildren();
      let doc;
      try {
        doc = JSON.parse(documentArea.value);
      } catch (err) {
        fail('The document is not valid JSON.', err.message + '. Nothing was sent.');
        return;
      }
      if (!reason.value.trim()) { fail('A reason is required.', 'Say why the policy changes. Nothing was sent.'); return; }
      button.disabled = true;
      api(base(kind) + '/versions', { method: 'POST', json: { reason: reason.value.trim(), document: doc } }).then(r => {
        say('v' + r.version + ' drafted; a policy reviewer approves it next.', 'ok');
        location.hash = link(kind, r.version);
      }, err => {
        button.disabled = false;
        // 400: the loader that would load this document refused it; its reason goes beside the document too
        if (err instanceof ApiError && err.status === 400) fail('The document was refused; nothing was stored.', err.message);
        else report(err);
      });
    } }, field('Policy document (JSON)', documentArea, 'edit it as it will be loaded'), field('Reason', reason, 'why this change; reviewers read it'), button,
    problem)));
}

async function shadowView(kind, version) {
  let r;
  const title = h('h2', { id: 'shadow-title' }, 'Shadow report: ', h('code', {}, kind));
  try {
    r = await api(base(kind) + '/shadow/report?samples=5' + (version ? '&version=' + version : ''));
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      show(h('section', { 'aria-labelledby': 'shadow-title' }, h('p', {}, h('a', { href: link(kind) }, '← All versions of ' + kind)), title,
        h('p', { class: 'card', id: 'no-shadow' }, 'No version is in shadow now. ', e.message)));
      return;
    }
    throw e;
  }
  const groups = r.groups || [];
  const pairs = groups.map(g => g.category + ': ' + g.live + ' → ' + g.candidate);
  show(h('section', { 'aria-labelledby': 'shadow-title' },
    h('p', {}, h('a', { href: link(kind) }, '← All versions of ' + kind), ' · ', h('a', { href: link(kind, r.candidateVersion) }, 'v' + r.candidateVersion)),
    title,
    h('p', { class: 'hint' }, 'Where v' + r.candidateVersion + ' (screening every prompt beside live, never acting) decided otherwise than live. '
      + 'Prompts are kept only as keyed hashes; the samples show what each version\'s rules matched.'),
    h('div', { class: 'charts' }, h('div', { class: 'card' }, h('p', { class: 'hint' }, 'Divergences'), h('p', { class: 'stat', id: 'shadow-total' }, String(r.total))),
      h('div', { class: 'card' }, h('p', { class: 'hint' }, 'Category and decision pairs'), h('p', { class: 'stat' }, String(groups.length)))),
    groups.length ? h('figure', { class: 'card chart' }, h('figcaption', {}, h('strong', {}, 'Divergences by category and decision pair')),
      h('canvas', { id: 'chart-shadow', role: 'img', 'aria-label': 'Divergences: ' + groups.map((g, i) => pairs[i] + ' ' + g.count).join(', ') }))
      : h('p', { class: 'card', id: 'no-divergence' }, 'No divergence yet: every prompt screened since v' + r.candidateVersion + ' went into shadow got the same decision.'),
    groups.map((g, i) => h('div', { class: 'card', dataset: { category: g.category } }, h('h3', {}, pairs[i], ' ', pill(String(g.count), 'warn')),
      table(['When', 'Live rule and evidence', 'Candidate rule and evidence', 'Correlation id'], g.samples.map(s => h('tr', {},
        h('td', {}, when(s.at)), h('td', {}, s.liveRule || '—', evidence(s.liveEvidence)), h('td', {}, s.candidateRule || '—', evidence(s.candidateEvidence)),
        h('td', {}, h('code', {}, s.correlationId)))), 'Samples')))));
  if (groups.length) {
    charts.push(new Chart(document.getElementById('chart-shadow'), {
      type: 'bar',
      data: { labels: pairs, datasets: [{ label: 'Divergences', data: groups.map(g => g.count), backgroundColor: '#0b5cad' }] },
      options: { animation: false, indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    }));
  }
}

function evidence(list) {
  return list && list.length ? h('ul', { class: 'evidence' }, list.map(e => h('li', {}, h('code', {}, e)))) : null;
}
