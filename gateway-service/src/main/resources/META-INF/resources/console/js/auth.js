// Sign-in for the browser: authorization code flow with PKCE (S256) against the realm's public client, through
// oidc-client-ts. Tokens live in sessionStorage (gone with the tab) and are renewed with the refresh token; when
// renewal fails the session is over and the console says so instead of failing request by request.

let manager;
let onExpired = () => {};

export async function start(config, expiredHandler) {
  onExpired = expiredHandler;
  manager = new oidc.UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: location.origin + location.pathname,
    post_logout_redirect_uri: location.origin + location.pathname,
    response_type: 'code',
    scope: 'openid profile',
    userStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
  });
  const params = new URLSearchParams(location.search);
  if (params.has('code') && params.has('state')) {
    const user = await manager.signinRedirectCallback();
    const back = (user.state && user.state.hash) || '#/queues';
    history.replaceState(null, '', location.pathname + back);
    return user;
  }
  if (params.has('error')) {
    history.replaceState(null, '', location.pathname);
    throw new Error('Sign-in was refused: ' + (params.get('error_description') || params.get('error')));
  }
  return manager.getUser();
}

export function signIn() {
  return manager.signinRedirect({ state: { hash: location.hash || '#/queues' } });
}

export async function signOut() {
  const user = await manager.getUser();
  await manager.removeUser();
  await manager.signoutRedirect({ id_token_hint: user && user.id_token });
}

/** A valid access token, renewed if it ran out; null (and the session-expired screen) when that is not possible. */
export async function accessToken() {
  let user = await manager.getUser();
  if (user && user.expired) {
    try {
      user = await manager.signinSilent();
    } catch (e) {
      user = null;
    }
  }
  if (!user || !user.access_token) {
    expired();
    return null;
  }
  return user.access_token;
}

export async function expired() {
  await manager.removeUser();
  onExpired();
}

/** Realm roles and names from the access token; for the layout only — the gateway decides what a token may do. */
export function identity(user) {
  const base64 = user.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), c => c.charCodeAt(0))));
  const roles = (payload.realm_access && payload.realm_access.roles) || [];
  return { subject: payload.sub, name: payload.preferred_username || payload.sub, roles,
    moderator: roles.includes('moderator') || roles.includes('admin'), admin: roles.includes('admin'),
    reviewer: roles.includes('policy_reviewer') };
}
