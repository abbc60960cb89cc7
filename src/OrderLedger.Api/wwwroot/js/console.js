// The agents' workstation: the queue of every store the token covers (priority, wait, SLA state against the store's
// targets) with claim; a conversation's whole transcript with reply, claim, assign, hand-off, escalate, resolve and a
// work order to another department; the
// buyer beside it (profile, orders, conversations, parcels with interception, refunds with approval or rejection, the
// timeline). Every action is the command API with the user's token, and its answer is shown as the server gave it.
// Live: one loop every 2 s reloads the queue, the open conversation and the buyer's first timeline page (entries not
// shown yet are added on top, and the tables reloaded then).
import { api, dash, duration, el, every, money, requireSignIn, seg, selectedStore, session, showError, time } from './app.js';
import { languageSwitch, t, translatePage } from './i18n.js';

const POLL_MS = 2000;
const PAGE = 50;
const error = document.getElementById('error');
const message = document.getElementById('message');
const answer = document.getElementById('answer');
let current = null; // the buyer shown: { store, customer, shown: Set<key>, nextCursor, profile }
let conversation = null; // the conversation open: { id, store, summary, transcript }
let queue = [];

const entryKey = (e) => `${e.position.commit}.${e.position.prepare}`;
const kindOf = (e) => e.streamId.split('-')[0];
const stores = () => session()?.stores ?? [];
const storesLabel = () => (session()?.allStores && stores().length === 0 ? '*' : stores().join(', '));

function say(text) {
  message.hidden = !text;
  message.textContent = text ?? '';
}

function fill(table, rows) {
  const body = document.querySelector(`#${table} tbody`);
  const columns = document.querySelectorAll(`#${table} thead th`).length;
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colSpan: columns, class: 'muted' }, t('none')))]));
}

/** A TimeSpan as System.Text.Json writes it ("1.02:03:04.5"), in seconds. */
function spanSeconds(span) {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(span ?? '');
  if (!m) return null;
  const seconds = Number(m[2] ?? 0) * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
  return m[1] ? -seconds : seconds;
}

// ---- The server's answer to an action ------------------------------------------------------------------------------

function showAnswer(label, result, failure) {
  answer.hidden = false;
  answer.className = failure ? 'alert' : 'notice';
  answer.setAttribute('role', failure ? 'alert' : 'status');
  answer.dataset.state = failure ? 'error' : 'ok';
  const events = result?.events ?? [];
  const text = failure ? failure.message : events.length ? t('answer.ok', { events: events.map((e) => e.type).join(', ') }) : t('answer.nothing');
  answer.replaceChildren(el('strong', {}, `${label}: `), text);
}

/** Posts a command; shows what the server answered (recorded events, or its ProblemDetails) and reloads what it changes. */
async function act(label, path, body = {}) {
  try {
    const result = await api(path, { method: 'POST', body });
    showAnswer(label, result, null);
    await refresh();
    return true;
  } catch (e) {
    showAnswer(label, null, e);
    return false;
  }
}

// ---- Queue --------------------------------------------------------------------------------------------------------

async function loadQueue() {
  const lists = await Promise.all(stores().map((store) => api(`/api/stores/${seg(store)}/conversations/queue`)));
  // As the server serves each store's queue: VIP, urgent, normal; then escalated first; then the longest wait.
  queue = lists.flat().sort((a, b) => rank(a.conversation) - rank(b.conversation)
    || Number(b.conversation.escalated) - Number(a.conversation.escalated) || spanSeconds(b.waiting) - spanSeconds(a.waiting));
  renderQueue();
}

const PRIORITIES = ['vip', 'urgent', 'normal'];

function rank(c) {
  const i = PRIORITIES.indexOf(c.priority);
  return i < 0 ? PRIORITIES.length - 1 : i;
}

function priorityLabel(c) {
  const priority = PRIORITIES[rank(c)];
  return el('span', { class: `prio ${priority}${c.escalated ? ' high' : ''}` },
    c.escalated ? t('priority.escalatedAs', { priority: t(`priority.${priority}`) }) : t(`priority.${priority}`));
}

