// Service cockpit of the selected store: every figure against its target with its state (GET …/scorecard) for the
// picked time range, the alerts (…/alerts), the queue oldest first (…/conversations/queue), the agents
// (…/metrics/reply-rate-by-agent, first-contact-resolution per agent), all the token's stores side by side, every
// figure for the store-local today and the rolling 30 days (…/metrics/dashboard), and the reply rate and NPS by day
// over the picked range (…/metrics/reply-rate-daily and nps-daily) as two charts with the sample size of each point.
// Labels in English or Chinese (i18n.js). Refreshed every 5 s.
import { api, count, dash, duration, el, every, percent, requireSignIn, score, selectedStore, seg, session, showError, time } from './app.js';
import { lineChart } from './chart.js';
import { languageSwitch, t, translatePage } from './i18n.js';

const POLL_MS = 5000;
const error = document.getElementById('error');

/** [id, value(figures, extra) → text, of now]; `id` names the cells (data-metric="id.today" / "id.last30") and the label (dash.row.id). */
const rows = [
  ['reply-rate', (f) => percent(f.replyRate.rate)],
  ['inquiries', (f) => `${count(f.replyRate.inTime)} / ${count(f.replyRate.late)} / ${count(f.replyRate.overdueUnanswered)}`],
  ['first-response-mean', (f) => duration(f.replyRate.firstResponseMeanSeconds)],
  ['first-response-p50-p90', (f) => `${duration(f.replyRate.firstResponseP50Seconds)} / ${duration(f.replyRate.firstResponseP90Seconds)}`],
  ['queue-length', (f, x) => (x.queue >= 500 ? '500+' : count(x.queue)), true],
  ['nps', (f) => score(f.nps.score)],
  ['nps-answers', (f) => `${count(f.nps.promoters + f.nps.passives + f.nps.detractors)} / ${count(f.nps.surveysSent)}`],
  ['fcr', (f) => percent(f.firstContactResolution.rate)],
  ['refund-only', (f) => `${duration(f.refundTimes.refundOnly.meanSeconds)} / ${duration(f.refundTimes.refundOnly.p90Seconds)}`],
  ['return-and-refund', (f) => `${duration(f.refundTimes.returnAndRefund.meanSeconds)} / ${duration(f.refundTimes.returnAndRefund.p90Seconds)}`],
  ['auto-approved', (f) => percent(f.refundTimes.refundOnly.autoApprovedShare)],
  ['dispute-rate', (f) => percent(f.disputeRate.rate)],
  ['good-review-rate', (f) => percent(f.goodReviewRate.rate)],
  ['orders', (f) => `${count(f.orderFlow.placed)} / ${count(f.orderFlow.paid)} / ${count(f.orderFlow.cancelled)}`],
  ['parcels', (f) => `${count(f.orderFlow.shipped)} / ${count(f.orderFlow.delivered)}`],
  ['logistics-exceptions', (f) => count(f.orderFlow.logisticsExceptionsOpen), true],
  ['stuck-parcels', (f) => count(f.orderFlow.stuckParcels), true],
];

