// Service cockpit of the selected store: every figure against its target with its state (GET …/scorecard) for the
// picked time range, the alerts (…/alerts), the queue oldest first (…/conversations/queue), the agents
// (…/metrics/reply-rate-by-agent, first-contact-resolution per agent), all the token's stores side by side, every
// figure for the store-local today and the rolling 30 days (…/metrics/dashboard), and the reply rate and NPS by day
// over the 30 days (…/metrics/reply-rate-daily and nps-daily) as two charts with the sample size of each point.
// Refreshed every 5 s.
import { api, count, dash, duration, el, every, percent, requireSignIn, score, selectedStore, seg, session, showError, time } from './app.js';
import { lineChart } from './chart.js';

const POLL_MS = 5000;
const error = document.getElementById('error');

/** [label, id, value(figures, extra) → text]; `id` names the cells (data-metric="id.today" / "id.last30"). */
const rows = [
  ['Three-minute reply rate', 'reply-rate', (f) => percent(f.replyRate.rate)],
  ['Inquiries: in time / late / overdue', 'inquiries', (f) => `${count(f.replyRate.inTime)} / ${count(f.replyRate.late)} / ${count(f.replyRate.overdueUnanswered)}`],
  ['First response, mean', 'first-response-mean', (f) => duration(f.replyRate.firstResponseMeanSeconds)],
  ['First response, p50 / p90', 'first-response-p50-p90', (f) => `${duration(f.replyRate.firstResponseP50Seconds)} / ${duration(f.replyRate.firstResponseP90Seconds)}`],
  ['Queue length (now)', 'queue-length', (f, x) => (x.queue >= 500 ? '500+' : count(x.queue)), true],
  ['NPS', 'nps', (f) => score(f.nps.score)],
  ['NPS answers / surveys sent', 'nps-answers', (f) => `${count(f.nps.promoters + f.nps.passives + f.nps.detractors)} / ${count(f.nps.surveysSent)}`],
  ['First-contact resolution', 'fcr', (f) => percent(f.firstContactResolution.rate)],
  ['Refund-only: mean / p90 to paid', 'refund-only', (f) => `${duration(f.refundTimes.refundOnly.meanSeconds)} / ${duration(f.refundTimes.refundOnly.p90Seconds)}`],
  ['Return-and-refund: mean / p90 to paid', 'return-and-refund', (f) => `${duration(f.refundTimes.returnAndRefund.meanSeconds)} / ${duration(f.refundTimes.returnAndRefund.p90Seconds)}`],
  ['Refunds approved automatically', 'auto-approved', (f) => percent(f.refundTimes.refundOnly.autoApprovedShare)],
  ['Merchant-fault dispute rate', 'dispute-rate', (f) => percent(f.disputeRate.rate)],
  ['Good-review rate', 'good-review-rate', (f) => percent(f.goodReviewRate.rate)],
  ['Orders placed / paid / cancelled', 'orders', (f) => `${count(f.orderFlow.placed)} / ${count(f.orderFlow.paid)} / ${count(f.orderFlow.cancelled)}`],
  ['Parcels shipped / delivered', 'parcels', (f) => `${count(f.orderFlow.shipped)} / ${count(f.orderFlow.delivered)}`],
  ['Open logistics exceptions (now)', 'logistics-exceptions', (f) => count(f.orderFlow.logisticsExceptionsOpen), true],
  ['Stuck parcels (now)', 'stuck-parcels', (f) => count(f.orderFlow.stuckParcels), true],
];

