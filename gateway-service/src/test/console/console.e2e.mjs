// Moderator console, end to end: Playwright (playwright-core) driving Debian's Chromium against the whole local
// stack (Keycloak, gateway, every service, PostgreSQL), started by `./safeframe e2e`. Sign-in is the real
// authorization code + PKCE flow through Keycloak's login page. The steps run in order and share one story:
// a clip goes into a REVIEW hash bank, the same clip generated again is held, a moderator claims the case, watches
// the flagged frame, suspends the owner; the owner appeals through the API; a second moderator reverses. Then the
// likeness screens (issue 21): an admin keeps the protected-persons bank from a face photo, a moderator may not, and
// a cameo owner's takedown request reaches a moderator labelled as such, who claims it and removes the video.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { API, createUsers, call, token, waitForState } from './stack.mjs';

const SHOTS = process.env.SCREENSHOTS || join(process.cwd(), 'screenshots');
const run = Date.now().toString(36);
const owner = `e2e-${run}-owner`;
const reporter = `e2e-${run}-reporter`;
const bank = `e2e-${run}`;
const prompt = `a lighthouse on a cliff at dusk with waves below ${run}`;
const cameoOwner = `e2e-${run}-cameo`;
const cameoFriend = `e2e-${run}-friend`;
const handle = `e2e_${run}`;
// letters only: a run of digits would be a phone number to the labelling queue's scrubber
const letters = run.replace(/[0-9]/g, d => 'ghijklmnop'[Number(d)]);
const learner = `e2e-${run}-learner`;
// face-api's demo photos, which the frame-classifier build unpacks; this file runs from gateway-service/target/console-e2e
const FACE_SAMPLES = new URL('../../../frame-classifier-service/target/face-samples/', import.meta.url);
const story = {}; // what later steps need from earlier ones

let browser;
const contexts = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await createUsers([owner, reporter, cameoOwner, cameoFriend, learner]);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close();
});

