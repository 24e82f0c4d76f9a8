// `npm run demo`: the whole MarketBill story through the public REST edge of a running system
// (`npm run up` first), step by step, printing what each step did (tools/demo-story.ts): a florist
// signs up with the SMS code (read from the notifier's log, as on a local demo), applies to the demo
// wholesaler, who approves; browses priced flowers; fills the cart and orders; the wholesaler prices
// the order from the auction suggestions and issues the statement; the florist downloads the PDF;
// the admin reads the SMS log. The statement is issued inside a trace the story starts (W3C
// traceparent), and the demo checks through Jaeger's query API that the trace holds the edge,
// billing and the notifier, then prints its link in the trace viewer.
import fs from 'node:fs';
import path from 'node:path';
import { codeFromNotifierLog, runStory, until } from './demo-story.ts';
import { jaegerUrls } from './stack/jaeger.ts';
import { logPath, repoRoot, stackDir } from './stack/paths.ts';
import { servicePort } from './services.ts';

const edge = process.env.MB_EDGE_URL ?? `http://127.0.0.1:${servicePort('ordering')}`;
const traces = process.env.MB_JAEGER_QUERY_URL ?? jaegerUrls().uiUrl;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const secrets = JSON.parse(fs.readFileSync(path.join(stackDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  say(`MarketBill demo against ${edge}`);
  const result = await runStory({
    edge,
    demoPassword: secrets.DEMO_PASSWORD as string,
    smsCode: async (phone, since) => codeFromNotifierLog(fs.readFileSync(logPath('svc-notifier'), 'utf8'), phone, since),
    pdfDir: path.join(stackDir, 'demo'),
    say,
  });

  say('\n9. The statement’s trace in Jaeger: the edge → billing → the notifier');
  const services = await until(async () => {
    const response = await fetch(`${traces}/api/traces/${result.traceId}`);
    if (response.status !== 200) return undefined;
    const trace = ((await response.json()) as { data: Array<{ spans: Array<{ processID: string }>; processes: Record<string, { serviceName: string }> }> }).data[0];
    if (!trace) return undefined;
    const seen = new Set(trace.spans.map((s) => trace.processes[s.processID]?.serviceName));
    return ['ordering', 'billing', 'notifier'].every((n) => seen.has(n)) ? { names: [...seen], spans: trace.spans.length } : undefined;
  }, `trace ${result.traceId} with ordering, billing and notifier spans in Jaeger at ${traces} (were the services started by this npm run up, which points them at it?)`);
  say(`   ${services.spans} spans from ${services.names.join(', ')}`);
  say(`   ${traces}/trace/${result.traceId}`);
  say(`\nDone. The PDF: ${path.relative(repoRoot, result.pdfFile)}. Swagger UI: ${edge}/docs   Traces: ${traces}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n(is the system up? npm run up)\n`);
  process.exit(1);
});
