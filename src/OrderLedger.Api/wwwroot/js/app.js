// Shared by every page: the session (bearer token in sessionStorage), API calls with clear error messages, the page
// header (navigation, store picker, sign-out), DOM building that never parses data as HTML, and number formats.

const TOKEN_KEY = 'orderledger.token';
const SESSION_KEY = 'orderledger.session';
const STORE_KEY = 'orderledger.store';

export const token = () => sessionStorage.getItem(TOKEN_KEY);

/** The session as /api/session answered it at sign-in: { subject, roles, allStores, stores, expiresAt }. */
export function session() {
  const text = sessionStorage.getItem(SESSION_KEY);
  return text ? JSON.parse(text) : null;
}

export function hasRole(...roles) {
  const s = session();
  return !!s && s.roles.some((r) => roles.includes(r));
}

/** Checks the token with the API; on success keeps it (and what it covers) for this browser tab. */
export async function signIn(bearer) {
  const value = bearer.trim().replace(/^Bearer\s+/i, '');
  if (!value) throw new ApiError(0, { title: 'No token', detail: 'Paste the token printed by tools/ledger token.' });
  const answer = await request('/api/session', { bearer: value });
  sessionStorage.setItem(TOKEN_KEY, value);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(answer));
  if (!answer.stores.includes(selectedStore())) setSelectedStore(answer.stores[0] ?? '');
  return answer;
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_KEY);
  sessionStorage.removeItem(STORE_KEY);
}

export const selectedStore = () => sessionStorage.getItem(STORE_KEY) ?? '';

export function setSelectedStore(storeId) {
  sessionStorage.setItem(STORE_KEY, storeId);
}

/** An error answer of the API: the HTTP status and its RFC 9457 problem (when it sent one). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  if (status === 401) return 'Not signed in, or the token was refused (expired, or signed with another key). Sign in again with a fresh token.';
  if (status === 403 && problem?.roles?.length) {
    const stores = problem.allStores ? ', valid for every store (*)' : '';
    return `Your role may not do this: it needs a token with the role ${problem.roles.join(' or ')}${stores}. Live updates stopped.`;
  }
  if (status === 403) return 'Your role may not do this. Ask for a token with the right role (see the Sign in page).';
  const parts = [];
  if (problem?.title) parts.push(problem.title);
  if (problem?.detail) parts.push(problem.detail);
  for (const [field, messages] of Object.entries(problem?.errors ?? {})) parts.push(`${field}: ${[].concat(messages).join(' ')}`);
  if (parts.length === 0) parts.push(status ? `The server answered ${status}.` : 'The server could not be reached.');
  return parts.join(' — ');
}

async function request(path, { method = 'GET', body, bearer = token() } = {}) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    refused(response.status, method, bearer);
    throw new ApiError(response.status, json);
  }
  return json;
}

// Set once the API refused this page's token (401) or role (403 on a read): polling (every) stops, as asking again
// would only be refused again.
let pollingHalted = false;

export const isPollingHalted = () => pollingHalted;

/**
 * 401 with the token of this tab: it expired or was revoked, so the user signs in again and comes back here. 403 on a
 * read: the role may not see this, so the page stops polling (the message names the roles that may).
 */
function refused(status, method, bearer) {
  if (status === 401 && bearer && bearer === token() && location.pathname !== '/') {
    pollingHalted = true;
    signOut();
    location.replace(`/?next=${encodeURIComponent(location.pathname + location.search)}`);
  } else if (status === 403 && method === 'GET') {
    pollingHalted = true;
    window.dispatchEvent(new Event('pollingstopped'));
  }
}

/** GET (or another method) on the API with the signed-in token; throws ApiError with a readable message. */
export const api = (path, options) => request(path, options);

/** A path segment, escaped. */
export const seg = (value) => encodeURIComponent(value);