/** A browser session signed in through Keycloak's login page (authorization code + PKCE). */
async function signIn(username, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', e => console.error(`[${username}] page error: ${e.message}`));
  await page.goto(`${API}/console`);
  await page.locator('#signin-button').click();
  await page.waitForURL(/\/realms\/safeframe\/protocol\/openid-connect\/auth/);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(process.env.DEMO_PASSWORD);
  await page.locator('#kc-login').click();
  await page.waitForURL(`${API}/console/**`);
  await page.locator('#me').waitFor();
  assert.equal(await page.locator('#me').textContent(), username);
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
const message = page => page.locator('#message');

/** Waits for the console's message to say `text`; on time-out says what it said instead (and keeps a screenshot). */
async function expectMessage(page, text, timeout = 30_000) {
  try {
    await message(page).filter({ hasText: text }).waitFor({ timeout });
  } catch (e) {
    await shot(page, 'failed-' + Date.now());
    throw new Error(`expected the message "${text}" within ${timeout} ms; the console shows "${await message(page).textContent()}"`
      + ` at ${page.url()}`);
  }
}

async function generate(username, key) {
  const r = await call(username, 'POST', '/v1/generations', { prompt, durationSeconds: 2, aspect: '16:9' }, { 'Idempotency-Key': key });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.id;
}

test('a user account is refused the console, in the browser and by the API', async () => {
  const page = await signIn(owner);
  await page.locator('#refused').waitFor();
  assert.match(await page.locator('#refused').textContent(), /without the moderator or admin role/);
  assert.equal(await page.locator('#nav').isVisible(), false);
  await shot(page, 'refused-user');
  assert.equal((await call(owner, 'GET', '/v1/moderation/queues')).status, 403);
  assert.equal((await call(owner, 'POST', '/v1/admin/banks', { name: 'x', category: 'other', decision: 'BLOCK' })).status, 403);
});

test('an admin adds a published clip to a REVIEW hash bank in the console', async () => {
  const created = await call('ada', 'POST', '/v1/admin/banks', { name: bank, category: 'real_person_likeness', decision: 'REVIEW',
    description: 'e2e: clips of a real person' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const first = await generate(owner, `first-${run}`);
  await waitForState(owner, first, ['PUBLISHED']);
  const video = await call(owner, 'GET', `/v1/generations/${first}/video`);
  assert.equal(video.status, 200);
  const file = join(tmpdir(), `safeframe-${run}.mp4`);
  writeFileSync(file, video.body);

  const page = await signIn('ada');
  await page.goto(`${API}/console/#/banks`);
  await page.locator(`tr[data-bank="${bank}"]`).waitFor();
  await page.locator('#media-bank').selectOption(bank);
  await page.locator('#media-file').setInputFiles(file);
  await page.locator('#media-label').fill(`e2e clip ${run}`);
  await page.locator('#media-form button[type=submit]').click();
  await expectMessage(page, 'frames hashed', 90_000);
  const added = Number((await message(page).textContent()).match(/(\d+) added/)[1]);
  assert.ok(added >= 2, `frames added: ${added}`);
  await page.locator(`tr[data-bank="${bank}"] td.size`, { hasText: new RegExp(`^${added}$`) }).waitFor();
  await shot(page, 'banks');
  story.admin = page;
});

test('the same clip generated again is held for review with its flagged frames', async () => {
  const id = await generate(owner, `second-${run}`);
  const job = await waitForState(owner, id, ['HELD_FOR_REVIEW', 'PUBLISHED', 'BLOCKED', 'FAILED']);
  assert.equal(job.state, 'HELD_FOR_REVIEW', JSON.stringify(job));
  const classifier = job.verdicts.find(v => v.source === 'frame-classifier');
  // the owner learns which rule held it, not which frames matched (no oracle for perturbing them); moderators see the frames
  assert.ok(classifier.evidence.some(e => e.ruleId === `bank:${bank}` && e.timestampMs === undefined), JSON.stringify(classifier));
  story.jobId = id;
  assert.equal((await call(owner, 'GET', '/v1/me')).body.standing, 'ACTIVE');
  // The new bank entry also matches the first clip, which is published: frame-classifier's retroactive run opens a
  // case for it within seconds, at the same priority as the held clip's, and whichever is older is claimed first. That
  // case is another story; mike takes it, so that the next claim (maria's, below) is the held clip's case.
  const queueCases = async () => (await call('mike', 'GET', '/v1/moderation/queues/real_person_likeness/cases?limit=50')).body
    .filter(c => !c.claimedBy || new Date(c.leaseUntil) <= new Date());
  const until = Date.now() + 30_000;
  let waiting = await queueCases();
  while (!waiting.some(c => c.target.id !== id) && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 1000));
    waiting = await queueCases();
  }
  while (waiting.length > 0 && waiting[0].target.id !== id) {
    const taken = await call('mike', 'POST', '/v1/moderation/queues/real_person_likeness/claim');
    assert.equal(taken.status, 200, JSON.stringify(taken.body));
    waiting = await queueCases();
  }
  assert.ok(waiting.length > 0 && waiting[0].target.id === id, 'the held clip\'s case is next in its queue');
});

test('a moderator claims the case and watches the flagged frame', async () => {
  const page = await signIn('maria');
  await page.locator('#queues-title').waitFor();
  const row = page.locator('tr[data-queue="real_person_likeness"]');
  await row.waitFor();
  assert.ok(Number(await row.locator('td').nth(0).textContent()) >= 1, 'the queue shows the open case');
  // the waiting list shows the held clip's case in claim order, with the rule that opened it and its SLA timer
  const waiting = page.locator('#waiting tbody tr').first();
  assert.match(await waiting.textContent(), new RegExp(`bank:${bank}`));
  assert.match(await waiting.locator('.sla').textContent(), /^in \d+ (s|min|h)$/);
  await shot(page, 'queues');
  await page.locator('#claim-any').click();
  await page.locator('#case-title').waitFor();
  story.caseId = page.url().split('/').pop();
  assert.match(await page.locator('#lease').textContent(), /^in \d+ (s|min)$/);

  const frames = page.locator('#flagged-frames button');
  assert.ok(await frames.count() >= 1);
  const video = page.locator('#video');
  await video.waitFor();
  await page.waitForFunction(() => document.getElementById('video').readyState >= 1, null, { timeout: 30_000 });
  // moderator care: the clip starts blurred, grey and muted; revealing it is the moderator's choice, and reversible
  assert.match(await video.evaluate(v => getComputedStyle(v).filter), /blur\(18px\) grayscale\(1\)/);
  assert.equal(await video.evaluate(v => v.muted), true);
  await page.locator('#reveal').click();
  await page.waitForFunction(() => getComputedStyle(document.getElementById('video')).filter === 'none', null, { timeout: 10_000 });
  assert.equal(await page.locator('#reveal').getAttribute('aria-pressed'), 'true');
  await page.locator('#reveal').click();
  assert.match(await video.evaluate(v => getComputedStyle(v).filter), /blur/);
  const target = frames.nth(Math.min(1, (await frames.count()) - 1));
  const ms = Number(await target.getAttribute('data-ms'));
  await target.click();
  await page.waitForFunction(t => Math.abs(document.getElementById('video').currentTime - t) < 0.05 && !document.getElementById('video').seeking,
    ms / 1000, { timeout: 10_000 });
  assert.match(await page.locator('#provenance').textContent(), /Not marked/);
  assert.match(await page.locator('#prompt').textContent(), /lighthouse/);
  assert.match(await page.locator('#standing').textContent(), /ACTIVE/);
  await shot(page, 'case');
  story.maria = page;
});

test('a second moderator sees the claimed case read-only, and the API refuses their decision', async () => {
  const page = await signIn('mike');
  await page.goto(`${API}/console/#/cases/${story.caseId}`);
  await page.locator('#readonly').waitFor();
  assert.match(await page.locator('#readonly').textContent(), /Claimed by another moderator/);
  assert.equal(await page.locator('#decision-form').count(), 0);
  assert.equal(await page.locator('main textarea, main select').count(), 0, 'nothing of the claim is editable');
  await shot(page, 'case-read-only');
  const refused = await call('mike', 'POST', `/v1/moderation/cases/${story.caseId}/decision`,
    { action: 'NO_ACTION', facts: 'nothing wrong here', ground: 'terms', caseVersion: 0 });
  assert.equal(refused.status, 409);
  assert.match(refused.body.detail, /claim case .* before deciding it/);
  story.mike = page;
});

async function fillSuspension(page, facts) {
  await page.locator('#view').focus();
  await page.keyboard.press('5'); // shortcut: suspend account
  assert.equal(await page.locator('#action').inputValue(), 'SUSPEND_ACCOUNT');
  await page.locator('#suspension-days').fill('7');
  await page.locator('#ground').fill('Community Guidelines 4.2: deceptive likeness of a real person');
  await page.locator('#facts').fill(facts);
  await page.locator('#preview-button').click();
  await page.locator('#statement-preview').waitFor();
}

test('a decision on a case that changed meanwhile is refused with a clear message and nothing is written', async () => {
  const page = story.maria;
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label')).map(el => el.id));
  assert.deepEqual(unlabelled, [], 'every control has a label');
  await fillSuspension(page, 'The clip matches a bank of deceptive clips of a real person at 0:00 and 0:01.');
  assert.equal(await page.locator('#preview-title').textContent(), 'Your account was suspended');
  assert.match(await page.locator('#statement-preview').textContent(), /Suspend account for 7 days/);
  assert.match(await page.locator('#statement-preview').textContent(), /Detected by automated meansYes/);
  await shot(page, 'decision-preview');

  // meanwhile another user reports the same content: the report joins the case and its version moves on
  const joined = await call(reporter, 'POST', '/v1/reports', { targetType: 'content', targetId: story.jobId,
    category: 'real_person_likeness', explanation: 'this is a fake video of my neighbour', goodFaith: true });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  assert.equal(joined.body.caseId, story.caseId);

  await page.locator('#send').click();
  await expectMessage(page, 'The case changed while you were deciding');
  assert.match(await message(page).textContent(), /Nothing was sent/);
  const stillOpen = await call('maria', 'GET', `/v1/moderation/cases/${story.caseId}`);
  assert.equal(stillOpen.body.state, 'CLAIMED');
  assert.equal(stillOpen.body.decision, null);
  await shot(page, 'stale-version');
});

test('after reloading, a double submit sends exactly one decision and the owner is suspended', async () => {
  const page = story.maria;
  await page.locator('#reload-case').click();
  // the reloaded case shows the report that arrived meanwhile, and a fresh form for its new version
  await page.locator('main td', { hasText: 'this is a fake video of my neighbour' }).waitFor();
  await page.locator('#decision-form').waitFor();
  await fillSuspension(page, 'The clip matches a bank of deceptive clips of a real person; a user reported it too.');
  await page.locator('#send').dblclick();
  await expectMessage(page, 'Decision sent');
  await page.locator('#decision').waitFor();
  assert.match(await page.locator('#standing').textContent(), /SUSPENDED/);
  await shot(page, 'decided');

  const decided = await call('maria', 'GET', `/v1/moderation/cases/${story.caseId}`);
  assert.equal(decided.body.state, 'DECIDED');
  story.decisionId = decided.body.decision.decisionId;
  const again = await call('maria', 'POST', `/v1/moderation/cases/${story.caseId}/decision`,
    { action: 'SUSPEND_ACCOUNT', suspensionSeconds: 604800, facts: 'again', ground: 'again', caseVersion: 0 });
  assert.equal(again.status, 409);
  const notices = (await call(owner, 'GET', '/v1/me/notices')).body.filter(n => n.kind === 'DECISION' && n.caseId === story.caseId);
  assert.equal(notices.length, 1, 'one decision, one notice');
  assert.equal(notices[0].title, 'Your account was suspended');
  const me = (await call(owner, 'GET', '/v1/me')).body;
  assert.equal(me.standing, 'SUSPENDED');
});

test('the owner appeals through the API; the deciding moderator cannot review it', async () => {
  const appeal = await call(owner, 'POST', '/v1/appeals', { decisionId: story.decisionId,
    explanation: 'This is my own lighthouse video; no real person is shown.' });
  assert.equal(appeal.status, 201, JSON.stringify(appeal.body));
  story.appealId = appeal.body.appealId;
  const page = story.maria;
  await page.goto(`${API}/console/#/appeals`);
  const card = page.locator(`article[data-appeal="${story.appealId}"]`);
  await card.waitFor();
  assert.match(await card.textContent(), /You took this decision/);
  assert.equal(await card.locator('button[data-outcome=REVERSE]').isDisabled(), true);
});

test('a second moderator reverses the decision and the owner is active again', async () => {
  const page = story.mike;
  await page.goto(`${API}/console/#/appeals`);
  const card = page.locator(`article[data-appeal="${story.appealId}"]`);
  await card.waitFor();
  await card.locator('textarea').fill('The bank entry was our own test clip; no real person is depicted.');
  await shot(page, 'appeals');
  await card.locator('button[data-outcome=REVERSE]').click();
  await expectMessage(page, 'Appeal reversed');
  assert.equal((await call(owner, 'GET', '/v1/me')).body.standing, 'ACTIVE');
  const ownerId = (await call('mike', 'GET', `/v1/moderation/cases/${story.caseId}`)).body.target.owner;
  await page.goto(`${API}/console/#/accounts/${ownerId}`);
  await page.locator('#account-standing').filter({ hasText: 'ACTIVE' }).waitFor();
  await shot(page, 'account');
});

test('an expired or forged session says so and offers to sign in again', async () => {
  const page = story.mike;
  await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find(k => k.startsWith('oidc.user:'));
    const user = JSON.parse(sessionStorage.getItem(key));
    user.access_token = user.access_token.slice(0, -8) + 'AAAAAAAA'; // signature no longer matches
    sessionStorage.setItem(key, JSON.stringify(user));
  });
  await page.goto(`${API}/console/#/queues`);
  await expectMessage(page, 'Your session has expired');
  await page.locator('#signin-button').waitFor();
  await shot(page, 'session-expired');
});

