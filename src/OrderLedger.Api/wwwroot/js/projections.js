// Projection status (GET /api/projections, every 2 s) and blue/green rebuilds: the Rebuild button (data and admin
// roles only) POSTs …/rebuild; the row then shows the rebuild's progress (done/total, rate, ETA; GET …/rebuild every
// 0.5 s while it runs) until the new generation serves, and keeps the final figures after.
import { api, count, dash, el, hasRole, isPollingHalted, requireSignIn, seg, showError, time } from './app.js';

const POLL_MS = 2000;
const WATCH_MS = 500;
const error = document.getElementById('error');
const message = document.getElementById('message');
const canRebuild = () => hasRole('data', 'admin');
const watched = new Map(); // name → generation serving when the rebuild was requested
const progressOf = new Map(); // name → latest RebuildProgress seen for rebuilds started here

function say(text) {
  message.hidden = !text;
  message.textContent = text ?? '';
}

function lastError(p) {
  const e = p.lastError;
  if (!e) return dash;
  const where = [e.eventType, e.streamId, e.position ? `@${e.position.commit}` : null].filter(Boolean).join(' ');
  return `${e.message}${where ? ` (${where})` : ''} — ${time(e.at)}`;
}

function progressView(r) {
  const pct = r.percent ?? null;
  return el('div', { class: 'progress', 'data-rebuild-state': r.state },
    el('progress', { max: 100, value: pct ?? 0, 'aria-label': `Rebuild of ${r.name}` }),
    ' ',
    el('span', { class: 'progress-text' },
      `${r.state} g${r.generation}: ${count(r.done)}/${r.total === null ? '?' : count(r.total)}${pct === null ? '' : ` (${pct.toFixed(1)} %)`}, ` +
      `${count(r.eventsPerSecond)} ev/s, ETA ${r.eta ? r.eta.replace(/\.\d+$/, '') : dash}`));
}

async function rebuild(name, generation, button) {
  button.disabled = true;
  showError(error, null);
  try {
    const started = await api(`/api/projections/${seg(name)}/rebuild`, { method: 'POST' });
    watched.set(name, generation);
    progressOf.set(name, started);
    say(`Rebuild of ${name} requested: generation ${started.generation} builds while generation ${generation} keeps serving.`);
    render(lastStatus);
  } catch (e) {
    button.disabled = false;
    showError(error, e);
  }
}

function row(p) {
  const building = p.rebuild?.state === 'Building' ? p.rebuild : null;
  const shown = building ?? progressOf.get(p.name);
  const cell = [];
  if (shown) cell.push(progressView(shown));
  if (!building && !watched.has(p.name)) {
    if (canRebuild()) {
      const button = el('button', { type: 'button', class: 'secondary', 'aria-label': `Rebuild ${p.name}` }, 'Rebuild');
      button.addEventListener('click', () => rebuild(p.name, p.generation, button));
      cell.push(button);
    } else cell.push(el('span', { class: 'muted' }, 'data/admin only'));
  }
  return el('tr', { 'data-projection': p.name },
    el('th', { scope: 'row' }, p.name),
    el('td', { class: `state-${p.state}`, 'data-field': 'state' }, p.state),
    el('td', { class: 'num' }, String(p.version)),
    el('td', { class: 'num', 'data-field': 'generation' }, String(p.generation)),
    el('td', { class: 'num', 'data-field': 'lag-events' }, count(p.lagEvents)),
    el('td', { class: 'num', 'data-field': 'lag-seconds' }, p.lagSeconds === null ? dash : p.lagSeconds.toFixed(1)),
    el('td', { class: 'num' }, count(p.eventsPerSecond)),
    el('td', { class: 'num' }, count(p.eventsHandled)),
    el('td', { 'data-field': 'last-error' }, lastError(p)),
    el('td', { 'data-field': 'rebuild' }, cell));
}

let lastStatus = [];

function render(status) {
  document.querySelector('#projections tbody').replaceChildren(...status.map(row));
}

async function refresh() {
  try {
    for (const name of watched.keys()) progressOf.set(name, await api(`/api/projections/${seg(name)}/rebuild`));
    const status = await api('/api/projections');
    for (const p of status) {
      if (!watched.has(p.name)) continue;
      const r = progressOf.get(p.name);
      if (r.state === 'Building') continue;
      if (r.state !== 'Completed') {
        say(`Rebuild of ${p.name} ${r.state.toLowerCase()}: ${r.error?.message ?? 'see the last error'}.`);
        watched.delete(p.name);
      } else if (p.generation >= r.generation) {
        say(`Rebuild of ${p.name} completed: generation ${p.generation} now serves.`);
        watched.delete(p.name);
      }
    }
    lastStatus = status;
    render(status);
    showError(error, null);
    document.getElementById('live').textContent = `Live — checked ${time(new Date().toISOString())}`;
  } catch (e) {
    showError(error, e);
  }
}

async function loop() {
  await refresh();
  if (!isPollingHalted()) setTimeout(loop, watched.size ? WATCH_MS : POLL_MS);
}

if (requireSignIn('projections')) {
  document.getElementById('rebuild-note').hidden = canRebuild();
  loop();
}