/**
 * Builds an element: attributes (`class`, `data-*`, `aria-*`, properties like `disabled`), then children. Strings are
 * text nodes — data is never parsed as HTML.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name in node && !name.includes('-')) node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Shows an error (or clears the box with null) in a role="alert" element. */
export function showError(box, error) {
  box.replaceChildren();
  box.hidden = !error;
  if (error) box.append(error instanceof ApiError ? error.message : String(error.message ?? error));
}

/** Every page but sign-in: sends the user to sign in first, then draws the header. Returns the session. */
export function requireSignIn(page) {
  const s = session();
  if (!token() || !s) {
    location.replace(`/?next=${encodeURIComponent(location.pathname)}`);
    return null;
  }
  renderHeader(page);
  return s;
}

const pages = [
  ['console', '/console.html', 'Agent console'],
  ['dashboard', '/dashboard.html', 'Service dashboard'],
  ['projections', '/projections.html', 'Projections'],
  ['audit', '/audit.html', 'Audit'],
  ['signin', '/', 'Sign in'],
];

/** The header: navigation, who is signed in, the store picker (fires 'storechange' on window) and sign-out; its labels are marked for the pages that translate (i18n.js). */
export function renderHeader(page) {
  const header = document.querySelector('header.top');
  const s = session();
  const nav = el('nav', { 'aria-label': 'Pages' },
    el('ul', {}, pages.map(([id, href, label]) =>
      el('li', {}, el('a', { href, 'aria-current': id === page ? 'page' : undefined, 'data-i18n': `nav.${id}` }, label)))));
  const parts = [el('span', { class: 'brand' }, 'OrderLedger'), nav];
  if (s) {
    const picker = el('select', { id: 'store-picker', onchange: (e) => { setSelectedStore(e.target.value); window.dispatchEvent(new Event('storechange')); } },
      s.stores.map((id) => el('option', { value: id, selected: id === selectedStore() }, id)));
    parts.push(el('div', { class: 'who' },
      el('label', { for: 'store-picker', 'data-i18n': 'nav.store' }, 'Store'), picker,
      el('span', { class: 'subject', title: `roles: ${s.roles.join(', ')}` }, `${s.subject} (${s.roles.join(', ')})`),
      el('button', { type: 'button', class: 'link', 'data-i18n': 'nav.sign-out', onclick: () => { signOut(); location.href = '/'; } }, 'Sign out')));
  }
  header.replaceChildren(...parts);
}

/** Runs `tick` now and every `ms`, never two at once; returns a stop function. */
export function every(ms, tick) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    try {
      await tick();
    } finally {
      if (!stopped && !pollingHalted) timer = setTimeout(run, ms);
    }
  };
  run();
  return () => { stopped = true; clearTimeout(timer); };
}

// ---- Formats (the browser tests format the API's figures the same way) ----------------------------------------------

export const dash = '—';

/** 0.875 → "87.5 %". */
export const percent = (ratio) => (ratio === null || ratio === undefined ? dash : `${(ratio * 100).toFixed(1)} %`);

/** 1234 → "1,234". */
export const count = (n) => (n === null || n === undefined ? dash : Math.round(n).toLocaleString('en-US'));

/** NPS −100..100 with one decimal. */
export const score = (n) => (n === null || n === undefined ? dash : n.toFixed(1));

/** Seconds as the unit that reads best: "95 s", "12.5 min", "3.2 h", "4.1 d". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return dash;
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** The browser's time zone, which time() writes in: "Europe/Paris", "UTC". */
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * An ISO time as "2026-11-24 10:05:03 Europe/Paris": in `zone` (an IANA name, e.g. the store's), else the browser's,
 * and always labelled with the zone it is written in.
 */
export function time(iso, zone = browserZone()) {
  if (!iso) return dash;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zone}`;
}

/** A money amount with two decimals. */
export const money = (n, currency) => (n === null || n === undefined ? dash : `${Number(n).toFixed(2)}${currency ? ` ${currency}` : ''}`);