function slaState(q) {
  if (q.slaBreached) return ['breached', t('sla.breached')];
  if (q.slaAtRisk) return ['at-risk', t('sla.atRisk')];
  return ['ok', t('sla.ok')];
}

function renderQueue() {
  document.getElementById('queue-caption').textContent = t('queue.caption', { stores: storesLabel() });
  fill('queue', queue.map((q) => {
    const c = q.conversation;
    const [state, label] = slaState(q);
    return el('tr', { 'data-conversation': c.conversationId, class: conversation?.id === c.conversationId ? 'selected' : undefined },
      el('td', {}, priorityLabel(c)),
      el('td', {}, c.conversationId),
      el('td', {}, c.customerId),
      el('td', {}, c.storeId),
      el('td', { class: 'num' }, duration(spanSeconds(q.waiting))),
      el('td', {}, el('span', { class: `sla ${state}` }, label)),
      el('td', {}, c.assignedAgent ?? dash),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', 'aria-label': `${t('queue.claim')} ${c.conversationId}`,
          onclick: () => claim(c.conversationId, c.storeId, c.customerId) }, t('queue.claim')),
        el('button', { type: 'button', class: 'secondary', 'aria-label': `${t('queue.open')} ${c.conversationId}`,
          onclick: () => openConversation(c.storeId, c.conversationId, c.customerId) }, t('queue.open'))));
  }));
  if (!queue.length) fill('queue', [el('tr', {}, el('td', { colSpan: 8, class: 'muted' }, t('queue.empty')))]);
}

async function claim(id, store, customer) {
  await openConversation(store, id, customer);
  await act(t('queue.claim'), `/api/conversations/${seg(id)}/assignment`);
}

// ---- Conversation ---------------------------------------------------------------------------------------------------

async function openConversation(store, id, customer) {
  conversation = { id, store, summary: null, transcript: null };
  document.getElementById('conversation').hidden = false;
  document.getElementById('transcript').replaceChildren();
  await loadConversation();
  if (customer && (current?.customer !== customer || current?.store !== store)) await open(store, customer);
  renderQueue();
}

async function loadConversation() {
  const view = conversation;
  if (!view) return;
  const [summary, transcript] = await Promise.all([
    api(`/api/conversations/${seg(view.id)}`).catch(() => null),
    api(`/api/conversations/${seg(view.id)}/messages`),
  ]);
  if (view !== conversation) return;
  const grew = (transcript.entries.length) > (view.transcript?.entries.length ?? 0);
  view.summary = summary;
  view.transcript = transcript;
  renderConversation(grew);
}

function entryText(e) {
  if (e.kind === 'customer' || e.kind === 'bot' || e.kind === 'agent') return e.text;
  return t(`event.${e.kind}`, { text: e.text ?? '', author: e.author ?? '' });
}

function who(e) {
  if (e.kind === 'customer') return t('who.customer');
  if (e.kind === 'bot') return t('who.bot');
  if (e.kind === 'agent') return t('who.agent', { name: e.author ?? '' });
  return null;
}

