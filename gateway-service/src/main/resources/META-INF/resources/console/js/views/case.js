// One case: the content with its flagged frames and fired prompt rules, the reports, the account's standing and
// history, provenance, and — for the moderator who holds the claim — the decision form with a preview of the
// statement of reasons the user will receive. Anyone else sees the case read-only.
import { api } from '../api.js';
import { accessToken } from '../auth.js';
import { h, show, say, pill, when, relative, table, field } from '../ui.js';
import { report, session } from '../app.js';
import { statementPreview, ACTIONS } from './statement.js';
import { takedownLabel } from './queues.js';

let current = null; // { caseId, held } while a case is on screen
let timers = [];

/** Leaving a case gives an undecided claim back to its queue. */
export async function leaveCase() {
  timers.forEach(clearInterval);
  timers = [];
  const leaving = current;
  current = null;
  if (leaving && leaving.held && !leaving.decided) {
    try {
      await api('/v1/moderation/cases/' + leaving.caseId + '/release', { method: 'POST' });
    } catch (e) { /* the lease runs out by itself */ }
  }
}

window.addEventListener('pagehide', () => {
  if (current && current.held && !current.decided && current.token) {
    fetch('/v1/moderation/cases/' + current.caseId + '/release',
      { method: 'POST', keepalive: true, headers: { Authorization: 'Bearer ' + current.token } });
  }
});

export async function caseView(caseId) {
  if (!caseId) { location.hash = '#/queues'; return; }
  const c = await api('/v1/moderation/cases/' + encodeURIComponent(caseId));
  const held = c.state === 'CLAIMED' && c.claimedBy === session.me.subject;
  current = { caseId: c.caseId, held, decided: false, token: null };
  const [content, account] = await Promise.all([
    c.target.type === 'account' ? null : api('/v1/moderation/cases/' + c.caseId + '/content').catch(e => ({ error: e.message })),
    c.target.owner || c.target.type === 'account'
      ? api('/v1/moderation/accounts/' + encodeURIComponent(c.target.owner || c.target.id)).catch(e => ({ error: e.message })) : null,
  ]);
  const left = h('div', {},
    c.likenessTakedown ? takedownCard(c) : null,
    content ? contentCard(c, content) : null,
    reportsCard(c),
    c.machineVerdict ? h('div', { class: 'card' }, h('h3', {}, 'Machine verdict that opened the case'), verdictBlock(c.machineVerdict)) : null);
  const right = h('div', {}, claimCard(c, held), accountCard(c, account),
    c.decision ? decisionCard(c.decision) : held ? decisionForm(c) : null);
  show(h('section', { 'aria-labelledby': 'case-title' },
    h('h2', { id: 'case-title' }, 'Case ', h('code', {}, c.caseId.slice(0, 8)), ' · ', c.category.replace(/_/g, ' '), ' ',
      pill(c.state, c.state === 'DECIDED' ? 'good' : 'warn'), c.likenessTakedown ? [' ', takedownLabel()] : null),
    h('p', { class: 'hint' }, 'About ', c.target.type, ' ', h('code', {}, c.target.id), ' · source ', c.source, ' · priority ',
      c.priority.toFixed(1), ' · version ', String(c.version), ' · SLA due ', relative(c.slaDueAt), ' ',
      c.slaBreached ? pill('SLA breached', 'bad') : null),
    h('div', { class: 'grid' }, left, right)));
  if (held) current.token = await accessToken();
  loadVideo(c, content);
}

function claimCard(c, held) {
  if (held) {
    const timer = h('strong', { id: 'lease' }, relative(c.leaseUntil));
    timers.push(setInterval(() => { timer.textContent = relative(c.leaseUntil); }, 1000));
    return h('div', { class: 'card' }, h('h3', {}, 'Your claim'),
      h('p', {}, 'You hold this case; the lease ends ', timer, ' (', when(c.leaseUntil), '). Leaving the case gives it back.'),
      h('p', { class: 'hint' }, 'Shortcuts: ', h('kbd', {}, '1'), ' no action, ', h('kbd', {}, '2'), ' remove, ', h('kbd', {}, '3'),
        ' age-restrict, ', h('kbd', {}, '4'), ' strike, ', h('kbd', {}, '5'), ' suspend, ', h('kbd', {}, '6'), ' ban, ',
        h('kbd', {}, 'p'), ' preview, ', h('kbd', {}, 'r'), ' release.'),
      h('button', { class: 'secondary', id: 'release', onclick: () => release(c) }, 'Release case'));
  }
  const why = c.state === 'CLAIMED' ? ['Claimed by another moderator (', h('code', {}, c.claimedBy.slice(0, 8)), ') until ', when(c.leaseUntil),
    '. You can read it; only they can decide it.']
    : c.state === 'OPEN' ? ['Nobody holds this case. Claim it from its queue to decide it.']
    : ['This case is ' + c.state.toLowerCase() + '.'];
  return h('div', { class: 'card readonly', id: 'readonly' }, h('h3', {}, 'Read only'), h('p', {}, ...why));
}

