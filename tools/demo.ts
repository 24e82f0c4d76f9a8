// `npm run demo`: the whole MarketBill story through the public REST edge of a running system
// (`npm run up` first), step by step, printing what each step did:
//   a florist signs up with the SMS code (read from the notifier's log, as on a local demo), applies
//   to the demo wholesaler, who approves; browses priced flowers; fills the cart and orders; the
//   wholesaler prices the order from the auction suggestions and issues the statement; the florist
//   downloads the PDF; the admin reads the SMS log. The statement is issued inside a trace the demo
//   starts (W3C traceparent), and the demo checks through Jaeger's query API that the trace holds the
//   edge, billing and the notifier, then prints its link in the trace viewer.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { logPath, repoRoot, stackDir } from './stack/paths.ts';
import { jaegerUrls } from './stack/jaeger.ts';
import { servicePort } from './services.ts';

const edge = process.env.MB_EDGE_URL ?? `http://127.0.0.1:${servicePort('ordering')}`;
const traces = process.env.MB_JAEGER_QUERY_URL ?? jaegerUrls().uiUrl;
const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (n: number, title: string) => say(`\n${n}. ${title}`);

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of the edge, printed and picked apart
}

async function call(method: string, url: string, options: { token?: string; body?: unknown; key?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${edge}${url}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.key ? { 'idempotency-key': randomUUID() } : {}),
      ...(options.headers ?? {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const answer = { status: response.status, body: text ? JSON.parse(text) : undefined };
  if (response.status >= 400) throw new Error(`${method} ${url} → ${response.status} ${answer.body?.code ?? ''}: ${answer.body?.detail ?? text}`);
  return answer;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The code as the log provider printed it (APP_ENV=local shows the full text of each SMS). */
function codeFromNotifierLog(phone: string, since: number): string | undefined {
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  const lines = fs.readFileSync(logPath('svc-notifier'), 'utf8').split('\n').reverse();
  for (const line of lines) {
    if (!line.includes('"verification-code"') || !line.includes(masked)) continue;
    const entry = JSON.parse(line) as { time: string; text: string };
    if (Date.parse(entry.time) < since) continue;
    return /(\d{6})/.exec(entry.text)?.[1];
  }
  return undefined;
}

const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;

async function main(): Promise<void> {
  const secrets = JSON.parse(fs.readFileSync(path.join(stackDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const demoPassword = `${secrets.DEMO_PASSWORD}-7a`;
  say(`MarketBill demo against ${edge}`);

  step(1, 'A florist signs up with the SMS code');
  const phone = `010${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
  const since = Date.now() - 1_000;
  const started = await call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
  const code = await until(async () => codeFromNotifierLog(phone, since), 'the SMS code in .stack/logs/svc-notifier.log');
  say(`   code ${code} (from the notifier's log provider) for ${phone}`);
  const password = `florist-${randomBytes(4).toString('hex')}9`;
  const signedUp = await call('POST', '/v1/auth/sign-up', {
    body: { verificationId: started.body.verificationId, code, phone, name: `데모꽃집${phone.slice(-4)}`, password, role: 'RETAILER' },
  });
  const florist = signedUp.body.tokens.accessToken as string;
  say(`   signed up as ${signedUp.body.account.name} (${signedUp.body.account.role})`);

  step(2, 'The florist applies to the demo wholesaler, who approves');
  const owner = (await call('POST', '/v1/auth/sign-in', { body: { phone: '01098765432', password: demoPassword } })).body.accessToken as string;
  const wholesalers = await call('GET', '/v1/wholesalers?q=양재', { token: florist });
  const wholesaler = wholesalers.body.items[0];
  const applied = await call('POST', '/v1/connections', { token: florist, body: { wholesalerId: wholesaler.id }, key: true });
  await call('POST', `/v1/connections/${applied.body.id}/decision`, { token: owner, body: { decision: 'CONFIRMED' } });
  say(`   ${wholesaler.name}: connection ${applied.body.id} CONFIRMED`);

  step(3, 'Browse roses with their latest auction prices');
  const roses = await until(async () => {
    const page = await call('GET', '/v1/catalog/varieties?q=장미&sort=-lastAuctionDate&size=5', { token: florist });
    return page.body.items.filter((v: { latestAvgPrice: number | null }) => v.latestAvgPrice).length > 0 ? page.body.items : undefined;
  }, 'priced roses in the catalog (the synthetic auction days are being imported)');
  for (const v of roses) say(`   ${v.itemName} ${v.name.padEnd(12)} last auction ${v.lastAuctionDate}  avg ${v.latestAvgPrice ? won(v.latestAvgPrice) : '-'}`);
  const rose = roses.find((v: { latestAvgPrice: number | null }) => v.latestAvgPrice);
  const detail = await call('GET', `/v1/catalog/varieties/${rose.id}`, { token: florist });
  for (const p of detail.body.latestPrices.slice(0, 3)) {
    say(`   ${rose.name} ${p.grade}: min ${won(p.minPrice)} avg ${won(p.avgPrice)} max ${won(p.maxPrice)} (${p.saleDate}${p.avgChange === null ? '' : `, ${p.avgChange >= 0 ? '+' : ''}${won(p.avgChange)} vs previous`})`);
  }

  step(4, 'Fill the cart and order');
  await until(async () => (await call('POST', `/v1/carts/${wholesaler.id}/lines`, { token: florist, body: { varietyId: rose.id, grade: 'UPPER', quantity: 20 } })).body, 'the variety at the edge');
  await call('POST', `/v1/carts/${wholesaler.id}/lines`, { token: florist, body: { varietyId: rose.id, grade: 'MIDDLE', quantity: 10, memo: '줄기 길게' } });
  const order = (await call('POST', '/v1/orders', { token: florist, body: { wholesalerId: wholesaler.id }, key: true })).body;
  say(`   order ${order.number}: ${order.lines.length} lines, unpriced`);

  step(5, 'The wholesaler prices the order from the auction suggestions');
  const suggestions = await call('GET', `/v1/orders/${order.id}/price-suggestions`, { token: owner });
  const lines = order.lines.map((l: { id: string }) => ({ lineId: l.id, unitPrice: suggestions.body.items.find((s: { lineId: string }) => s.lineId === l.id)?.suggestion?.unitPrice ?? 10_000 }));
  const priced = (await call('PATCH', `/v1/orders/${order.id}/prices`, { token: owner, body: { lines } })).body;
  for (const l of priced.lines) say(`   ${l.itemName} ${l.varietyName} ${l.grade}: ${l.quantity} × ${won(l.unitPrice)} = ${won(l.amount)}`);
  say(`   total ${won(priced.total)}`);

  step(6, 'The wholesaler issues the statement (거래명세서)');
  // In a trace of our own, so we can find it in Jaeger: the edge continues the caller's traceparent.
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const statement = (await call('POST', '/v1/statements', { token: owner, body: { orderIds: [order.id] }, key: true, headers: { traceparent } })).body;
  say(`   statement ${statement.number} v${statement.version}: 합계 ${won(statement.total)}, 잔액 ${won(statement.balance)}, ${statement.pages} page(s)`);

  step(7, 'The florist downloads the PDF');
  const link = (await call('GET', `/v1/statements/${statement.id}/download`, { token: florist })).body;
  const pdf = Buffer.from(await (await fetch(link.url)).arrayBuffer());
  const file = path.join(stackDir, 'demo', `statement-${statement.number}-v${statement.version}.pdf`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, pdf);
  say(`   ${pdf.length} bytes → ${path.relative(repoRoot, file)} (link valid until ${link.expiresAt})`);

  step(8, 'The admin reads the SMS log');
  const admin = (await call('POST', '/v1/auth/sign-in', { body: { phone: '01000000001', password: demoPassword } })).body.accessToken as string;
  const deliveries = await until(async () => {
    const page = await call('GET', '/v1/admin/sms-deliveries?size=20', { token: admin });
    return page.body.items.some((d: { template: string }) => d.template === 'statement-issued') ? page.body.items : undefined;
  }, 'the statement SMS in the delivery log');
  for (const d of deliveries.slice(0, 8)) say(`   ${d.createdAt}  ${d.template.padEnd(22)} ${d.recipient}  ${d.type}  ${d.status}`);
  step(9, 'The statement’s trace in Jaeger: the edge → billing → the notifier');
  const services = await until(async () => {
    const response = await fetch(`${traces}/api/traces/${traceId}`);
    if (response.status !== 200) return undefined;
    const trace = ((await response.json()) as { data: Array<{ spans: Array<{ processID: string; operationName: string }>; processes: Record<string, { serviceName: string }> }> }).data[0];
    if (!trace) return undefined;
    const seen = new Set(trace.spans.map((s) => trace.processes[s.processID]?.serviceName));
    return ['ordering', 'billing', 'notifier'].every((n) => seen.has(n)) ? { names: [...seen], spans: trace.spans.length } : undefined;
  }, `trace ${traceId} with ordering, billing and notifier spans in Jaeger at ${traces} (were the services started by this npm run up, which points them at it?)`);
  say(`   ${services.spans} spans from ${services.names.join(', ')}`);
  say(`   ${traces}/trace/${traceId}`);
  say('\nDone. Swagger UI: ' + `${edge}/docs` + `   Traces: ${traces}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n(is the system up? npm run up)\n`);
  process.exit(1);
});