function addDays(isoDay, n) {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const STATE_TEXT = { Ok: 'ok', AtRisk: 'at risk', Breached: 'breached', None: 'no data' };
const STATE_RANK = { None: 0, Ok: 1, AtRisk: 2, Breached: 3 };
const FIGURE_NAMES = {
  'reply-rate': 'Three-minute reply rate',
  'first-response-p90': 'First response, p90',
  'queue-oldest-wait': 'Longest wait in the queue (now)',
  'queue-breached': 'Waiting over the first-reply target (now)',
  nps: 'NPS',
  'first-contact-resolution': 'First-contact resolution',
  'good-review-rate': 'Good-review rate',
  'dispute-rate': 'Merchant-fault dispute rate',
  'refund-p90-hours': 'Refund-only, request to paid, p90',
  'stuck-parcels': 'Stuck parcels (now)',
  'logistics-exceptions': 'Open logistics exceptions (now)',
};
const RULE_NAMES = {
  'reply-rate': 'Reply rate, last hour',
  'queue-wait': 'Wait over target',
  'stuck-parcels': 'Stuck parcels',
  'complaint-spike': 'Complaint spike',
  'escalation-deadline': 'Missed 48 h deadline',
  'projection-faulted': 'Projection faulted',
};
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

const stateCell = (state) => el('td', { 'data-state': state }, el('span', { class: `figure-${state}` }, STATE_TEXT[state] ?? state));

/** The picked range as query parameters (empty for the rolling 30 days), from the store-local today. */
function rangeQuery(today) {
  const pick = document.getElementById('range').value;
  if (pick === 'today') return `from=${today}&to=${today}`;
  if (pick === '7') return `from=${addDays(today, -6)}&to=${today}`;
  if (pick === 'custom') {
    const from = document.getElementById('range-from').value || addDays(today, -6);
    const to = document.getElementById('range-to').value || today;
    return `from=${from}&to=${to}`;
  }
  return '';
}

function drawScorecard(card) {
  document.getElementById('scorecard-window').textContent = `${card.window}, as of ${time(card.now)} (${zone})`;
  document.querySelector('#scorecard tbody').replaceChildren(...card.figures.map((f) => el('tr', { 'data-figure': f.figure },
    el('th', { scope: 'row' }, FIGURE_NAMES[f.figure] ?? f.figure),
    el('td', { class: 'num', 'data-value': f.figure }, valueText(f.unit, f.value)),
    el('td', { class: 'num' }, f.sample === null ? dash : count(f.sample)),
    el('td', { class: 'num' }, `${f.higherIsBetter ? '≥' : '≤'} ${valueText(f.unit, f.target)}`),
    stateCell(f.state))));
}

function drawAlerts(alerts) {
  document.getElementById('alerts-delivery').textContent = alerts.webhook ? `(sent to the store's ${alerts.webhook} webhook)` : '(no webhook configured)';
  const recovered = alerts.recent.filter((a) => a.recoveredAt);
  const rows = [...alerts.open, ...recovered].map((a) => el('tr', { 'data-alert': a.alertId, 'data-status': a.recoveredAt ? 'recovered' : 'open' },
    el('td', {}, `${time(a.raisedAt)} ${zone}`),
    el('td', {}, RULE_NAMES[a.rule] ?? a.rule, a.subject === 'store' ? '' : el('span', { class: 'sub' }, a.subject)),
    el('td', {}, a.recoveredAt ? a.recoverySummary ?? a.summary : a.summary),
    a.recoveredAt ? el('td', {}, el('span', { class: 'figure-Ok' }, `recovered ${time(a.recoveredAt)}`)) : el('td', {}, el('span', { class: 'figure-Breached' }, 'open'))));
  document.querySelector('#alerts tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'No alerts.'))]));
}

function drawQueue(queue, card) {
  const target = card.figures.find((f) => f.figure === 'queue-oldest-wait')?.target;
  document.getElementById('queue-target').textContent = `first-reply target ${duration(target)}; ${count(queue.length)} waiting`;
  const rows = queue.slice(0, 50).map((q) => {
    const state = q.slaBreached ? 'Breached' : q.slaAtRisk ? 'AtRisk' : 'Ok';
    return el('tr', { 'data-conversation': q.conversation.conversationId },
      el('td', {}, q.conversation.conversationId),
      el('td', {}, q.conversation.customerId),
      el('td', {}, q.conversation.assignedAgent ?? dash),
      el('td', { class: 'num' }, duration(waitSeconds(q.waiting))),
      stateCell(state));
  });
  document.querySelector('#queue tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'Nobody is waiting.'))]));
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
  document.querySelector('#agents tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No agent replied in this range.'))]));
}

/** Every store of the token side by side (at most 20), each with its own scorecard and alerts. */
async function drawStores(query) {
  const stores = (session()?.stores ?? []).slice(0, 20);
  const rows = await Promise.all(stores.map(async (id) => {
    const base = `/api/stores/${seg(id)}`;
    const [card, alerts] = await Promise.all([api(`${base}/scorecard${query ? `?${query}` : ''}`), api(`${base}/alerts?limit=1`)]);
    const by = Object.fromEntries(card.figures.map((f) => [f.figure, f]));
    const worst = card.figures.reduce((w, f) => (STATE_RANK[f.state] > STATE_RANK[w] ? f.state : w), 'None');
    return el('tr', { 'data-store': id, class: id === selectedStore() ? 'selected' : undefined },
      el('th', { scope: 'row' }, id),
      el('td', { class: 'num' }, percent(by['reply-rate']?.value)),
      el('td', { class: 'num' }, score(by.nps?.value)),
      el('td', { class: 'num' }, count(by['queue-breached']?.value)),
      el('td', { class: 'num' }, count(alerts.open.length)),
      stateCell(worst));
  }));
  document.querySelector('#stores tbody').replaceChildren(...rows);
}

