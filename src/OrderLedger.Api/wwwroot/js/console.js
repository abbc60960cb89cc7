// Agent console: find a customer of the selected store by customer id, phone or order number; show their orders,
// conversations, parcels, refunds and the whole timeline. Live: every 2 s the first timeline page is fetched again and
// entries not shown yet (newer than the newest shown) are added on top; the tables are reloaded when some arrive.
import { api, dash, el, every, money, requireSignIn, selectedStore, seg, showError, time } from './app.js';

const POLL_MS = 2000;
const PAGE = 50;
const error = document.getElementById('error');
const message = document.getElementById('message');
let current = null; // { store, customer, shown: Set<key>, stop }

const entryKey = (e) => `${e.position.commit}.${e.position.prepare}`;
const kindOf = (e) => e.streamId.split('-')[0];

function say(text) {
  message.hidden = !text;
  message.textContent = text ?? '';
}

function fill(table, rows) {
  const body = document.querySelector(`#${table} tbody`);
  const columns = document.querySelectorAll(`#${table} thead th`).length;
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colSpan: columns, class: 'muted' }, 'None'))]));
}

function timelineRow(e, fresh) {
  return el('tr', { 'data-key': entryKey(e), 'data-type': e.type, class: fresh ? 'fresh' : undefined },
    el('td', {}, el('time', { dateTime: e.occurredAt }, time(e.occurredAt))),
    el('td', {}, el('span', { class: `tag ${kindOf(e)}` }, e.type)),
    el('td', {}, e.summary),
    el('td', {}, e.orderId ?? dash),
    el('td', { class: 'muted' }, `${e.streamId} @${e.streamRevision}`));
}

async function loadTables(store, customer) {
  const base = `/api/stores/${seg(store)}/customers/${seg(customer)}`;
  const [orders, conversations] = await Promise.all([api(`${base}/orders?limit=100`), api(`${base}/conversations?limit=100`)]);
  fill('orders', orders.map((o) => el('tr', { 'data-order': o.orderId },
    el('td', {}, o.orderId), el('td', {}, o.status), el('td', { class: 'num' }, money(o.total, o.currency)),
    el('td', { class: 'num' }, money(o.paid)), el('td', { class: 'num' }, money(o.refunded)),
    el('td', {}, o.shipmentStatus), el('td', {}, time(o.placedAt ?? o.rejectedAt)))));
  fill('conversations', conversations.map((c) => el('tr', { 'data-conversation': c.conversationId },
    el('td', {}, c.conversationId), el('td', {}, c.channel), el('td', {}, c.orderId ?? dash), el('td', {}, c.status),
    el('td', {}, c.assignedAgent ?? dash), el('td', { class: 'num' }, String(c.messages)),
    el('td', {}, [c.satisfaction, c.npsScore === null || c.npsScore === undefined ? null : `NPS ${c.npsScore}`].filter(Boolean).join(' · ') || dash))));
  const recent = orders.slice(0, 20);
  const [parcels, refunds] = await Promise.all([
    Promise.all(recent.map((o) => api(`/api/orders/${seg(o.orderId)}/shipments`))),
    Promise.all(recent.map((o) => api(`/api/orders/${seg(o.orderId)}/refunds`))),
  ]);
  fill('parcels', parcels.flat().map((p) => el('tr', { 'data-shipment': p.shipmentId },
    el('td', {}, p.shipmentId), el('td', {}, p.orderId), el('td', {}, p.status),
    el('td', {}, p.carrier ? `${p.carrier} ${p.trackingNumber ?? ''}`.trim() : dash),
    el('td', {}, p.lastScanAt ? `${p.lastScanLocation ?? ''} — ${p.lastScanStatus ?? ''} (${time(p.lastScanAt)})` : dash),
    el('td', {}, p.openExceptions.length ? p.openExceptions.join(', ') : dash))));
  fill('refunds', refunds.flat().map((r) => el('tr', { 'data-refund': r.refundId },
    el('td', {}, r.refundId), el('td', {}, r.orderId), el('td', {}, r.kind), el('td', {}, r.status),
    el('td', { class: 'num' }, money(r.amount)), el('td', {}, r.dispute))));
}

