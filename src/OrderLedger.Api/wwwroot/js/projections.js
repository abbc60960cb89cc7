// Projection status (GET /api/projections, every 2 s) and blue/green rebuilds: the Rebuild button (data and admin
// roles only) POSTs …/rebuild, then the row shows the rebuild's progress (done/total, rate, ETA) until it completes and
// the new generation serves.
import { api, count, dash, el, every, hasRole, requireSignIn, seg, showError, time } from './app.js';

const POLL_MS = 2000;
const error = document.getElementById('error');
const message = document.getElementById('message');
const canRebuild = () => hasRole('data', 'admin');
const watched = new Map(); // name → generation before the rebuild was requested

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

function progressCell(r) {
  const pct = r.percent ?? null;
  return el('div', { class: 'progress', 'data-rebuild-state': r.state },
    el('progress', { max: 100, value: pct ?? 0, 'aria-label': `Rebuild of ${r.name}` }),
    ' ',
    el('span', { class: 'progress-text' },
      `${r.state}: ${count(r.done)}/${r.total === null ? '?' : count(r.total)}${pct === null ? '' : ` (${pct.toFixed(1)} %)`}, ` +
      `${count(r.eventsPerSecond)} ev/s, ETA ${r.eta ?? dash}`));
}

async function rebuild(name, generation, button) {
  button.disabled = true;
  showError(error, null);
  try {
    await api(`/api/projections/${seg(name)}/rebuild`, { method: 'POST' });
    watched.set(name, generation);
    say(`Rebuild of ${name} requested; the current generation ${generation} keeps serving until the new one has caught up.`);
    await refresh();
  } catch (e) {
    button.disabled = false;
    showError(error, e);
  }
}

function row(p) {
  const r = p.rebuild;
  const building = r && r.state === 'Building';
  let action;
  if (building) action = progressCell(r);
  else if (canRebuild()) {
    action = el('button', { type: 'button', class: 'secondary', 'aria-label': `Rebuild ${p.name}` }, 'Rebuild');
    action.addEventListener('click', () => rebuild(p.name, p.generation, action));
  } else action = el('span', { class: 'muted' }, 'data/admin only');
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
    el('td', { 'data-field': 'rebuild' }, action));
}

async function refresh() {
  try {
    const status = await api('/api/projections');
    document.querySelector('#projections tbody').replaceChildren(...status.map(row));
    for (const p of status) {
      if (!watched.has(p.name)) continue;
      const r = p.rebuild;
      const before = watched.get(p.name);
      if (r?.state === 'Building') continue;
      if (r && r.state !== 'Completed' && r.generation > before) {
        say(`Rebuild of ${p.name} ${r.state.toLowerCase()}: ${r.error?.message ?? 'see the last error'}.`);
        watched.delete(p.name);
      } else if (p.generation > before) {
        say(`Rebuild of ${p.name} completed: generation ${p.generation} now serves.`);
        watched.delete(p.name);
      }
    }
    showError(error, null);
    document.getElementById('live').textContent = `Live — checked ${time(new Date().toISOString())}`;
  } catch (e) {
    showError(error, e);
  }
}

if (requireSignIn('projections')) {
  document.getElementById('rebuild-note').hidden = canRebuild();
  every(POLL_MS, refresh);
}
