// The gateway's public API with the signed-in moderator's token. Problems (RFC 9457 problem+json) become ApiError.
import { accessToken, expired } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem || {};
  }
}

export class SessionExpired extends Error {
  constructor() { super('Your session has expired. Sign in again to continue.'); }
}

export async function api(path, { method = 'GET', json, body, type, as = 'json' } = {}) {
  const token = await accessToken();
  if (!token) throw new SessionExpired();
  const headers = { Authorization: 'Bearer ' + token, 'X-Correlation-Id': crypto.randomUUID() };
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  else if (body !== undefined) headers['Content-Type'] = type;
  let res;
  try {
    res = await fetch(path, { method, headers, body });
  } catch (e) {
    throw new ApiError(0, { title: 'The gateway cannot be reached', detail: 'Check your connection and try again.' });
  }
  if (res.status === 401) {
    await expired();
    throw new SessionExpired();
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch (e) { problem = { title: res.statusText }; }
    throw new ApiError(res.status, problem);
  }
  if (as === 'blob') return res.blob();
  if (as === 'text') return res.text();
  return res.status === 204 ? null : res.json();
}