async function poll() {
  const view = current;
  if (!view) return;
  try {
    const page = await api(`/api/stores/${seg(view.store)}/customers/${seg(view.customer)}/timeline?pageSize=${PAGE}`);
    if (view !== current) return;
    const fresh = page.entries.filter((e) => !view.shown.has(entryKey(e)));
    if (fresh.length) {
      const body = document.querySelector('#timeline tbody');
      const first = view.shown.size === 0;
      if (first) {
        body.replaceChildren();
        view.nextCursor = page.nextCursor;
        document.getElementById('older').hidden = !page.nextCursor;
      }
      fresh.forEach((e) => view.shown.add(entryKey(e)));
      body.prepend(...fresh.map((e) => timelineRow(e, !first)));
      await loadTables(view.store, view.customer);
    } else if (view.shown.size === 0) {
      fill('timeline', []);
    }
    showError(error, null);
    document.getElementById('live').textContent = `Live — checked ${time(new Date().toISOString())}, ${view.shown.size} entries shown`;
  } catch (e) {
    showError(error, e);
  }
}

async function older() {
  const view = current;
  if (!view?.nextCursor) return;
  try {
    const page = await api(`/api/stores/${seg(view.store)}/customers/${seg(view.customer)}/timeline?pageSize=${PAGE}&cursor=${seg(view.nextCursor)}`);
    const rows = page.entries.filter((e) => !view.shown.has(entryKey(e)));
    rows.forEach((e) => view.shown.add(entryKey(e)));
    document.querySelector('#timeline tbody').append(...rows.map((e) => timelineRow(e, false)));
    view.nextCursor = page.nextCursor;
    document.getElementById('older').hidden = !page.nextCursor;
  } catch (e) {
    showError(error, e);
  }
}

function open(store, customer) {
  current?.stop();
  document.getElementById('matches').hidden = true;
  document.getElementById('customer').hidden = false;
  document.getElementById('customer-title').textContent = `Customer ${customer} — store ${store}`;
  for (const t of ['orders', 'conversations', 'parcels', 'refunds', 'timeline']) document.querySelector(`#${t} tbody`).replaceChildren();
  const view = { store, customer, shown: new Set(), nextCursor: null };
  current = view;
  const params = new URLSearchParams({ customer });
  history.replaceState(null, '', `?${params}`);
  view.stop = every(POLL_MS, poll);
}

function showMatches(store, matches) {
  document.getElementById('customer').hidden = true;
  document.getElementById('matches').hidden = false;
  document.getElementById('matches-body').replaceChildren(...matches.map((m) => el('tr', {},
    el('td', {}, m.customerId), el('td', { class: 'num' }, String(m.matchingOrders)), el('td', {}, time(m.lastOrderAt)),
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => open(store, m.customerId) }, `Open ${m.customerId}`)))));
}

async function find(event) {
  event?.preventDefault();
  showError(error, null);
  say(null);
  const store = selectedStore();
  const by = document.getElementById('find-by').value;
  const value = document.getElementById('find-value').value.trim();
  if (!store) {
    showError(error, new Error('Pick a store first (top right).'));
    return;
  }
  if (!value) return;
  if (by === 'customer') {
    open(store, value);
    return;
  }
  try {
    const query = by === 'phone' ? `phone=${seg(value)}` : `orderId=${seg(value)}`;
    const matches = await api(`/api/stores/${seg(store)}/customers?${query}`);
    if (matches.length === 0) {
      current?.stop();
      current = null;
      document.getElementById('customer').hidden = true;
      document.getElementById('matches').hidden = true;
      say(`No customer of store ${store} matches ${by === 'phone' ? 'phone' : 'order'} ${value}.`);
    } else if (matches.length === 1) {
      open(store, matches[0].customerId);
    } else {
      showMatches(store, matches);
    }
  } catch (e) {
    showError(error, e);
  }
}

if (requireSignIn('console')) {
  const showStore = () => { document.getElementById('find-store').textContent = `in store ${selectedStore() || '(none)'}`; };
  showStore();
  window.addEventListener('storechange', () => {
    showStore();
    current?.stop();
    current = null;
    document.getElementById('customer').hidden = true;
    document.getElementById('matches').hidden = true;
  });
  document.getElementById('find-form').addEventListener('submit', find);
  document.getElementById('older').addEventListener('click', older);
  const customer = new URLSearchParams(location.search).get('customer');
  if (customer && selectedStore()) {
    document.getElementById('find-value').value = customer;
    open(selectedStore(), customer);
  }
}