async function refresh() {
  const store = selectedStore();
  if (!store) {
    showError(error, new Error('Pick a store first (top right).'));
    return;
  }
  try {
    const base = `/api/stores/${seg(store)}`;
    const [board, queue] = await Promise.all([api(`${base}/metrics/dashboard`), api(`${base}/conversations/queue?limit=500`)]);
    const query = rangeQuery(board.today);
    const [card, alerts] = await Promise.all([api(`${base}/scorecard${query ? `?${query}` : ''}`), api(`${base}/alerts?limit=20`)]);
    if (store !== selectedStore()) return;
    drawScorecard(card);
    drawAlerts(alerts);
    drawQueue(queue, card);
    document.getElementById('range-shown').textContent = `Showing ${card.window} (store-local days, ${board.timeZone})`;
    await Promise.all([drawAgents(base, query, card.window), drawStores(query)]);
    const from = addDays(board.today, -29);
    const [replies, nps] = await Promise.all([
      api(`${base}/metrics/reply-rate-daily?from=${from}&to=${board.today}&now=${seg(board.now)}`),
      api(`${base}/metrics/nps-daily?from=${from}&to=${board.today}&now=${seg(board.now)}`),
    ]);
    if (store !== selectedStore()) return;
    document.getElementById('title').textContent = `Service dashboard — store ${store}`;
    document.getElementById('today-head').replaceChildren('Today', el('span', { class: 'sub' }, `${board.today}, ${board.timeZone}`));
    const extra = { queue: queue.length };
    document.querySelector('#figures tbody').replaceChildren(...rows.map(([label, id, value, now]) => el('tr', { 'data-row': id },
      el('th', { scope: 'row' }, label),
      el('td', { class: 'num', 'data-metric': `${id}.today` }, value(board.todayFigures, extra)),
      el('td', { class: 'num', 'data-metric': `${id}.last30` }, now ? value(board.todayFigures, extra) : value(board.last30Days, extra)))));
    drawSeries(replies, nps);
    showError(error, null);
    document.getElementById('live').textContent = `Live — figures as of ${time(board.now)}; refreshed every 5 s`;
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
    lineChart(days, [{ name: 'reply rate %', className: 'reply', values: replyValues, samples: replySamples }],
      { title: `Three-minute reply rate (%) by day, ${days[0]} to ${days[days.length - 1]}`, min: 0, max: 100, ticks: [0, 25, 50, 75, 100], unit: ' %', height: 220 }),
    lineChart(days, [{ name: 'NPS', className: 'nps', values: npsValues, samples: npsSamples }],
      { title: `NPS by day, ${days[0]} to ${days[days.length - 1]}`, height: 220 }));
  document.querySelector('#series tbody').replaceChildren(...replies.map((d, i) => el('tr', { 'data-day': d.day },
    el('th', { scope: 'row' }, d.day),
    el('td', { class: 'num' }, percent(d.figures.rate)),
    el('td', { class: 'num' }, count(d.figures.inTime + d.figures.late + d.figures.overdueUnanswered)),
    el('td', { class: 'num' }, score(nps[i].figures.score)),
    el('td', { class: 'num' }, count(nps[i].figures.promoters + nps[i].figures.passives + nps[i].figures.detractors)))));
}

if (requireSignIn('dashboard')) {
  let stop = every(POLL_MS, refresh);
  const restart = () => {
    stop();
    stop = every(POLL_MS, refresh);
  };
  window.addEventListener('storechange', restart);
  document.getElementById('range').addEventListener('change', (e) => {
    document.getElementById('custom-from-field').hidden = e.target.value !== 'custom';
    document.getElementById('custom-to-field').hidden = e.target.value !== 'custom';
    restart();
  });
  for (const id of ['range-from', 'range-to']) document.getElementById(id).addEventListener('change', restart);
  document.getElementById('range-form').addEventListener('submit', (e) => e.preventDefault());
}
