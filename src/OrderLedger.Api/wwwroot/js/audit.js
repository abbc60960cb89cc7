// Audit: one stream's events with the aggregate's state after each (GET /api/history/{streamId}), the state as of a
// moment (…?at=), and the check of its hash chain (…/verification). The timeline's "source" cells link here with
// ?stream=&revision=. Who may read it is the API's rule (auditor, supervisor, data, admin); others see its 403.
import { browserZone, el, requireSignIn, seg, showError, api, time, dash } from './app.js';
import { languageSwitch, t, translatePage } from './i18n.js';

const error = document.getElementById('error');
let shown = null; // { history, verification, step, revision }

const json = (value) => el('pre', { class: 'json' }, value === null || value === undefined ? dash : JSON.stringify(value, null, 2));

function render() {
  if (!shown) return;
  const { history, verification, step, revision } = shown;
  const verdict = document.getElementById('verdict');
  document.getElementById('verification').hidden = false;
  verdict.className = verification.intact ? 'notice' : 'alert';
  verdict.dataset.intact = String(verification.intact);
  verdict.textContent = verification.intact
    ? t('audit.intact', { count: verification.eventsChecked })
    : t('audit.broken', {
      breaks: verification.breaks.length, count: verification.eventsChecked, revision: verification.firstBreak.revision,
      reason: `expected ${verification.firstBreak.expected}, found ${verification.firstBreak.found}`,
    });
  const asOf = document.getElementById('as-of');
  asOf.hidden = !step;
  if (step) asOf.textContent = t('audit.asOf', { time: time(shown.at), revision: step.revision, type: step.type });
  document.getElementById('history').hidden = false;
  document.querySelector('#steps tbody').replaceChildren(...history.steps.map((s) => el('tr', {
    'data-revision': s.revision,
    class: [step && step.revision === s.revision ? 'as-of' : '', revision !== null && Number(revision) === s.revision ? 'target' : ''].join(' ').trim() || undefined,
    id: `revision-${s.revision}`,
  },
  el('td', { class: 'num' }, String(s.revision)),
  el('td', {}, el('time', { dateTime: s.occurredAt }, time(s.occurredAt))),
  el('td', {}, el('span', { class: 'tag' }, s.type)),
  el('td', {}, s.actor ?? dash),
  el('td', { class: 'muted' }, s.commandId ?? dash),
  el('td', { class: 'muted' }, s.position),
  el('td', {}, json(s.data)),
  el('td', {}, json(s.stateAfter)))));
  if (revision !== null) document.getElementById(`revision-${revision}`)?.scrollIntoView({ block: 'center' });
}

async function show(event) {
  event?.preventDefault();
  showError(error, null);
  const stream = document.getElementById('stream').value.trim();
  const local = document.getElementById('at').value;
  if (!stream) return;
  const at = local ? new Date(local).toISOString() : null;
  const revision = new URLSearchParams(location.search).get('revision');
  try {
    const base = `/api/history/${seg(stream)}`;
    const [history, verification, step] = await Promise.all([
      api(base),
      api(`${base}/verification`),
      at ? api(`${base}?at=${seg(at)}`).catch((e) => (e.status === 404 ? null : Promise.reject(e))) : null,
    ]);
    shown = { history, verification, step, revision: stream === new URLSearchParams(location.search).get('stream') ? revision : null, at };
    render();
  } catch (e) {
    shown = null;
    for (const id of ['verification', 'history', 'as-of']) document.getElementById(id).hidden = true;
    showError(error, e);
  }
}

if (requireSignIn('audit')) {
  document.querySelector('header.top .who')?.prepend(languageSwitch());
  translatePage();
  document.getElementById('at-zone').textContent = `(${browserZone()})`;
  window.addEventListener('langchange', render);
  document.getElementById('audit-form').addEventListener('submit', show);
  const stream = new URLSearchParams(location.search).get('stream');
  if (stream) {
    document.getElementById('stream').value = stream;
    show();
  }
}