test('admin screens: transparency charts, audit chain, prompt policy', async () => {
  const page = story.admin;
  await page.goto(`${API}/console/#/transparency`);
  await page.locator('#chart-action').waitFor();
  const actions = await page.evaluate(() => Chart.getChart('chart-action').data.datasets[0].data.reduce((a, b) => a + b, 0));
  assert.ok(actions >= 1, 'the suspension is counted');
  await shot(page, 'transparency');
  await page.goto(`${API}/console/#/audit`);
  await page.locator('#chain').filter({ hasText: 'intact' }).waitFor({ timeout: 30_000 });
  await page.locator('#audit-query').fill(story.caseId);
  await page.locator('form[role=search] button').click();
  await page.locator('#audit-results table').waitFor();
  await shot(page, 'audit');
  await page.goto(`${API}/console/#/policy`);
  await page.locator('#policy-version').waitFor();
  assert.match(await page.locator('#policy-version').textContent(), /\d{4}-\d{2}-\d{2}/);
  await shot(page, 'policy');
});

test('the console works on a tablet (820x1180) without horizontal scrolling', async () => {
  const page = await signIn('maria', { width: 820, height: 1180 });
  await page.goto(`${API}/console/#/cases/${story.caseId}`);
  await page.locator('#case-title').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
  await shot(page, 'case-tablet');
});

