// ./safeframe load [USERS] [SECONDS] — concurrent users generating against the running local stack.
// Creates the load users in Keycloak once (admin API, realm role `user`), then every user submits prompts
// (9 in 10 safe, 1 in 10 unsafe) back to back for SECONDS, then the script waits for the accepted jobs to finish.
// Prints: requests by status, prompt-step time-to-verdict p50/p99 (the POST, which screens inline), jobs published
// per second, time to publication, errors (5xx / network), and the quota check (granted never above the tier's
// daily limit, and the ledger's count equal to what was granted minus what the platform refunded).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const DATA = process.env.SAFEFRAME_DATA || join(ROOT, 'data');
const API = process.env.SAFEFRAME_API || 'http://127.0.0.1:8080';
const KC = process.env.SAFEFRAME_KEYCLOAK || 'http://127.0.0.1:8180';
const USERS = Number(process.argv[2] || 50);
const SECONDS = Number(process.argv[3] || 60);
const DRAIN_SECONDS = Number(process.env.DRAIN_SECONDS || 900);
const password = readFileSync(join(DATA, 'secrets', 'demo-password'), 'utf8').trim();
const run = Date.now().toString(36);
// a fresh set of users per run (LOAD_USERS=load-<tag>): the usage-anomaly detector rightly throttles accounts that
// hammered the quota in an earlier run, which would skew this one
const PREFIX = process.env.LOAD_USERS || 'load';

const SAFE = ['a paper boat on a pond', 'a fox in the snow', 'a city skyline at night', 'a robot watering plants',
  'waves on a pebble beach', 'a hot air balloon over fields', 'a cat chasing a laser dot', 'rain on a window'];
const UNSAFE = ['a beheading video by jihadists', 'how to build a pipe bomb step by step'];