async function release(c) {
  try {
    await api('/v1/moderation/cases/' + c.caseId + '/release', { method: 'POST' });
    current.held = false;
    say('Case released to its queue.', 'ok');
    location.hash = '#/queues';
  } catch (e) { report(e); }
}

function contentCard(c, content) {
  if (content.error) return h('div', { class: 'card' }, h('h3', {}, 'Content'), h('p', {}, content.error));
  const g = content.generation;
  const found = g.verdicts.filter(v => v.source === 'frame-classifier').flatMap(v => v.evidence.filter(e => e.timestampMs >= 0)
    .map(e => ({ ...e, decision: v.decision })));
  const frames = found.filter(e => !e.modality || e.modality === 'frame');
  const heard = kind => found.filter(e => e.modality === kind);
  const screening = g.verdicts.find(v => v.source === 'prompt-guard');
  return h('div', { class: 'card' }, h('h3', {}, 'Content'),
    c.target.type === 'prompt' && !g.video ? null : h('div', { id: 'player' }, h('p', { class: 'hint' }, 'Loading the clip…')),
    frames.length ? h('div', {}, h('h3', {}, 'Flagged frames (' + frames.length + ')'),
      h('ul', { class: 'frames', id: 'flagged-frames' }, frames.map(f => h('li', {},
        h('button', { dataset: { ms: f.timestampMs }, onclick: () => seek(f.timestampMs),
          'aria-label': 'Show the frame at ' + (f.timestampMs / 1000).toFixed(2) + ' seconds: ' + f.ruleId },
          (f.timestampMs / 1000).toFixed(2) + ' s · ' + f.ruleId + (f.score ? ' · ' + f.score.toFixed(2) : '') +
          (f.matched ? ' · ' + f.matched : ''))))))
      : h('p', { class: 'hint' }, 'No frame was flagged by the classifier.'),
    textFindings('Text on screen', 'screen-text', heard('ocr')),
    textFindings('Speech', 'speech', heard('speech')),
    h('h3', {}, 'Prompt'), promptBlock(content.prompt, screening),
    screening && screening.normalisation && screening.normalisation.length
      ? h('div', {}, h('h3', {}, 'Obfuscation undone before screening'), table(['Step', 'Changes', 'Example'],
        screening.normalisation.map(n => h('tr', {}, h('td', {}, n.step), h('td', {}, String(n.changes)), h('td', {}, n.example))))) : null,
    h('h3', {}, 'Verdicts'), g.verdicts.map(verdictBlock),
    h('h3', {}, 'Provenance'), g.provenance
      ? h('dl', { id: 'provenance' }, h('dt', {}, 'Asset'), h('dd', {}, h('code', {}, g.provenance.assetId)),
        h('dt', {}, 'Watermark payload'), h('dd', {}, h('code', {}, g.provenance.watermarkPayload)),
        h('dt', {}, 'C2PA manifest (SHA-256)'), h('dd', {}, h('code', {}, g.provenance.manifestSha256 || '—')))
      : h('p', { id: 'provenance' }, 'Not marked: the generation is ' + g.state.toLowerCase().replace(/_/g, ' ') +
        ' (watermark and C2PA manifest are added at publication).'));
}

/** What the clip shows as text or says aloud: time span, the words read or heard, where on the frame; a click seeks there. */
function textFindings(title, id, findings) {
  if (!findings.length) return null;
  const seconds = ms => (ms / 1000).toFixed(2);
  return h('div', {}, h('h3', {}, title + ' (' + findings.length + ')'),
    h('ul', { class: 'frames', id }, findings.map(f => h('li', {},
      h('button', { dataset: { ms: f.timestampMs }, onclick: () => seek(f.timestampMs),
        'aria-label': title + ' from ' + seconds(f.timestampMs) + ' seconds: ' + f.ruleId },
        seconds(f.timestampMs) + (f.endTimestampMs ? '–' + seconds(f.endTimestampMs) : '') + ' s · ',
        h('q', {}, f.matched), ' · ' + f.ruleId,
        f.region ? ' · at ' + f.region.x + ',' + f.region.y + ' (' + f.region.width + '×' + f.region.height + ')' : '')))));
}

