// The local stack as the browser tests reach it: Keycloak's admin API (fresh users per run), tokens by password
// grant for the API-side steps (the user's own app would get them by PKCE), and the gateway's public API.
export const API = process.env.SAFEFRAME_API || 'http://127.0.0.1:8080';
export const KC = process.env.SAFEFRAME_KEYCLOAK || 'http://127.0.0.1:8180';
export const PASSWORD = process.env.DEMO_PASSWORD;

async function form(url, params) {
  const r = await fetch(url, { method: 'POST', body: new URLSearchParams(params) });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** Creates realm users (password = the demo password) with the given realm roles. */
export async function createUsers(names, roles = ['user']) {
  const admin = (await form(`${KC}/realms/master/protocol/openid-connect/token`, { grant_type: 'password', client_id: 'admin-cli',
    username: 'admin', password: process.env.KEYCLOAK_ADMIN_PASSWORD })).access_token;
  const h = { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' };
  const base = `${KC}/admin/realms/safeframe`;
  const mapped = await Promise.all(roles.map(async r => (await fetch(`${base}/roles/${r}`, { headers: h })).json()));
  for (const username of names) {
    const created = await fetch(`${base}/users`, { method: 'POST', headers: h, body: JSON.stringify({ username, enabled: true,
      email: `${username}@e2e.example`, emailVerified: true, firstName: 'E2e', lastName: username,
      credentials: [{ type: 'password', value: PASSWORD, temporary: false }] }) });
    if (created.status !== 201) throw new Error(`create ${username}: ${created.status} ${await created.text()}`);
    const id = created.headers.get('location').split('/').pop();
    await fetch(`${base}/users/${id}/role-mappings/realm`, { method: 'POST', headers: h, body: JSON.stringify(mapped) });
  }
}

export async function token(username) {
  return (await form(`${KC}/realms/safeframe/protocol/openid-connect/token`,
    { grant_type: 'password', client_id: 'safeframe-app', username, password: PASSWORD })).access_token;
}

/** One API call as a user; returns { status, body } (body parsed when JSON, bytes when binary). */
export async function call(username, method, path, body, headers = {}) {
  const h = { Authorization: `Bearer ${await token(username)}`, ...headers };
  let payload = body;
  if (body !== undefined && !(body instanceof Uint8Array)) { h['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const r = await fetch(API + path, { method, headers: h, body: payload });
  const type = r.headers.get('content-type') || '';
  const out = type.includes('json') ? await r.json() : type.startsWith('video/') ? new Uint8Array(await r.arrayBuffer()) : await r.text();
  return { status: r.status, body: out };
}

/** Polls a generation until it reaches one of the states. */
export async function waitForState(username, id, states, seconds = 180) {
  const until = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < until) {
    last = await call(username, 'GET', `/v1/generations/${id}`);
    if (states.includes(last.body.state)) return last.body;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`generation ${id} did not reach ${states} within ${seconds}s; last: ${JSON.stringify(last && last.body)}`);
}