function renderConversation(grew) {
  const view = conversation;
  document.getElementById('conversation-title').textContent = t('conv.title', { id: view.id });
  const s = view.summary;
  const facts = s ? [['conv.status', s.status], ['conv.mode', s.mode], ['conv.agent', s.assignedAgent ?? dash], ['conv.channel', s.channel], ['conv.order', s.orderId ?? dash],
    ['conv.category', t(`cls.cat.${s.category ?? 'unclassified'}`)], ['conv.complaint', t(s.isComplaint ? 'cls.yes' : 'cls.no')],
    ['conv.tags', s.tags?.length ? s.tags.join(', ') : dash]] : [];
  document.getElementById('conversation-facts').replaceChildren(...facts.flatMap(([key, value]) => [el('dt', {}, t(key)), el('dd', { 'data-fact': key }, value)]));
  if (s) fillClassification(view.id, s);
  const list = document.getElementById('transcript');
  const before = list.children.length;
  list.replaceChildren(...view.transcript.entries.map((e, i) => {
    const speaker = who(e);
    return el('li', { class: `${speaker ? 'msg' : 'note'} ${e.kind}${grew && before > 0 && i >= before ? ' fresh' : ''}`, 'data-kind': e.kind, 'data-revision': e.revision },
      speaker ? el('span', { class: 'who' }, speaker) : null,
      el('time', { dateTime: e.occurredAt }, time(e.occurredAt)),
      el('p', {}, entryText(e)));
  }));
  if (grew) list.lastElementChild?.scrollIntoView({ block: 'nearest' });
}

/** The form starts from the conversation's classification when a conversation opens; after that it is the agent's. */
function fillClassification(id, summary) {
  const form = document.getElementById('classify-form');
  if (form.dataset.conversation === id) return;
  form.dataset.conversation = id;
  // The read model spells categories in snake case (product_question), the command in Pascal case (ProductQuestion).
  const category = (summary.category ?? 'other').split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  document.getElementById('cls-category').value = category;
  document.getElementById('cls-complaint').checked = summary.isComplaint === true;
  document.getElementById('cls-tags').value = (summary.tags ?? []).join(', ');
}

function conversationAction(label, path, body) {
  if (!conversation) return Promise.resolve(false);
  return act(label, `/api/conversations/${seg(conversation.id)}/${path}`, body);
}

// ---- The buyer ------------------------------------------------------------------------------------------------------

function reasonField(id) {
  return el('input', { type: 'text', maxLength: 1000, class: 'reason', 'aria-label': t('action.reasonFor', { id }) });
}

function actionCell(...controls) {
  return el('td', { class: 'actions' }, controls);
}

async function loadTables(store, customer) {
  const base = `/api/stores/${seg(store)}/customers/${seg(customer)}`;
  const [orders, conversations, profile] = await Promise.all([api(`${base}/orders?limit=100`), api(`${base}/conversations?limit=100`), api(`${base}/profile`)]);
  renderProfile(profile);
  fill('orders', orders.map((o) => el('tr', { 'data-order': o.orderId },
    el('td', {}, o.orderId), el('td', {}, o.status), el('td', { class: 'num' }, money(o.total, o.currency)),
    el('td', { class: 'num' }, money(o.paid)), el('td', { class: 'num' }, money(o.refunded)),
    el('td', {}, o.shipmentStatus), afterSalesCell(o), el('td', {}, time(o.placedAt ?? o.rejectedAt)))));
  fill('conversations', conversations.map((c) => el('tr', { 'data-conversation': c.conversationId },
    el('td', {}, c.conversationId), el('td', {}, c.channel), el('td', {}, c.orderId ?? dash), el('td', {}, c.status),
    el('td', {}, c.assignedAgent ?? dash), el('td', { class: 'num' }, String(c.messages)),
    el('td', {}, [c.satisfaction, c.npsScore === null || c.npsScore === undefined ? null : `NPS ${c.npsScore}`].filter(Boolean).join(' · ') || dash),
    actionCell(el('button', { type: 'button', class: 'secondary', 'aria-label': `${t('action.openConversation')} ${c.conversationId}`,
      onclick: () => openConversation(store, c.conversationId, null) }, t('action.openConversation'))))));
  const recent = orders.slice(0, 20);
  const [parcels, refunds] = await Promise.all([
    Promise.all(recent.map((o) => api(`/api/orders/${seg(o.orderId)}/shipments`))),
    Promise.all(recent.map((o) => api(`/api/orders/${seg(o.orderId)}/refunds`))),
  ]);
  const settled = ['delivered', 'intercepted', 'returned_to_sender'];
  fill('parcels', parcels.flat().map((p) => {
    const reason = reasonField(p.shipmentId);
    return el('tr', { 'data-shipment': p.shipmentId },
      el('td', {}, p.shipmentId), el('td', {}, p.orderId), el('td', {}, p.status),
      el('td', {}, p.carrier ? `${p.carrier} ${p.trackingNumber ?? ''}`.trim() : dash),
      el('td', {}, p.lastScanAt ? `${p.lastScanLocation ?? ''} — ${p.lastScanStatus ?? ''} (${time(p.lastScanAt)})` : dash),
      el('td', {}, p.openExceptions.length ? p.openExceptions.join(', ') : dash),
      settled.includes(p.status) ? el('td', {}, dash) : actionCell(reason, el('button', { type: 'button', class: 'secondary', 'aria-label': `${t('action.intercept')} ${p.shipmentId}`,
        onclick: () => act(`${t('action.intercept')} ${p.shipmentId}`, `/api/shipments/${seg(p.shipmentId)}/interception`, { reason: reason.value }) }, t('action.intercept'))));
  }));
  fill('refunds', refunds.flat().map((r) => {
    const reason = reasonField(r.refundId);
    return el('tr', { 'data-refund': r.refundId },
      el('td', {}, r.refundId), el('td', {}, r.orderId), el('td', {}, r.kind), el('td', {}, r.status),
      el('td', { class: 'num' }, money(r.amount)), el('td', {}, r.dispute),
      r.status !== 'requested' ? el('td', {}, dash) : actionCell(
        el('button', { type: 'button', class: 'primary', 'aria-label': `${t('action.approve')} ${r.refundId}`,
          onclick: () => act(`${t('action.approve')} ${r.refundId}`, `/api/refunds/${seg(r.refundId)}/approval`) }, t('action.approve')),
        reason,
        el('button', { type: 'button', class: 'secondary', 'aria-label': `${t('action.reject')} ${r.refundId}`,
          onclick: () => act(`${t('action.reject')} ${r.refundId}`, `/api/refunds/${seg(r.refundId)}/rejection`, { reason: reason.value }) }, t('action.reject'))));
  }));
}