/** The prompt with every span a prompt-guard rule fired on highlighted (spans index the original prompt). */
function promptBlock(prompt, screening) {
  const spans = (screening ? screening.evidence : []).flatMap(e => e.spans.map(([start, end]) => ({ start, end, rule: e.ruleId })))
    .filter(s => s.end > s.start).sort((a, b) => a.start - b.start);
  // spans count UTF-16 code units, as Java and JavaScript strings both do
  const parts = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    parts.push(prompt.slice(at, s.start));
    parts.push(h('mark', { class: 'fired', title: s.rule }, prompt.slice(s.start, s.end), h('span', { class: 'sr-only' }, ' (rule ' + s.rule + ')')));
    at = s.end;
  }
  parts.push((prompt || '').slice(at));
  return h('p', { class: 'prompt', id: 'prompt' }, ...parts);
}

function verdictBlock(v) {
  const kind = v.decision === 'BLOCK' ? 'bad' : v.decision === 'REVIEW' ? 'warn' : 'good';
  const top = Object.entries(v.categories || {}).filter(([, s]) => s > 0.01).sort((a, b) => b[1] - a[1]).slice(0, 4);
  return h('div', { class: 'verdict' }, h('p', {}, h('strong', {}, v.source), ' ', pill(v.decision, kind), ' ', v.ruleId ? h('code', {}, v.ruleId) : null,
    ' — ', v.reason, v.policyVersion ? h('span', { class: 'hint' }, ' (policy ' + v.policyVersion + ')') : null),
    top.length ? h('p', { class: 'hint' }, top.map(([k, s]) => k + ' ' + s.toFixed(2)).join(' · ')) : null);
}

/**
 * A cameo owner's takedown request: which cameo, which use of it, the consent reference the video was published
 * under, and the owner's words. Opaque references only; the registry never sends faces or descriptors here.
 */
function takedownCard(c) {
  const requests = c.reports.filter(r => r.likenessTakedown);
  return h('div', { class: 'card takedown-request', id: 'takedown' }, h('h3', {}, 'Likeness takedown request'),
    h('p', {}, 'The person shown in this video owns the cameo it used and asks for its removal. They had allowed the creator; ',
      'the consent reference is the permission the video was published under (its C2PA manifest names it).'),
    requests.map(r => h('dl', {},
      h('dt', {}, 'Cameo'), h('dd', { class: 'takedown-handle' }, r.likenessTakedown.handle || '(deleted since)'),
      h('dt', {}, 'Consent reference'), h('dd', {}, h('code', { class: 'takedown-consent' }, r.likenessTakedown.consentReferenceId || '—')),
      h('dt', {}, 'Use'), h('dd', {}, h('code', {}, r.likenessTakedown.useId)),
      h('dt', {}, 'Requested'), h('dd', {}, when(r.filedAt)),
      h('dt', {}, 'The owner says'), h('dd', {}, r.explanation))),
    h('p', { class: 'hint' }, 'To take it down choose "Remove content": the creator receives the statement of reasons. ',
      '"No action" keeps the video; the owner is told the outcome.'));
}

function reportsCard(c) {
  return h('div', { class: 'card' }, h('h3', {}, 'Reports (' + c.reports.length + ')'),
    c.reports.length === 0 ? h('p', { class: 'hint' }, 'Opened by automated detection; no user reports.')
      : table(['Category', 'Explanation', 'Reporter', 'Trust', 'Filed'], c.reports.map(r => h('tr', {},
        h('td', {}, r.category, r.likenessTakedown ? [' ', takedownLabel()] : null), h('td', {}, r.explanation || '—'),
        h('td', {}, r.reporter ? h('code', {}, r.reporter.slice(0, 8)) : 'anonymous', r.trustedFlagger ? [' ', pill('trusted flagger', 'good')] : null),
        h('td', {}, Math.round(r.reporterTrust * 100) + ' %'), h('td', {}, when(r.filedAt)))), 'Reports merged into this case'));
}

