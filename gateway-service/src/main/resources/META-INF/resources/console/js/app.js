// The moderator console: a static page served by the gateway that works only through the gateway's public API,
// signed in through Keycloak (authorization code + PKCE). Views are chosen by the URL fragment (#/section/id).
import * as auth from './auth.js';
import { ApiError, SessionExpired } from './api.js';
import { h, show, say, clear } from './ui.js';
import { queuesView } from './views/queues.js';
import { takedownsView } from './views/takedowns.js';
import { protectedView } from './views/protected.js';
import { caseView, leaveCase } from './views/case.js';
import { appealsView } from './views/appeals.js';
import { accountsView } from './views/accounts.js';
import { banksView } from './views/banks.js';
import { policyView } from './views/policy.js';
import { policiesView } from './views/policies.js';
import { auditView } from './views/audit.js';
import { transparencyView } from './views/transparency.js';
import { labellingView } from './views/labelling.js';

const routes = {
  queues: queuesView, cases: caseView, appeals: appealsView, accounts: accountsView,
  banks: banksView, policy: policyView, audit: auditView, transparency: transparencyView,
  takedowns: takedownsView, protected: protectedView, policies: policiesView, labelling: labellingView,
};
export const session = { me: null };

async function main() {
  let user;
  try {
    const config = await (await fetch('/v1/console/config')).json();
    user = await auth.start(config, sessionExpired);
  } catch (e) {
    show(h('div', { class: 'card' }, h('h2', {}, 'Sign-in failed'), h('p', {}, e.message),
      h('button', { onclick: () => auth.signIn() }, 'Sign in again')));
    return;
  }
  if (!user || user.expired && !user.refresh_token) {
    signInScreen('Sign in with your Safeframe staff account to work on cases.');
    return;
  }
  session.me = auth.identity(user);
  renderWho();
  if (!session.me.moderator) {
    // the gateway refuses this account's calls anyway (403); say so plainly instead of showing empty screens
    show(h('div', { class: 'card', id: 'refused' }, h('h2', {}, 'No access to the moderator console'),
      h('p', {}, 'You are signed in as ', h('strong', {}, session.me.name),
        ', an account without the moderator or admin role. The console is for trust & safety staff.'),
      h('p', {}, 'If you should have access, ask an administrator to grant you the moderator role.')));
    return;
  }
  document.getElementById('nav').hidden = false;
  for (const link of document.querySelectorAll('nav a[data-admin]')) link.parentElement.hidden = !session.me.admin;
  for (const link of document.querySelectorAll('nav a[data-policies]')) link.parentElement.hidden = !session.me.admin && !session.me.reviewer;
  window.addEventListener('hashchange', navigate);
  await navigate();
}

/**
 * One screen at a time: a navigation waits for the one before it to finish rendering, so a slow earlier screen can
 * never paint over the one asked for last (each reads the URL when it starts).
 */
let routing = Promise.resolve();
function navigate() {
  routing = routing.then(route, route);
  return routing;
}

function renderWho() {
  const who = document.getElementById('who');
  who.replaceChildren(h('span', {}, 'Signed in as ', h('strong', { id: 'me' }, session.me.name),
    ' (' + session.me.roles.filter(r => ['moderator', 'admin', 'policy_reviewer', 'user'].includes(r)).join(', ') + ')'),
    h('button', { class: 'secondary', onclick: () => auth.signOut() }, 'Sign out'));
}

function signInScreen(text) {
  document.getElementById('nav').hidden = true;
  show(h('div', { class: 'card', id: 'signin' }, h('h2', {}, 'Safeframe moderation console'), h('p', {}, text),
    h('button', { id: 'signin-button', onclick: () => auth.signIn() }, 'Sign in')));
}

function sessionExpired() {
  document.getElementById('who').replaceChildren();
  say('Your session has expired. Nothing was sent. Sign in again to continue where you were.', 'error');
  signInScreen('Your session has expired.');
}

async function route() {
  await leaveCase();
  const [, section = 'queues', id] = (location.hash || '#/queues').split('/');
  const view = routes[section] || queuesView;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clear();
  try {
    await view(id && decodeURIComponent(id));
  } catch (e) {
    report(e);
  }
  document.getElementById('view').focus();
}

/** Every failure ends here: a clear sentence, never a blank page. */
export function report(e) {
  if (e instanceof SessionExpired) return;
  if (e instanceof ApiError) {
    const lead = {
      0: 'The gateway cannot be reached.', 400: 'The request was refused as invalid.', 403: 'You are not allowed to do this.', 404: 'Not found.',
      409: 'This could not be done in the current state.', 413: 'The file is too large.',
      422: 'The request was refused.', 429: 'Too many requests; wait a moment.', 503: 'A safety service is not answering; try again shortly.',
    }[e.status] || 'The request failed (HTTP ' + e.status + ').';
    say([h('strong', {}, lead), ' ', e.message], 'error');
  } else {
    say([h('strong', {}, 'Something went wrong.'), ' ', String(e && e.message || e)], 'error');
  }
}

main();
