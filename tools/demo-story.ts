// The MarketBill story through the public REST edge, step by step, shared by `npm run demo` (the
// local system of `npm run up`) and `npm run cluster` (the system on a kind cluster). What differs
// between the two is passed in: where the edge is, where the SMS code can be read (the notifier's
// log provider prints it: a log file locally, the pod's log in the cluster) and the demo password.
//   1 a florist signs up with the SMS code   2 applies to the demo wholesaler, who approves
//   3 browses roses with auction prices      4 fills the cart and orders
//   5 the wholesaler prices the order         6 issues the statement (inside a trace we start)
//   7 the florist downloads the PDF           8 the admin reads the SMS log
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type StoryOptions = {
  /** Base URL of the REST edge, e.g. http://127.0.0.1:8080. */
  edge: string;
  /** DEMO_PASSWORD the demo accounts were seeded with (seed-demo appends "-7a"). */
  demoPassword: string;
  /** The verification code the notifier sent to `phone` after `since` (ms), or undefined (yet). */
  smsCode: (phone: string, since: number) => Promise<string | undefined>;
  /** Where the statement PDF is written. */
  pdfDir: string;
  say: (line: string) => void;
  /** A step heading; defaults to printing "n. title". */
  step?: (n: number, title: string) => void;
};

export type StoryResult = {
  statement: { id: string; number: string; version: number; total: number };
  pdfFile: string;
  pdfBytes: number;
  /** The W3C trace id the statement was issued in (the edge → billing → notifier trace). */
  traceId: string;
  smsTemplates: string[];
};

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of the edge, printed and picked apart
}

/**
 * The verification code as the notifier's log provider printed it (APP_ENV=local shows the full
 * text of each SMS): the newest line for the masked `phone` written after `since`.
 */
export function codeFromNotifierLog(text: string, phone: string, since: number): string | undefined {
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  for (const line of text.split('\n').reverse()) {
    if (!line.includes('"verification-code"') || !line.includes(masked)) continue;
    const entry = JSON.parse(line) as { time: string; text: string };
    if (Date.parse(entry.time) < since) continue;
    return /(\d{6})/.exec(entry.text)?.[1];
  }
  return undefined;
}

const won = (n: number) => `${n.toLocaleString('ko-KR')}원`;

export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runStory(o: StoryOptions): Promise<StoryResult> {
  const say = o.say;
  const step = o.step ?? ((n: number, title: string) => say(`\n${n}. ${title}`));

  async function call(method: string, url: string, options: { token?: string; body?: unknown; key?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    const response = await fetch(`${o.edge}${url}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.key ? { 'idempotency-key': randomUUID() } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const answer = { status: response.status, body: text ? JSON.parse(text) : undefined };
    if (response.status >= 400) throw new Error(`${method} ${url} → ${response.status} ${answer.body?.code ?? ''}: ${answer.body?.detail ?? text}`);
    return answer;
  }

  const demoPassword = `${o.demoPassword}-7a`;

  step(1, 'A florist signs up with the SMS code');
  const phone = `010${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, '0')}`;
  const since = Date.now() - 1_000;
  const started = await call('POST', '/v1/auth/verifications', { body: { phone, purpose: 'SIGN_UP' } });
  const code = await until(() => o.smsCode(phone, since), "the SMS code in the notifier's log");
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
  const roses = await until(
    async () => {
      const page = await call('GET', '/v1/catalog/varieties?q=장미&sort=-lastAuctionDate&size=5', { token: florist });
      return page.body.items.filter((v: { latestAvgPrice: number | null }) => v.latestAvgPrice).length > 0 ? page.body.items : undefined;
    },
    'priced roses in the catalog (the synthetic auction days are being imported)',
    180_000,
  );
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
  // Inside a trace we start here, so the edge → billing → notifier trace can be looked up by its id.
  const traceId = randomBytes(16).toString('hex');
  const statement = (
    await call('POST', '/v1/statements', {
      token: owner,
      body: { orderIds: [order.id] },
      key: true,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    })
  ).body;
  say(`   statement ${statement.number} v${statement.version}: 합계 ${won(statement.total)}, 잔액 ${won(statement.balance)}, ${statement.pages} page(s)`);
  say(`   trace ${traceId}`);

  step(7, 'The florist downloads the PDF');
  const link = (await call('GET', `/v1/statements/${statement.id}/download`, { token: florist })).body;
  const response = await fetch(link.url);
  if (!response.ok) throw new Error(`GET ${link.url} → ${response.status}: ${await response.text()}`);
  const pdf = Buffer.from(await response.arrayBuffer());
  if (pdf.subarray(0, 5).toString() !== '%PDF-') throw new Error(`${link.url} did not return a PDF`);
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  if (statement.document?.sha256 && statement.document.sha256 !== sha256) throw new Error(`the downloaded PDF's sha256 ${sha256} is not the statement's ${statement.document.sha256}`);
  const file = path.join(o.pdfDir, `statement-${statement.number}-v${statement.version}.pdf`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, pdf);
  say(`   ${pdf.length} bytes from ${new URL(link.url).origin} → ${file} (link valid until ${link.expiresAt})`);

  step(8, 'The admin reads the SMS log');
  const admin = (await call('POST', '/v1/auth/sign-in', { body: { phone: '01000000001', password: demoPassword } })).body.accessToken as string;
  const deliveries = await until(async () => {
    const page = await call('GET', '/v1/admin/sms-deliveries?size=20', { token: admin });
    return page.body.items.some((d: { template: string }) => d.template === 'statement-issued') ? page.body.items : undefined;
  }, 'the statement SMS in the delivery log');
  for (const d of deliveries.slice(0, 8)) say(`   ${d.createdAt}  ${d.template.padEnd(22)} ${d.recipient}  ${d.type}  ${d.status}`);

  return {
    statement: { id: statement.id, number: statement.number, version: statement.version, total: statement.total },
    pdfFile: file,
    pdfBytes: pdf.length,
    traceId,
    smsTemplates: [...new Set<string>(deliveries.map((d: { template: string }) => d.template))],
  };
}