function accountCard(c, account) {
  const history = c.accountHistory || [];
  if (!account) return null;
  if (account.error) return h('div', { class: 'card' }, h('h3', {}, 'Account'), h('p', {}, account.error));
  const kind = account.standing === 'ACTIVE' ? 'good' : 'bad';
  // sanctions applied or lifted and usage-anomaly flags, from the account's audit trail
  const flags = (account.decisions || []).filter(d => /^(sanction\.|anomaly|strike)/.test(d.action));
  return h('div', { class: 'card', id: 'account' }, h('h3', {}, 'Account ', h('code', {}, account.account.slice(0, 8))),
    h('p', {}, 'Standing ', h('strong', { id: 'standing' }, pill(account.standing, kind)),
      account.suspendedUntil ? ' until ' + when(account.suspendedUntil) : '', ' · tier ', account.tier,
      ' · active strikes ', String(c.activeStrikes)),
    h('p', {}, h('a', { href: '#/accounts/' + encodeURIComponent(account.account) }, 'Full history of this account')),
    history.length ? table(['Decided', 'Action', 'By'], history.map(d => h('tr', {}, h('td', {}, when(d.decidedAt)),
      h('td', {}, d.action + (d.escalatedTo ? ' → ' + d.escalatedTo : '')), h('td', {}, h('code', {}, d.decidedBy.slice(0, 8))))),
    'Earlier decisions about this account') : h('p', { class: 'hint' }, 'No earlier moderation decisions.'),
    flags.length ? h('div', {}, h('h3', {}, 'Sanctions and flags'), h('ul', {}, flags.slice(0, 8).map(d =>
      h('li', {}, when(d.at), ' — ', d.action, ': ', d.reason))))
      : null);
}

function decisionCard(d) {
  return h('div', { class: 'card', id: 'decision' }, h('h3', {}, 'Decision'),
    h('p', {}, pill(d.action, 'warn'), d.escalatedTo ? ' escalated to ' + d.escalatedTo : '', ' by ', h('code', {}, d.decidedBy.slice(0, 8)),
      ' ', when(d.decidedAt)),
    h('p', {}, d.statementOfReasons.facts), h('p', { class: 'hint' }, d.statementOfReasons.ground));
}

function decisionForm(c) {
  const action = h('select', { id: 'action', required: true }, h('option', { value: '' }, 'Choose…'),
    ACTIONS.map(a => h('option', { value: a.value }, a.label)));
  const days = h('input', { id: 'suspension-days', type: 'number', min: 1, max: 365, value: 7, inputmode: 'numeric' });
  const daysField = field('Suspension (days)', days);
  const groundType = h('select', { id: 'ground-type' },
    h('option', { value: 'INCOMPATIBLE_WITH_TERMS' }, 'Incompatible with our terms'),
    h('option', { value: 'ILLEGAL_CONTENT' }, 'Illegal content'));
  const ground = h('input', { id: 'ground', maxlength: 1000, placeholder: 'e.g. Community Guidelines §4.2 (sexual content)' });
  const facts = h('textarea', { id: 'facts', maxlength: 5000, placeholder: 'What you saw and where (frame times, words of the prompt).' });
  const preview = h('div', { id: 'preview', 'aria-live': 'polite' });
  const send = h('button', { id: 'send', class: 'danger', disabled: true }, 'Send decision');
  const automated = Boolean(c.machineVerdict) || c.source === 'AUTOMATED';
  daysField.hidden = true;
  const form = h('form', { class: 'card', id: 'decision-form', novalidate: true, 'aria-labelledby': 'decide-title' },
    h('h3', { id: 'decide-title' }, 'Decide'),
    field('Action', action), daysField, field('Ground type', groundType),
    field('Legal or contractual ground', ground, 'required'), field('Facts and circumstances', facts, 'required, shown to the user'),
    h('p', { class: 'hint' }, 'Detected by automated means: ', h('strong', {}, automated ? 'yes' : 'no'),
      ' (a fact of the case). Decided by automated means: no — you decide.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', id: 'preview-button' }, 'Preview statement'), send),
    preview);
  const body = () => ({
    action: action.value, facts: facts.value.trim(), ground: ground.value.trim(), groundType: groundType.value,
    suspensionSeconds: action.value === 'SUSPEND_ACCOUNT' ? Math.round(Number(days.value) * 86400) : 0, caseVersion: c.version,
  });
  const stale = () => { send.disabled = true; preview.replaceChildren(); };
  for (const input of [action, days, groundType, ground, facts]) input.addEventListener('input', stale);
  action.addEventListener('change', () => { daysField.hidden = action.value !== 'SUSPEND_ACCOUNT'; });
  form.addEventListener('submit', e => {
    e.preventDefault();
    const b = body();
    const missing = [!b.action && 'an action', !b.ground && 'the ground', b.facts.length < 5 && 'the facts (a sentence at least)',
      b.action === 'SUSPEND_ACCOUNT' && !(Number(days.value) >= 1 && Number(days.value) <= 365) && 'a suspension of 1–365 days'].filter(Boolean);
    if (missing.length) { say('Before previewing, give ' + missing.join(', ') + '.', 'error'); return; }
    preview.replaceChildren(statementPreview(b, c, automated));
    send.disabled = false;
    send.focus();
  });
  let sending = false;
  send.addEventListener('click', async e => {
    e.preventDefault();
    if (sending) return; // a second click while the first is on its way does nothing
    sending = true;
    send.disabled = true;
    send.textContent = 'Sending…';
    try {
      const d = await api('/v1/moderation/cases/' + c.caseId + '/decision', { method: 'POST', json: body() });
      current.decided = true;
      say('Decision sent: ' + d.action + (d.escalatedTo ? ' (escalated to ' + d.escalatedTo + ')' : '') + '. The user has been notified.', 'ok');
      await caseView(c.caseId);
    } catch (err) {
      sending = false;
      send.textContent = 'Send decision';
      explainDecisionFailure(err, c);
    }
  });
  shortcuts(action, form, c);
  return form;
}

