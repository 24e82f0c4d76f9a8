// `npm run demo`: the whole MarketBill story through the public REST edge of a running system
// (`npm run up` first), step by step, printing what each step did (tools/demo-story.ts): a florist
// signs up with the SMS code (read from the notifier's log, as on a local demo), applies to the demo
// wholesaler, who approves; browses priced flowers; fills the cart and orders; the wholesaler prices
// the order from the auction suggestions and issues the statement; the florist downloads the PDF;
// the admin reads the SMS log.
import fs from 'node:fs';
import path from 'node:path';
import { codeFromNotifierLog, runStory } from './demo-story.ts';
import { logPath, repoRoot, stackDir } from './stack/paths.ts';
import { servicePort } from './services.ts';

const edge = process.env.MB_EDGE_URL ?? `http://127.0.0.1:${servicePort('ordering')}`;
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
  say(`\nDone. The PDF: ${path.relative(repoRoot, result.pdfFile)}. Swagger UI: ${edge}/docs`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n(is the system up? npm run up)\n`);
  process.exit(1);
});