/**
 * One face alone, as the registry wants it: the square around sample6's face (centre 1240,498, the crop the gateway's
 * CameoFlowTest enrols), cut out by the browser's canvas so the test needs no image library. Base64 JPEG.
 */
async function facePhoto(page) {
  const photo = readFileSync(new URL('sample6.jpg', FACE_SAMPLES)).toString('base64');
  return page.evaluate(async data => {
    const image = new Image();
    image.src = 'data:image/jpeg;base64,' + data;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 440;
    canvas.height = 480;
    canvas.getContext('2d').drawImage(image, 1240 - 220, 498 - 260, 440, 480, 0, 0, 440, 480);
    const url = canvas.toDataURL('image/jpeg', 0.92);
    return url.slice(url.indexOf(',') + 1);
  }, photo);
}

test('an admin adds a protected person from a photo, sees them listed, and removes them', async () => {
  const page = story.admin;
  const face = await facePhoto(page);
  story.face = face;
  await page.goto(`${API}/console/#/protected`);
  await page.locator('#protected-title').waitFor();
  const name = `E2e Public Figure ${run}`;
  // nothing chosen: the form says what is missing and sends nothing
  await page.locator('#person-name').fill(name);
  await page.locator('#person-form button[type=submit]').click();
  await expectMessage(page, 'Choose 1 to 5 photos');
  await page.locator('#person-photos').setInputFiles({ name: 'face.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(face, 'base64') });
  await page.locator('#person-form button[type=submit]').click();
  await expectMessage(page, `"${name}" added to the bank from 1 photo`, 60_000);
  const row = page.locator('#protected-list tr', { hasText: name });
  await row.waitFor();
  assert.equal(await row.locator('td').first().textContent(), '1');
  const listed = (await call('ada', 'GET', '/v1/admin/protected-persons')).body.persons.find(p => p.name === name);
  assert.ok(listed, 'the API lists the person the console added');
  assert.deepEqual(Object.keys(listed).sort(), ['id', 'name', 'referencePhotos'], 'names and counts only, no biometric data');
  await shot(page, 'protected-persons');

  await row.getByRole('button', { name: `Remove ${name}` }).click();
  await row.locator('button[data-confirm=remove]').click();
  await expectMessage(page, `"${name}" was removed from the bank`);
  await page.locator('#protected-list tr', { hasText: name }).waitFor({ state: 'detached' });
  assert.equal((await call('ada', 'GET', '/v1/admin/protected-persons')).body.persons.some(p => p.name === name), false);
  story.removedPerson = listed.id;
});

test('a moderator who is not an admin neither sees nor uses the protected-persons bank', async () => {
  const page = await signIn('maria');
  await page.locator('#queues-title').waitFor();
  assert.equal(await page.locator('nav a[data-section=protected]').isVisible(), false, 'no menu entry');
  assert.equal(await page.locator('nav a[data-section=takedowns]').isVisible(), true, 'takedowns are moderators\' work');
  await page.goto(`${API}/console/#/protected`);
  await expectMessage(page, 'You are not allowed to do this.');
  assert.equal(await page.locator('#person-form').count(), 0);
  assert.equal((await call('maria', 'GET', '/v1/admin/protected-persons')).status, 403);
  const add = await call('maria', 'POST', '/v1/admin/protected-persons',
    { name: 'Not allowed', photos: [{ mediaType: 'image/jpeg', data: story.face }] });
  assert.equal(add.status, 403);
  assert.equal((await call('maria', 'DELETE', `/v1/admin/protected-persons/${story.removedPerson}`)).status, 403);
  story.maria = page;
});

/** A realm user's account id as the gateway sees it: the subject of their access token (not the username). */
async function accountId(username) {
  const payload = (await token(username)).split('.')[1];
  return JSON.parse(Buffer.from(payload, 'base64url').toString()).sub;
}

test('a cameo owner\'s takedown request reaches a moderator labelled as such, who claims it and removes the video', async () => {
  const enrolled = await call(cameoOwner, 'POST', '/v1/cameos', { handle, audience: 'listed_accounts', grantedAccounts: [await accountId(cameoFriend)],
    photos: [{ mediaType: 'image/jpeg', data: story.face }] });
  assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
  const created = await call(cameoFriend, 'POST', '/v1/generations', { prompt: `@${handle} waving on a beach ${run}`, durationSeconds: 2,
    aspect: '16:9' }, { 'Idempotency-Key': `cameo-${run}` });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  await waitForState(cameoFriend, created.body.id, ['PUBLISHED']);
  const use = (await call(cameoOwner, 'GET', '/v1/cameos/me/uses')).body.uses.find(u => u.generationId === created.body.id);
  assert.ok(use, 'the owner sees the use of their cameo');
  const takedown = await call(cameoOwner, 'POST', `/v1/cameos/me/uses/${use.id}/takedown`, { reason: `I no longer agree ${run}` });
  assert.equal(takedown.status, 201, JSON.stringify(takedown.body));
  const caseId = takedown.body.caseId;

  // the queue view labels it; the takedowns screen lists it (and nothing that is not a takedown)
  const page = story.maria;
  await page.goto(`${API}/console/#/queues`);
  await page.locator(`#waiting tr[data-case="${caseId}"] .takedown`, { hasText: 'likeness takedown' }).waitFor();
  await page.goto(`${API}/console/#/takedowns`);
  await page.locator('#takedowns-title').waitFor();
  await page.locator(`#waiting tr[data-case="${caseId}"]`).waitFor();
  assert.equal(await page.locator('#waiting tbody tr').count(), await page.locator('#waiting tbody tr .takedown').count(),
    'every listed case is a takedown');
  await shot(page, 'takedowns');
  const listed = (await call('maria', 'GET', '/v1/moderation/queues/all/cases?likenessTakedown=true')).body;
  assert.deepEqual(listed.map(c => c.caseId), [caseId]);

  await page.locator('#claim-takedown').click();
  await page.locator('#case-title').waitFor();
  assert.equal(page.url().split('/').pop(), caseId, 'the claim took the takedown, not another case of the queue');
  const card = page.locator('#takedown');
  assert.match(await card.locator('.takedown-handle').textContent(), new RegExp(`^@${handle}$`));
  assert.equal(await card.locator('.takedown-consent').textContent(), use.consentReferenceId);
  assert.match(await card.textContent(), new RegExp(`I no longer agree ${run}`));
  assert.doesNotMatch(await page.locator('main').textContent(), /descriptor|embedding/i, 'no biometric data on screen');
  assert.match(await page.locator('#case-title').textContent(), /likeness takedown/);
  await shot(page, 'takedown-case');

  await page.locator('#view').focus();
  await page.keyboard.press('2'); // shortcut: remove content
  assert.equal(await page.locator('#action').inputValue(), 'REMOVE_CONTENT');
  await page.locator('#ground').fill('Community Guidelines 4.3: likeness used without the person\'s consent');
  await page.locator('#facts').fill(`The person shown (cameo @${handle}) withdrew consent and asked for removal.`);
  await page.locator('#preview-button').click();
  await page.locator('#statement-preview').waitFor();
  await page.locator('#send').click();
  await expectMessage(page, 'Decision sent: REMOVE_CONTENT');
  const notices = (await call(cameoFriend, 'GET', '/v1/me/notices')).body.filter(n => n.kind === 'DECISION' && n.caseId === caseId);
  assert.equal(notices.length, 1, 'the creator is notified of the removal');
  const outcome = (await call(cameoOwner, 'GET', '/v1/me/notices')).body.filter(n => n.kind === 'REPORT_OUTCOME' && n.caseId === caseId);
  assert.equal(outcome.length, 1, 'the owner learns the outcome of their request');
});

/** The versions of the prompt policy as the API lists them, by number. */
async function policyVersions() {
  const r = await call('ada', 'GET', '/v1/admin/policies/prompt/versions');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return Object.fromEntries(r.body.versions.map(v => [v.version, v]));
}

test('policy versions: drafted in the console, refused to its author, approved by a reviewer, shadow, backtest, live, rollback', async () => {
  const page = story.admin; // ada: admin, not a policy reviewer
  await page.goto(`${API}/console/#/policies/prompt`);
  await page.locator('#policies-title').waitFor();
  const liveBefore = Number(await page.locator('tr[data-state=live]').getAttribute('data-version'));
  await shot(page, 'policy-versions');
  // nothing is in shadow yet: the API's 409 is shown as a sentence, not a blank page
  await page.goto(`${API}/console/#/policies/prompt:shadow`);
  await page.locator('#no-shadow').waitFor();
  assert.match(await page.locator('#no-shadow').textContent(), /No version is in shadow now/);

  await page.goto(`${API}/console/#/policies/prompt:new`);
  await page.locator('#policy-document').waitFor();
  const live = JSON.parse(await page.locator('#policy-document').inputValue());
  assert.ok(Array.isArray(live.categories) && live.categories.length > 0, 'the draft starts from the live document');
  const rule = { code: 'aquarium_test', name: 'Aquarium test rule', severity: 3, decision: 'BLOCK', terms: ['zebrafish'] };
  // a mistyped document: the loader refuses it before anything is stored, and the console says why
  const countBefore = Object.keys(await policyVersions()).length;
  await page.locator('#policy-document').fill(JSON.stringify({ ...live, categories: [{ ...rule, severity: 'high' }, ...live.categories] }, null, 2));
  await page.locator('#policy-reason').fill(`e2e ${run}: aquarium clips are off-topic for the demo`);
  await page.locator('#draft-submit').click();
  await expectMessage(page, 'The document was refused; nothing was stored.');
  await page.locator('#draft-problem .readonly').waitFor();
  await shot(page, 'policy-draft-refused');
  assert.equal(Object.keys(await policyVersions()).length, countBefore, 'nothing stored');

  await page.locator('#policy-document').fill(JSON.stringify({ ...live, version: `e2e-${run}`, categories: [rule, ...live.categories] }, null, 2));
  await page.locator('#draft-submit').click();
  await expectMessage(page, 'drafted; a policy reviewer approves it next');
  await page.locator('#version-title').waitFor();
  const draft = Number(new URL(page.url()).hash.split(':').pop());
  assert.equal(await page.locator('#version-label').textContent(), `e2e-${run}`);
  const added = page.locator('#diff tr[data-op=added]');
  assert.equal(await added.count(), 1, 'one change against live');
  assert.match(await added.textContent(), /\/categories\[code=aquarium_test\]/);
  // the author may not approve: no approve form for ada, and the API refuses her
  assert.match(await page.locator('#approve-note').textContent(), /policy_reviewer/);
  assert.equal(await page.locator('#approve-form').count(), 0);
  assert.equal((await call('ada', 'POST', `/v1/admin/policies/prompt/versions/${draft}/approve`, { reason: 'mine' })).status, 403);
  await shot(page, 'policy-draft');

  // a moderator without policy_reviewer gets no menu entry; mike (policy_reviewer) approves
  assert.equal(await story.maria.locator('nav a[data-section=policies]').isVisible(), false);
  const mike = await signIn('mike');
  assert.equal(await mike.locator('nav a[data-section=policies]').isVisible(), true);
  await mike.goto(`${API}/console/#/policies/prompt:${draft}`);
  await mike.locator('#approve-reason').fill('Read the diff: one new category, term zebrafish; backtest before live.');
  await mike.locator('#approve').click();
  await expectMessage(mike, `v${draft} approved.`);
  assert.equal(await mike.locator('#move-form').count(), 0, 'moves are for admins');
  await shot(mike, 'policy-approved');

  // ada moves it to shadow; a prompt only the candidate blocks shows up in the shadow report
  // (ada's page still shows the draft: back to the list, which shows it approved, and into the version again)
  await page.locator('a', { hasText: 'All versions of prompt' }).click();
  await page.locator(`tr[data-version="${draft}"][data-state=approved]`).waitFor();
  await page.locator(`tr[data-version="${draft}"] th a`).click();
  await page.locator('#move-reason').fill('watch it beside live first');
  await page.locator('button[data-to=shadow]').click();
  await expectMessage(page, `v${draft} is now shadow.`);
  await page.locator('#shadow-link').click();
  await page.locator('#shadow-total').waitFor();
  const until = Date.now() + 90_000;
  let attempt = 0;
  while ((await call('ada', 'GET', '/v1/admin/policies/prompt/shadow/report')).body.total < 1) {
    assert.ok(Date.now() < until, 'a divergence reached the shadow report');
    const r = await call(reporter, 'POST', '/v1/generations', { prompt: `a zebrafish in a quiet aquarium ${run} ${attempt}`, durationSeconds: 2,
      aspect: '16:9' }, { 'Idempotency-Key': `zebrafish-${run}-${attempt++}` });
    assert.equal(r.status, 202, JSON.stringify(r.body)); // live allows it: the shadow never acts
    await new Promise(resolve => setTimeout(resolve, 4000));
  }
  await page.reload();
  await page.locator('#chart-shadow').waitFor();
  assert.ok(await page.evaluate(() => Chart.getChart('chart-shadow').data.datasets[0].data.reduce((a, b) => a + b, 0)) >= 1);
  assert.match(await page.locator('div[data-category=aquarium_test] h3').textContent(), /ALLOW → BLOCK/);
  assert.match(await page.locator('div[data-category=aquarium_test] td').nth(2).textContent(), /zebrafish/);
  await shot(page, 'policy-shadow');

  // backtest on a few labelled lines
  await page.goto(`${API}/console/#/policies/prompt:${draft}`);
  await page.locator('#backtest-lines').fill([
    { text: 'a zebrafish swimming in a planted tank', label: 'unsafe', category: 'aquarium_test' },
    { text: 'a zebrafish school under soft blue light', label: 'unsafe', category: 'aquarium_test' },
    { text: 'a goldfish in a round bowl on a desk', label: 'safe' },
    { text: 'a lighthouse on a cliff at dusk', label: 'safe' },
  ].map(l => JSON.stringify(l)).join('\n'));
  await page.locator('#backtest-run').click();
  await expectMessage(page, 'Backtest done: 4 lines.', 60_000);
  const aquarium = page.locator('#backtest-report tr[data-category=aquarium_test] td');
  assert.equal(await aquarium.nth(1).textContent(), '0.0 %');
  assert.equal(await aquarium.nth(2).textContent(), '100.0 %');
  assert.equal(await page.locator('#backtest-changed').textContent(), '2');
  await page.locator('#chart-backtest').waitFor();
  await shot(page, 'policy-backtest');
  // and on recent live traffic: the zebrafish prompts screened above are in the encrypted window
  await page.locator('#backtest-recent').click();
  await expectMessage(page, /Backtest on \d+ recent screenings done\./, 60_000);
  const shift = page.locator('#backtest-report tr[data-shift=aquarium_test] td');
  assert.ok(Number(await shift.nth(3).textContent()) >= 1, 'the candidate would block recent zebrafish prompts');
  await shot(page, 'policy-backtest-recent');

  // promoted to live, the version live before is retired; rollback (confirmed) brings it back
  await page.locator('#move-reason').fill('shadow and backtest as expected');
  await page.locator('button[data-to=live]').click();
  await expectMessage(page, `v${draft} is now live.`);
  let versions = await policyVersions();
  assert.equal(versions[draft].state, 'live');
  assert.equal(versions[liveBefore].state, 'retired');
  // both backtests are kept with the version
  assert.equal(await page.locator('#evaluations tr[data-evaluation=backtest]').count(), 1);
  assert.equal(await page.locator('#evaluations tr[data-evaluation=backtest-recent]').count(), 1);
  // the retroactive run re-checks published videos with the new live version (409 until prompt-guard has loaded it)
  for (let i = 0; i < 40 && (await call('ada', 'POST', '/v1/admin/policies/prompt/retroactive')).status === 409; i++) {
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  await page.locator('#retroactive-run').click();
  await expectMessage(page, 'Retroactive run done.', 60_000);
  assert.match(await page.locator('#retroactive-result').textContent(), /^Re-checked \d+ published videos: \d+ flagged, \d+ cases opened/);
  await shot(page, 'policy-retroactive');
  await page.locator('#rollback-reason').fill('e2e: practising the emergency rollback');
  await page.locator('#rollback').click();
  await page.locator('#rollback-confirm').waitFor();
  assert.equal((await policyVersions())[draft].state, 'live', 'nothing happens before the confirmation');
  await page.locator('button[data-confirm=rollback]').click();
  await expectMessage(page, `Rolled back: v${liveBefore} is live again, flagged for review.`);
  await page.locator('#needs-review').waitFor();
  versions = await policyVersions();
  assert.equal(versions[liveBefore].state, 'live');
  assert.equal(versions[liveBefore].rollbackNeedsReview, true);
  assert.equal(versions[draft].state, 'retired');
  await shot(page, 'policy-rolled-back');

  // the reviewer reviews the rollback afterwards
  await mike.goto(`${API}/console/#/policies/prompt:${liveBefore}`);
  await mike.locator('#approve-reason').fill('rollback was a drill; the previous version is fine');
  await mike.locator('#approve').click();
  await expectMessage(mike, `v${liveBefore} rollback reviewed.`);
  assert.equal((await policyVersions())[liveBefore].rollbackNeedsReview, false);
});

test('a moderator labels a prompt the guard was unsure of on the Labelling screen; the label is a safety label', async () => {
  // the e2e stack's guard counts every encoder decision as uncertain; only an account that consented is sampled
  assert.equal((await call(learner, 'PUT', '/v1/me/settings', { trainingUse: true })).status, 200);
  const marker = `learnermarker${letters}`;
  const r = await call(learner, 'POST', '/v1/generations', { prompt: `a heron fishing in a misty river, filmed by learner@example.com ${marker}`,
    durationSeconds: 2 });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  let item;
  for (let i = 0; i < 100 && !item; i++) {
    const pending = await call('maria', 'GET', '/v1/moderation/labelling?limit=200');
    assert.equal(pending.status, 200, JSON.stringify(pending.body));
    item = pending.body.find(p => p.prompt.includes(marker));
    if (!item) await new Promise(resolve => setTimeout(resolve, 200));
  }
  assert.ok(item, 'the uncertain prompt reached the labelling queue');
  assert.ok(!item.prompt.includes('learner@example.com') && item.prompt.includes('[EMAIL]'), item.prompt);

  const page = await signIn('maria');
  await page.locator('a[data-section=labelling]').click();
  const row = page.locator(`tr[data-item="${item.itemId}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /\[EMAIL\]/, 'the moderator sees the scrubbed prompt');
  await shot(page, 'labelling-queue');
  // "unsafe" needs a category: the first one the policy lists is preselected; the moderator picks another
  const category = row.locator('select');
  const choices = await category.locator('option').evaluateAll(options => options.map(o => o.value));
  assert.ok(choices.length > 1 && !choices.includes('copyrighted_characters'), JSON.stringify(choices));
  await category.selectOption(choices[1]);
  await row.locator('button.danger').click();
  await expectMessage(page, `Labelled unsafe (${choices[1]}).`);
  await row.waitFor({ state: 'detached' });

  // a second label of the same item is refused, and the one label is in the dataset with its category
  assert.equal((await call('mike', 'POST', `/v1/moderation/labelling/${item.itemId}`, { label: 'safe' })).status, 409);
  const labels = await call('ada', 'GET', '/v1/admin/datasets/labels?source=labelling');
  assert.equal(labels.status, 200, JSON.stringify(labels.body));
  const label = labels.body.find(l => l.targetId === item.itemId);
  assert.ok(label, 'the label is a safety label');
  assert.equal(label.category, choices[1]);
  assert.equal(label.source, 'labelling');
});