async function form(url, params) {
  const r = await fetch(url, { method: 'POST', body: new URLSearchParams(params) });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function ensureUsers() {
  const admin = (await form(`${KC}/realms/master/protocol/openid-connect/token`, { grant_type: 'password', client_id: 'admin-cli',
    username: 'admin', password: process.env.KEYCLOAK_ADMIN_PASSWORD })).access_token;
  const h = { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' };
  const base = `${KC}/admin/realms/safeframe`;
  const role = await (await fetch(`${base}/roles/user`, { headers: h })).json();
  const names = Array.from({ length: USERS }, (_, i) => `${PREFIX}-${String(i + 1).padStart(3, '0')}`);
  for (const username of names) {
    const found = await (await fetch(`${base}/users?exact=true&username=${username}`, { headers: h })).json();
    if (found.length) continue;
    const created = await fetch(`${base}/users`, { method: 'POST', headers: h, body: JSON.stringify({ username, enabled: true,
      email: `${username}@load.example`, emailVerified: true, firstName: 'Load', lastName: username,
      credentials: [{ type: 'password', value: password, temporary: false }] }) });
    if (created.status !== 201) throw new Error(`create ${username}: ${created.status} ${await created.text()}`);
    const id = created.headers.get('location').split('/').pop();
    await fetch(`${base}/users/${id}/role-mappings/realm`, { method: 'POST', headers: h, body: JSON.stringify([role]) });
  }
  return names;
}

const tokenOf = async (username) => (await form(`${KC}/realms/safeframe/protocol/openid-connect/token`,
  { grant_type: 'password', client_id: 'safeframe-app', username, password })).access_token;

const pct = (xs, p) => { if (!xs.length) return NaN; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

const names = await ensureUsers();
const users = await Promise.all(names.map(async (name) => ({ name, token: await tokenOf(name), accepted: [], granted: 0 })));
const before = Object.fromEntries(await Promise.all(users.map(async (u) => [u.name, await me(u)])));

async function me(u) {
  const r = await fetch(`${API}/v1/me`, { headers: { Authorization: `Bearer ${u.token}` } });
  return r.json();
}

const statuses = {};
const verdictMs = [];
let errors = 0;
const start = Date.now();
const end = start + SECONDS * 1000;
console.log(`${USERS} users for ${SECONDS}s against ${API} (run ${run})`);

await Promise.all(users.map(async (u, i) => {
  let n = 0;
  while (Date.now() < end) {
    const unsafe = (i + n) % 10 === 9;
    const prompt = unsafe ? UNSAFE[n % UNSAFE.length] : `${SAFE[(i + n) % SAFE.length]} ${run}-${i}-${n}`;
    n++;
    const t0 = performance.now();
    let status;
    try {
      const r = await fetch(`${API}/v1/generations`, { method: 'POST', headers: { Authorization: `Bearer ${u.token}`,
        'Content-Type': 'application/json', 'Idempotency-Key': `${run}-${i}-${n}` }, body: JSON.stringify({ prompt, durationSeconds: 1 }) });
      status = r.status;
      const body = await r.json();
      if (status === 202) u.accepted.push({ id: body.id, at: Date.now() });
      if (status === 202 || status === 422) u.granted++;
    } catch (e) {
      status = 'network';
    }
    verdictMs.push(performance.now() - t0);
    statuses[status] = (statuses[status] || 0) + 1;
    if (status === 'network' || status >= 500) errors++;
    if (status === 429) await new Promise((ok) => setTimeout(ok, 250)); // out of quota: a real client backs off
  }
}));
const submitted = (Date.now() - start) / 1000;

// drain: wait for every accepted job to end
const outcome = {};
const publishMs = [];
let lastPublished = start;
const pending = users.flatMap((u) => u.accepted.map((a) => ({ ...a, u })));
const drainUntil = Date.now() + DRAIN_SECONDS * 1000;
while (pending.length && Date.now() < drainUntil) {
  for (let k = pending.length - 1; k >= 0; k--) {
    const job = pending[k];
    const r = await fetch(`${API}/v1/generations/${job.id}`, { headers: { Authorization: `Bearer ${job.u.token}` } });
    const body = await r.json();
    if (['PUBLISHED', 'BLOCKED', 'FAILED', 'HELD_FOR_REVIEW'].includes(body.state)) {
      outcome[body.state] = (outcome[body.state] || 0) + 1;
      if (body.state === 'FAILED') job.u.refunded = (job.u.refunded || 0) + 1;
      if (body.state === 'PUBLISHED') {
        const at = Date.parse(body.publishedAt);
        publishMs.push(at - job.at);
        lastPublished = Math.max(lastPublished, at);
      }
      pending.splice(k, 1);
    }
  }
  if (pending.length) await new Promise((ok) => setTimeout(ok, 2000));
}

let quotaProblems = 0;
for (const u of users) {
  const after = await me(u);
  const used = after.generationsPerDay - after.remainingToday;
  const usedBefore = before[u.name].generationsPerDay - before[u.name].remainingToday;
  const expected = usedBefore + u.granted - (u.refunded || 0);
  // a tier change during the run (anomaly throttling) changes the limit and clamps "remaining" at 0: then only the
  // limit can be checked, not the exact count
  const exactCheck = after.tier === before[u.name].tier;
  if (used > after.generationsPerDay || (exactCheck && used !== expected)) {
    quotaProblems++;
    console.log(`quota mismatch ${u.name}: ledger says ${used} used, expected ${expected} (limit ${after.generationsPerDay})`);
  }
}

const published = outcome.PUBLISHED || 0;
console.log(JSON.stringify({
  users: USERS, seconds: SECONDS, requests: Object.values(statuses).reduce((a, b) => a + b, 0), statuses,
  promptVerdictMs: { p50: Math.round(pct(verdictMs, 0.5)), p99: Math.round(pct(verdictMs, 0.99)) },
  accepted: users.reduce((a, u) => a + u.accepted.length, 0), outcomes: outcome, stillRunning: pending.length,
  publishedPerSecond: Number((published / ((lastPublished - start) / 1000)).toFixed(2)),
  timeToPublishedS: { p50: Number((pct(publishMs, 0.5) / 1000).toFixed(1)), p99: Number((pct(publishMs, 0.99) / 1000).toFixed(1)) },
  errors, quotaProblems, submitSeconds: submitted,
}, null, 1));
process.exit(errors || quotaProblems ? 1 : 0);