function addDays(isoDay, n) {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const STATE_RANK = { None: 0, Ok: 1, AtRisk: 2, Breached: 3 };
/** A label the dictionary has (prefix + id), else the id itself: a figure or rule newer than the page still shows. */
const named = (prefix, id) => (t(prefix + id) === prefix + id ? id : t(prefix + id));
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A figure's value in its unit. */
function valueText(unit, v) {
  if (v === null || v === undefined) return dash;
  if (unit === 'share') return percent(v);
  if (unit === 'score') return score(v);
  if (unit === 'seconds') return duration(v);
  if (unit === 'hours') return duration(v * 3600);
  return count(v);
}

const stateCell = (state) => el('td', { 'data-state': state }, el('span', { class: `figure-${state}` }, named('dash.state.', state)));

/** The picked range of store-local days, from the store-local today; `query` is empty for the rolling 30 days (the API's default). */
function pickedRange(today) {
  const pick = document.getElementById('range').value;
  if (pick === 'today') return { from: today, to: today, query: `from=${today}&to=${today}` };
  if (pick === '7') return { from: addDays(today, -6), to: today, query: `from=${addDays(today, -6)}&to=${today}` };
  if (pick === 'custom') {
    const from = document.getElementById('range-from').value || addDays(today, -6);
    const to = document.getElementById('range-to').value || today;
    return { from, to, query: `from=${from}&to=${to}` };
  }
  return { from: addDays(today, -29), to: today, query: '' };
}

function drawScorecard(card) {
  document.getElementById('scorecard-window').textContent = t('dash.as-of', { window: card.window, time: time(card.now), zone });
  document.querySelector('#scorecard tbody').replaceChildren(...card.figures.map((f) => el('tr', { 'data-figure': f.figure },
    el('th', { scope: 'row' }, named('dash.figure.', f.figure)),
    el('td', { class: 'num', 'data-value': f.figure }, valueText(f.unit, f.value)),
    el('td', { class: 'num' }, f.sample === null ? dash : count(f.sample)),
    el('td', { class: 'num' }, `${f.higherIsBetter ? '≥' : '≤'} ${valueText(f.unit, f.target)}`),
    stateCell(f.state))));
}

function drawAlerts(alerts) {
  document.getElementById('alerts-delivery').textContent = alerts.webhook ? t('dash.alerts.sent', { webhook: alerts.webhook }) : t('dash.alerts.no-webhook');
  const recovered = alerts.recent.filter((a) => a.recoveredAt);
  const rows = [...alerts.open, ...recovered].map((a) => el('tr', { 'data-alert': a.alertId, 'data-status': a.recoveredAt ? 'recovered' : 'open' },
    el('td', {}, `${time(a.raisedAt)} ${zone}`),
    el('td', {}, named('dash.rule.', a.rule), a.subject === 'store' ? '' : el('span', { class: 'sub' }, a.subject)),
    el('td', {}, a.recoveredAt ? a.recoverySummary ?? a.summary : a.summary),
    a.recoveredAt ? el('td', {}, el('span', { class: 'figure-Ok' }, t('dash.alert.recovered', { time: time(a.recoveredAt) }))) : el('td', {}, el('span', { class: 'figure-Breached' }, t('dash.alert.open')))));
  document.querySelector('#alerts tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 4, class: 'muted' }, t('dash.alerts.none')))]));
}

function drawQueue(queue, card) {
  const target = card.figures.find((f) => f.figure === 'queue-oldest-wait')?.target;
  document.getElementById('queue-target').textContent = t('dash.queue.target', { target: duration(target), waiting: count(queue.length) });
  const rows = queue.slice(0, 50).map((q) => {
    const state = q.slaBreached ? 'Breached' : q.slaAtRisk ? 'AtRisk' : 'Ok';
    return el('tr', { 'data-conversation': q.conversation.conversationId },
      el('td', {}, q.conversation.conversationId),
      el('td', {}, q.conversation.customerId),
      el('td', {}, q.conversation.assignedAgent ?? dash),
      el('td', { class: 'num' }, duration(waitSeconds(q.waiting))),
      stateCell(state));
  });
  document.querySelector('#queue tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, t('dash.queue.none')))]));
}

/** A TimeSpan as JSON ("1.02:03:04.5" or "00:03:04") in seconds. */
function waitSeconds(span) {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(span);
  return m ? (Number(m[1] ?? 0) * 86400) + (Number(m[2]) * 3600) + (Number(m[3]) * 60) + Number(m[4]) : null;
}

async function drawAgents(base, query, windowText) {
  const agents = (await api(`${base}/metrics/reply-rate-by-agent${query ? `?${query}` : ''}`)).filter((a) => a.agentId).slice(0, 20);
  const resolutions = await Promise.all(agents.map((a) => api(`${base}/metrics/first-contact-resolution?agentId=${seg(a.agentId)}${query ? `&${query}` : ''}`)));
  document.getElementById('agents-window').textContent = windowText;
  const rows = agents.map((a, i) => el('tr', { 'data-agent': a.agentId },
    el('th', { scope: 'row' }, a.agentId),
    el('td', { class: 'num' }, count(a.figures.inTime + a.figures.late)),
    el('td', { class: 'num' }, percent(a.figures.rate)),
    el('td', { class: 'num' }, duration(a.figures.firstResponseP50Seconds)),
    el('td', { class: 'num' }, count(resolutions[i].resolved))));
  document.querySelector('#agents tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, t('dash.agents.none')))]));
}

/** A share or score over all stores: each store's value weighted by its sample, exact since each is a ratio over that sample. */
function weighted(cards, figure) {
  let sum = 0;
  let sample = 0;
  for (const c of cards) {
    const f = c.by[figure];
    if (f && f.value !== null && f.sample) {
      sum += f.value * f.sample;
      sample += f.sample;
    }
  }
  return sample ? sum / sample : null;
}

const worstOf = (states) => states.reduce((w, s) => (STATE_RANK[s] > STATE_RANK[w] ? s : w), 'None');

function storeRow(attributes, name, replyRate, nps, breached, openAlerts, worst) {
  return el('tr', attributes,
    el('th', { scope: 'row' }, name),
    el('td', { class: 'num' }, percent(replyRate)),
    el('td', { class: 'num' }, score(nps)),
    el('td', { class: 'num' }, count(breached)),
    el('td', { class: 'num' }, count(openAlerts)),
    stateCell(worst));
}

/**
 * Every store of the token side by side (at most 20), each with its own scorecard and alerts, and below them all of
 * them together: reply rate and NPS over every store's inquiries and answers, waits and alerts summed, the worst state.
 */
async function drawStores(query, selected) {
  const stores = (session()?.stores ?? []).slice(0, 20);
  const cards = await Promise.all(stores.map(async (id) => {
    const base = `/api/stores/${seg(id)}`;
    // The selected store's scorecard and alerts were just read for the panels above: not fetched twice.
    const [card, alerts] = id === selected.store
      ? [selected.card, selected.alerts]
      : await Promise.all([api(`${base}/scorecard${query ? `?${query}` : ''}`), api(`${base}/alerts?limit=1`)]);
    return { id, by: Object.fromEntries(card.figures.map((f) => [f.figure, f])), worst: worstOf(card.figures.map((f) => f.state)), open: alerts.open.length };
  }));
  document.querySelector('#stores tbody').replaceChildren(...cards.map((c) => storeRow(
    { 'data-store': c.id, class: c.id === selectedStore() ? 'selected' : undefined }, c.id,
    c.by['reply-rate']?.value, c.by.nps?.value, c.by['queue-breached']?.value, c.open, c.worst)));
  const sum = (pick) => cards.reduce((n, c) => n + (pick(c) ?? 0), 0);
  document.querySelector('#stores tfoot').replaceChildren(...(cards.length < 2 ? [] : [storeRow(
    { 'data-store': '*' }, t('dash.stores.all', { stores: count(cards.length) }),
    weighted(cards, 'reply-rate'), weighted(cards, 'nps'), sum((c) => c.by['queue-breached']?.value), sum((c) => c.open), worstOf(cards.map((c) => c.worst)))]));
}

async function refresh() {
  const store = selectedStore();
  if (!store) {
    showError(error, new Error(t('dash.pick-store')));
    return;
  }
  try {
    const base = `/api/stores/${seg(store)}`;
    const [board, queue] = await Promise.all([api(`${base}/metrics/dashboard`), api(`${base}/conversations/queue?limit=500`)]);
    const range = pickedRange(board.today);
    const { query } = range;
    const [card, alerts] = await Promise.all([api(`${base}/scorecard${query ? `?${query}` : ''}`), api(`${base}/alerts?limit=20`)]);
    if (store !== selectedStore()) return;
    drawScorecard(card);
    drawAlerts(alerts);
    drawQueue(queue, card);
    document.getElementById('range-shown').textContent = t('dash.showing', { window: card.window, zone: board.timeZone });
    await Promise.all([drawAgents(base, query, card.window), drawStores(query, { store, card, alerts })]);
    // The charts follow the picked range, day by day.
    const [replies, nps] = await Promise.all([
      api(`${base}/metrics/reply-rate-daily?from=${range.from}&to=${range.to}&now=${seg(board.now)}`),
      api(`${base}/metrics/nps-daily?from=${range.from}&to=${range.to}&now=${seg(board.now)}`),
    ]);
    if (store !== selectedStore()) return;
    document.getElementById('title').textContent = t('dash.title.store', { store });
    document.getElementById('today-head').replaceChildren(t('dash.col.today'), el('span', { class: 'sub' }, `${board.today}, ${board.timeZone}`));
    const extra = { queue: queue.length };
    document.querySelector('#figures tbody').replaceChildren(...rows.map(([id, value, now]) => el('tr', { 'data-row': id },
      el('th', { scope: 'row' }, t(`dash.row.${id}`)),
      el('td', { class: 'num', 'data-metric': `${id}.today` }, value(board.todayFigures, extra)),
      el('td', { class: 'num', 'data-metric': `${id}.last30` }, now ? value(board.todayFigures, extra) : value(board.last30Days, extra)))));
    drawSeries(replies, nps);
    showError(error, null);
    document.getElementById('live').textContent = t('dash.live', { time: time(board.now) });
  } catch (e) {
    showError(error, e);
  }
}

function drawSeries(replies, nps) {
  const days = replies.map((d) => d.day);
  const replyValues = replies.map((d) => (d.figures.rate === null ? null : d.figures.rate * 100));
  const replySamples = replies.map((d) => d.figures.inTime + d.figures.late + d.figures.overdueUnanswered);
  const npsValues = nps.map((d) => d.figures.score);
  const npsSamples = nps.map((d) => d.figures.promoters + d.figures.passives + d.figures.detractors);
  // Two charts, each on its own axis: a share of 0 … 100 % and a score of −100 … 100 are not one scale.
  document.getElementById('chart').replaceChildren(
    lineChart(days, [{ name: t('dash.chart.reply-series'), className: 'reply', values: replyValues, samples: replySamples }],
      { title: t('dash.chart.reply', { from: days[0], to: days[days.length - 1] }), min: 0, max: 100, ticks: [0, 25, 50, 75, 100], unit: ' %', height: 220 }),
    lineChart(days, [{ name: 'NPS', className: 'nps', values: npsValues, samples: npsSamples }],
      { title: t('dash.chart.nps', { from: days[0], to: days[days.length - 1] }), height: 220 }));
  document.querySelector('#series tbody').replaceChildren(...replies.map((d, i) => el('tr', { 'data-day': d.day },
    el('th', { scope: 'row' }, d.day),
    el('td', { class: 'num' }, percent(d.figures.rate)),
    el('td', { class: 'num' }, count(d.figures.inTime + d.figures.late + d.figures.overdueUnanswered)),
    el('td', { class: 'num' }, score(nps[i].figures.score)),
    el('td', { class: 'num' }, count(nps[i].figures.promoters + nps[i].figures.passives + nps[i].figures.detractors)))));
}

if (requireSignIn('dashboard')) {
  document.querySelector('header.top .who')?.prepend(languageSwitch());
  translatePage();
  let stop = every(POLL_MS, refresh);
  const restart = () => {
    stop();
    stop = every(POLL_MS, refresh);
  };
  window.addEventListener('storechange', restart);
  window.addEventListener('langchange', restart);
  document.getElementById('range').addEventListener('change', (e) => {
    document.getElementById('custom-from-field').hidden = e.target.value !== 'custom';
    document.getElementById('custom-to-field').hidden = e.target.value !== 'custom';
    restart();
  });
  for (const id of ['range-from', 'range-to']) document.getElementById(id).addEventListener('change', restart);
  document.getElementById('range-form').addEventListener('submit', (e) => e.preventDefault());
}