// Each parcel of the order as the orders read model keeps it: state, what it carries now (after amendments), what was
// taken out, what came back on hand; then the order's units restocked (refused parcels and passed returns together).
function afterSalesCell(order) {
  const parcels = order.parcels ?? [];
  if (!parcels.length) return el('td', {}, dash);
  const units = (list) => list.map((u) => `${u.sku} × ${u.quantity}`).join(', ') || dash;
  const items = parcels.map((p) => el('li', { 'data-parcel': p.shipmentId, 'data-state': p.state },
    [`${p.shipmentId}: ${t(`parcel.${p.state}`)}`, units(p.lines),
      p.removed.length ? t('parcel.removed', { units: units(p.removed) }) : null,
      p.restocked ? t('parcel.restocked', { units: p.restocked }) : null].filter(Boolean).join(' · ')));
  return el('td', {}, el('ul', { class: 'plain' }, items),
    order.unitsRestocked ? el('div', { 'data-fact': 'restocked' }, t('order.restocked', { units: order.unitsRestocked })) : null);
}

function renderProfile(profile) {
  if (current) current.profile = profile;
  const totals = (pick) => profile.totals.map((x) => money(pick(x), x.currency)).join(' · ') || dash;
  const rows = [
    ['buyer.name', profile.name ?? dash], ['buyer.phone', profile.phone ?? dash], ['buyer.address', profile.address ?? dash],
    ['buyer.orders', String(profile.orders)], ['buyer.paid', totals((x) => x.paid)], ['buyer.refunded', totals((x) => x.refunded)],
    ['buyer.conversations', `${profile.conversations} (${profile.openConversations})`], ['buyer.since', time(profile.firstOrderAt)],
    ['buyer.tier', tierText(profile.standing)],
    ['buyer.tags', (profile.tags ?? []).map((x) => `${x.tag} ×${x.conversations}`).join(' · ') || dash],
  ];
  document.getElementById('profile').replaceChildren(...rows.flatMap(([key, value]) => [el('dt', {}, t(key)), el('dd', { 'data-fact': key }, value)]));
}