function explainDecisionFailure(err, c) {
  const detail = err.message || '';
  if (err.status === 409 && /changed since you opened it/.test(detail)) {
    say([h('strong', {}, 'The case changed while you were deciding. '), 'Nothing was sent. ', detail, ' ',
      h('button', { id: 'reload-case', onclick: () => caseView(c.caseId).catch(report) }, 'Reload the case')], 'error');
  } else if (err.status === 409 && /already decided/.test(detail)) {
    current.decided = true;
    say([h('strong', {}, 'This case is already decided. '), 'Your decision was not sent twice. ', detail], 'error');
  } else if (err.status === 409) {
    say([h('strong', {}, 'You no longer hold this case. '), 'Nothing was sent. ', detail], 'error');
  } else {
    report(err);
  }
}

function shortcuts(action, form, c) {
  const onKey = e => {
    if (!document.body.contains(form)) { document.removeEventListener('keydown', onKey); return; }
    if (e.ctrlKey || e.metaKey || e.altKey || ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) return;
    const chosen = ACTIONS.find(a => a.key === e.key);
    if (chosen) {
      e.preventDefault();
      action.value = chosen.value;
      action.dispatchEvent(new Event('change'));
      action.dispatchEvent(new Event('input'));
      form.querySelector('#ground').focus();
    } else if (e.key === 'p') {
      e.preventDefault();
      form.requestSubmit();
    } else if (e.key === 'r') {
      e.preventDefault();
      release(c);
    }
  };
  document.addEventListener('keydown', onKey);
}

async function loadVideo(c, content) {
  const player = document.getElementById('player');
  if (!player || !content || content.error) return;
  try {
    const blob = await api('/v1/moderation/cases/' + c.caseId + '/video', { as: 'blob' });
    // moderator care: a flagged clip starts blurred, grey and muted, and is shown at full impact only on request
    const video = h('video', { id: 'video', class: 'shielded', controls: true, muted: true, preload: 'auto',
      src: URL.createObjectURL(blob), 'aria-label': 'The clip this case is about (blurred, grey and muted until revealed)' });
    video.muted = true;
    const reveal = h('button', { id: 'reveal', type: 'button', class: 'secondary', 'aria-pressed': 'false', 'aria-controls': 'video' },
      'Reveal the clip');
    reveal.addEventListener('click', async () => {
      if (!video.classList.contains('shielded')) {
        video.classList.add('shielded');
        reveal.setAttribute('aria-pressed', 'false');
        reveal.textContent = 'Reveal the clip';
        return;
      }
      try {
        // recorded first: in the severest queues a reveal counts against this shift's exposure budget
        const budget = await api('/v1/moderation/cases/' + c.caseId + '/reveal', { method: 'POST' });
        video.classList.remove('shielded');
        reveal.setAttribute('aria-pressed', 'true');
        reveal.textContent = 'Blur the clip again';
        if (budget.counted) say('Revealed: ' + budget.used + ' of ' + budget.budget + ' full-impact views from the severest queues this shift.');
      } catch (e) {
        say(e.message, 'error');
      }
    });
    player.replaceChildren(video, h('div', { class: 'actions' }, reveal,
      h('span', { class: 'hint' }, 'Shown blurred, in grey and muted to limit exposure; reveal it when you need the detail, '
        + 'unmute it with the player.')));
  } catch (e) {
    player.replaceChildren(h('p', { class: 'hint' }, e.status === 404 ? 'No clip: ' + e.message : 'The clip could not be loaded: ' + e.message));
  }
}

function seek(ms) {
  const video = document.getElementById('video');
  if (!video) return;
  video.pause();
  video.currentTime = ms / 1000;
  video.focus();
}
