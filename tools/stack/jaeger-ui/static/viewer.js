// MarketBill's trace viewer: search traces by service, and show one trace's spans as a waterfall,
// from Jaeger's query API (/api/services, /api/traces, /api/traces/{id}). No build step, no
// dependencies: Jaeger serves this file as it is (ui.assets_path in tools/stack/jaeger.ts).
'use strict';

const main = document.getElementById('main');
const palette = ['#2f6fd6', '#d6572f', '#2e9e63', '#9b4fd1', '#c49a1b', '#1b9bb0', '#c23f7a', '#6b7a1b'];
const colours = new Map();
const colourOf = (service) => {
  if (!colours.has(service)) colours.set(service, palette[colours.size % palette.length]);
  return colours.get(service);
};
const ms = (micros) => (micros >= 1000 ? `${(micros / 1000).toFixed(micros >= 100000 ? 0 : 1)} ms` : `${micros} µs`);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'style') Object.assign(node.style, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
};

async function api(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok || (body.errors && body.errors.length)) throw new Error((body.errors && body.errors[0] && body.errors[0].msg) || `HTTP ${response.status}`);
  return body.data;
}

function show(...nodes) {
  main.replaceChildren(...nodes);
}

function fail(error) {
  show(el('p', { class: 'error' }, `Could not load: ${error.message}`));
}

// ── one trace ──────────────────────────────────────────────────────────────────────────────────────
async function showTrace(traceId) {
  document.getElementById('raw').href = `api/traces/${traceId}`;
  show(el('p', {}, `Loading trace ${traceId}…`));
  let data;
  try {
    data = await api(`api/traces/${traceId}`);
  } catch (error) {
    return fail(error);
  }
  const trace = data && data[0];
  if (!trace) return show(el('p', { class: 'error' }, `Trace ${traceId} is not (yet) in Jaeger. Spans arrive in batches a few seconds after they end: reload shortly.`));
  const service = (span) => trace.processes[span.processID].serviceName;
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const parentOf = (s) => (s.references.find((r) => r.refType === 'CHILD_OF' && byId.has(r.spanID)) || {}).spanID;
  const children = new Map();
  for (const s of trace.spans) {
    const p = parentOf(s);
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(s);
  }
  for (const list of children.values()) list.sort((a, b) => a.startTime - b.startTime);
  const ordered = [];
  const walk = (parent, depth) => {
    for (const s of children.get(parent) || []) {
      ordered.push({ span: s, depth });
      walk(s.spanID, depth + 1);
    }
  };
  walk(undefined, 0);
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const total = Math.max(end - start, 1);
  // In the order the trace reaches them (depth-first from the root), e.g. ordering → billing → notifier.
  const services = [...new Set(ordered.map(({ span }) => service(span)))];
  const rows = [];
  for (const { span, depth } of ordered) {
    const svc = service(span);
    const left = ((span.startTime - start) / total) * 100;
    const width = (span.duration / total) * 100;
    const error = span.tags.some((t) => t.key === 'error' && t.value === true) || span.tags.some((t) => t.key === 'otel.status_code' && t.value === 'ERROR');
    const details = el('tr', { class: 'details', hidden: '' }, el('td', { colspan: '3' }, el('code', {}, JSON.stringify({ spanID: span.spanID, tags: Object.fromEntries(span.tags.map((t) => [t.key, t.value])), logs: span.logs }, null, 2))));
    rows.push(
      el(
        'tr',
        { class: 'span-row', 'data-service': svc, onclick: () => details.toggleAttribute('hidden') },
        el('td', {}, el('div', { class: 'span-name', style: { paddingLeft: `${depth * 1.2}em` } }, el('span', { class: 'service', style: { color: colourOf(svc) } }, svc), ' ', el('span', { class: error ? 'error' : '' }, span.operationName))),
        el('td', {}, ms(span.duration)),
        el('td', {}, el('div', { class: 'timeline' }, el('div', { class: 'bar', style: { left: `${left}%`, width: `${width}%`, background: colourOf(svc) } }))),
      ),
      details,
    );
  }
  show(
    el('div', { class: 'trace-head' }, el('h1', {}, ordered.length ? `${service(ordered[0].span)}: ${ordered[0].span.operationName}` : traceId), el('p', { class: 'meta' }, `Trace ${traceId} · ${trace.spans.length} spans · ${services.join(' → ')} · ${ms(total)} · started ${new Date(start / 1000).toLocaleString()}`)),
    el('table', { id: 'spans' }, el('thead', {}, el('tr', {}, el('th', {}, 'Service and operation'), el('th', {}, 'Duration'), el('th', {}, 'Timeline'))), el('tbody', {}, rows)),
  );
}

// ── search ─────────────────────────────────────────────────────────────────────────────────────────
async function fillServices(selected) {
  const select = document.querySelector('#search select[name=service]');
  try {
    const services = ((await api('api/services')) || []).sort();
    select.replaceChildren(...services.map((s) => el('option', s === selected ? { selected: '' } : {}, s)));
  } catch (error) {
    fail(error);
  }
}

async function showSearch(params) {
  await fillServices(params.get('service'));
  const service = params.get('service');
  if (!service) return show(el('p', {}, 'Pick a service and find its traces, or open a trace by id.'));
  document.getElementById('raw').href = `api/traces?${params}`;
  let traces;
  try {
    traces = (await api(`api/traces?service=${encodeURIComponent(service)}&lookback=${encodeURIComponent(params.get('lookback') || '1h')}&limit=50`)) || [];
  } catch (error) {
    return fail(error);
  }
  const needle = (params.get('operation') || '').toLowerCase();
  const rows = traces
    .map((t) => {
      const root = t.spans.find((s) => !s.references.some((r) => r.refType === 'CHILD_OF')) || t.spans[0];
      const start = Math.min(...t.spans.map((s) => s.startTime));
      const end = Math.max(...t.spans.map((s) => s.startTime + s.duration));
      return { t, root, start, duration: end - start, services: [...new Set(t.spans.map((s) => t.processes[s.processID].serviceName))] };
    })
    .filter((r) => !needle || r.t.spans.some((s) => s.operationName.toLowerCase().includes(needle)))
    .sort((a, b) => b.start - a.start);
  show(
    el('table', { id: 'traces' }, el('thead', {}, el('tr', {}, el('th', {}, 'Started'), el('th', {}, 'Root operation'), el('th', {}, 'Services'), el('th', {}, 'Spans'), el('th', {}, 'Duration'))),
      el('tbody', {}, rows.map((r) => el('tr', {}, el('td', {}, new Date(r.start / 1000).toLocaleString()), el('td', {}, el('a', { href: `trace/${r.t.traceID}` }, `${r.t.processes[r.root.processID].serviceName}: ${r.root.operationName}`)), el('td', {}, r.services.join(', ')), el('td', {}, r.t.spans.length), el('td', {}, ms(r.duration)))))),
    el('p', { class: 'meta' }, `${rows.length} trace(s).`),
  );
}

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  location.href = `search?${new URLSearchParams([...form.entries()].filter(([, v]) => v))}`;
});
document.getElementById('open').addEventListener('submit', (event) => {
  event.preventDefault();
  location.href = `trace/${new FormData(event.target).get('traceId').toLowerCase()}`;
});

const traceMatch = /\/trace\/([0-9a-fA-F]{16,32})\/?$/.exec(location.pathname);
if (traceMatch) {
  fillServices();
  showTrace(traceMatch[1].toLowerCase());
} else {
  showSearch(new URLSearchParams(location.search));
}