/** The buyer's tier now, and why: the member level the store set, the 12 months' net paid against the store's VIP amount. */
function tierText(standing) {
  const why = [
    standing.memberLevel ? t('buyer.memberLevel', { level: standing.memberLevel }) : null,
    t('buyer.paid12', { paid: money(standing.paidLast12Months) })
      + (standing.vipMinPaidLast12Months === null ? '' : ` / ${money(standing.vipMinPaidLast12Months)}`),
  ].filter(Boolean).join(' · ');
  return `${t(`tier.${standing.tier}`)} (${why})`;
}

function timelineRow(e, fresh) {
  const audit = `/audit.html?${new URLSearchParams({ stream: e.streamId, revision: String(e.streamRevision) })}`;
  return el('tr', { 'data-key': entryKey(e), 'data-type': e.type, class: fresh ? 'fresh' : undefined },
    el('td', {}, el('time', { dateTime: e.occurredAt }, time(e.occurredAt))),
    el('td', {}, el('span', { class: `tag ${kindOf(e)}` }, e.type)),
    el('td', {}, e.summary),
    el('td', {}, e.orderId ?? dash),
    el('td', { class: 'muted' }, el('a', { href: audit }, `${e.streamId} @${e.streamRevision}`)));
}

let customerPoll = null;

/** One timeline poll at a time: the loop and an action's reload would otherwise both add the same new entries. */
function pollCustomer() {
  customerPoll ??= pollCustomerOnce().finally(() => { customerPoll = null; });
  return customerPoll;
}

async function pollCustomerOnce() {
  const view = current;
  if (!view) return;
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
    document.getElementById('older').hidden = true;
  }
  document.getElementById('live').textContent = t('live.status', { time: time(new Date().toISOString()), count: view.shown.size });
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

function hideBuyer() {
  current = null;
  document.getElementById('customer').hidden = true;
  document.getElementById('older').hidden = true;
}

/** Shows a buyer the store knows (their profile answers); an unknown one opens nothing and says so. */
async function open(store, customer, notFoundText) {
  let profile;
  try {
    profile = await api(`/api/stores/${seg(store)}/customers/${seg(customer)}/profile`);
  } catch (e) {
    hideBuyer();
    if (e.status === 404) say(notFoundText ?? t('find.none', { stores: store, what: t('find.what.customer'), value: customer }));
    else showError(error, e);
    return;
  }
  document.getElementById('matches').hidden = true;
  document.getElementById('customer').hidden = false;
  document.getElementById('older').hidden = true;
  document.getElementById('customer-title').textContent = t('buyer.title', { customer, store });
  for (const name of ['orders', 'conversations', 'parcels', 'refunds', 'timeline']) document.querySelector(`#${name} tbody`).replaceChildren();
  current = { store, customer, shown: new Set(), nextCursor: null, profile };
  renderProfile(profile);
  history.replaceState(null, '', `?${new URLSearchParams({ store, customer })}`);
  await pollCustomer().catch((e) => showError(error, e));
}

function showMatches(matches) {
  hideBuyer();
  document.getElementById('matches').hidden = false;
  document.getElementById('matches-body').replaceChildren(...matches.map((m) => el('tr', {},
    el('td', {}, m.customerId), el('td', {}, m.name ?? dash), el('td', {}, m.storeId),
    el('td', {}, m.matchedBy.map((k) => t(`find.what.${k}`)).join(', ')),
    el('td', { class: 'num' }, String(m.matchingOrders)), el('td', {}, time(m.lastOrderAt)),
    el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => open(m.storeId, m.customerId) }, t('matches.open', { customer: m.customerId }))))));
}

