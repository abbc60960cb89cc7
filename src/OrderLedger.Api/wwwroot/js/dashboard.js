// Service dashboard of the selected store: every figure for the store-local today and the rolling 30 days
// (GET …/metrics/dashboard), the queue length now (…/conversations/queue), and the reply rate and NPS by day over the
// 30 days (…/metrics/reply-rate-daily and nps-daily) drawn as an inline SVG chart. Refreshed every 5 s.
import { api, count, dash, duration, el, every, percent, requireSignIn, score, selectedStore, seg, showError, time } from './app.js';
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

async function refresh() {
  const store = selectedStore();
  if (!store) {
    showError(error, new Error('Pick a store first (top right).'));
    return;
  }
  try {
    const base = `/api/stores/${seg(store)}`;
    const [board, queue] = await Promise.all([api(`${base}/metrics/dashboard`), api(`${base}/conversations/queue?limit=500`)]);
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
  const npsValues = nps.map((d) => d.figures.score);
  document.getElementById('chart').replaceChildren(lineChart(days, [
    { name: 'reply rate %', className: 'reply', values: replyValues },
    { name: 'NPS', className: 'nps', values: npsValues },
  ], { title: `Three-minute reply rate (%) and NPS by day, ${days[0]} to ${days[days.length - 1]}` }));
  document.querySelector('#series tbody').replaceChildren(...replies.map((d, i) => el('tr', { 'data-day': d.day },
    el('th', { scope: 'row' }, d.day),
    el('td', { class: 'num' }, percent(d.figures.rate)),
    el('td', { class: 'num' }, count(d.figures.inTime + d.figures.late + d.figures.overdueUnanswered)),
    el('td', { class: 'num' }, score(nps[i].figures.score)),
    el('td', { class: 'num' }, count(nps[i].figures.promoters + nps[i].figures.passives + nps[i].figures.detractors)))));
}

if (requireSignIn('dashboard')) {
  let stop = every(POLL_MS, refresh);
  window.addEventListener('storechange', () => {
    stop();
    stop = every(POLL_MS, refresh);
  });
}