async function find(event) {
  event?.preventDefault();
  showError(error, null);
  say(null);
  const by = document.getElementById('find-by').value;
  const value = document.getElementById('find-value').value.trim();
  if (stores().length === 0 && !selectedStore()) {
    showError(error, new Error(t('find.pickStore')));
    return;
  }
  if (!value) return;
  try {
    const hits = await api(`/api/customers?q=${seg(value)}`);
    const matches = by === 'any' ? hits : hits.filter((h) => h.matchedBy.includes(by));
    if (matches.length === 0) {
      hideBuyer();
      document.getElementById('matches').hidden = true;
      say(by === 'any' ? t('find.noneAny', { stores: storesLabel(), value }) : t('find.none', { stores: storesLabel(), what: t(`find.what.${by}`), value }));
    } else if (matches.length === 1) {
      await open(matches[0].storeId, matches[0].customerId);
    } else {
      showMatches(matches);
    }
  } catch (e) {
    showError(error, e);
  }
}

/** What the loop reloads, and what an action reloads at once. */
async function refresh() {
  try {
    await Promise.all([loadQueue(), loadConversation(), pollCustomer()]);
    showError(error, null);
  } catch (e) {
    showError(error, e);
  }
}

function wireConversationActions() {
  document.getElementById('reply-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = document.getElementById('reply-text');
    if (await conversationAction(t('conv.send'), 'agent-replies', { text: text.value })) text.value = '';
  });
  document.getElementById('claim').addEventListener('click', () => conversationAction(t('conv.claim'), 'assignment'));
  document.getElementById('resolve').addEventListener('click', () => conversationAction(t('conv.resolve'), 'resolution'));
  document.getElementById('assign').addEventListener('click', () =>
    conversationAction(t('conv.assign'), 'assignment', { agentId: document.getElementById('assign-to').value }));
  document.getElementById('handoff').addEventListener('click', () => conversationAction(t('conv.handoff'), 'handoff', { reason: document.getElementById('reason').value }));
  document.getElementById('escalate').addEventListener('click', () => conversationAction(t('conv.escalate'), 'escalation', { reason: document.getElementById('reason').value }));
  document.getElementById('work-order-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const summary = document.getElementById('wo-summary');
    // The ticket id is the caller's: one per submission, so a retried request opens nothing twice.
    const ticketId = `wo-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const body = { ticketId, department: document.getElementById('wo-department').value.trim(), summary: summary.value };
    if (await conversationAction(t('wo.open'), 'work-orders', body)) summary.value = '';
  });
  document.getElementById('classify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const tags = document.getElementById('cls-tags').value.split(',').map((tag) => tag.trim()).filter((tag) => tag.length > 0);
    conversationAction(t('cls.save'), 'classification',
      { category: document.getElementById('cls-category').value, isComplaint: document.getElementById('cls-complaint').checked, tags });
  });
  document.getElementById('conversation-close').addEventListener('click', () => {
    conversation = null;
    document.getElementById('conversation').hidden = true;
    renderQueue();
  });
}

if (requireSignIn('console')) {
  document.querySelector('header.top .who')?.prepend(languageSwitch());
  translatePage();
  const showStores = () => { document.getElementById('find-store').textContent = t('find.stores', { stores: storesLabel() }); };
  showStores();
  window.addEventListener('langchange', () => {
    showStores();
    renderQueue();
    if (conversation?.transcript) renderConversation(false);
    if (current?.profile) {
      renderProfile(current.profile);
      document.getElementById('customer-title').textContent = t('buyer.title', { customer: current.customer, store: current.store });
    }
  });
  window.addEventListener('pollingstopped', () => document.getElementById('live').classList.add('stopped'));
  document.getElementById('find-form').addEventListener('submit', find);
  document.getElementById('older').addEventListener('click', older);
  wireConversationActions();
  const params = new URLSearchParams(location.search);
  const customer = params.get('customer');
  const store = params.get('store') ?? selectedStore();
  if (customer && store) {
    document.getElementById('find-value').value = customer;
    open(store, customer);
  }
  every(POLL_MS, refresh);
}
