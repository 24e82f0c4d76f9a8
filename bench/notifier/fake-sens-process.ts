// The SENS-like server of the benchmark, in a process of its own so its work does not share the
// notifier's event loop (in production SENS is another machine). The parent talks to it over IPC:
// it sends 'stats' and gets counts back; 'stop' ends it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startFakeSensServer } = require('../../services/notifier/dist/testing/fake-sens-server.js');

const sens = await startFakeSensServer();
process.send?.({ kind: 'ready', url: sens.url, accessKey: sens.accessKey, secretKey: sens.secretKey, serviceId: sens.serviceId, from: sens.from });

process.on('message', async (message: { kind: string }) => {
  if (message.kind === 'stats') {
    const perNumber = new Map<string, number>();
    for (const m of sens.received) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
    let duplicates = 0;
    for (const n of perNumber.values()) if (n > 1) duplicates += n - 1;
    const times = sens.received.map((m: { at: number }) => m.at);
    process.send?.({
      kind: 'stats',
      received: sens.received.length,
      requests: sens.requests.length,
      distinctNumbers: perNumber.size,
      duplicates,
      firstAt: times.length ? Math.min(...times) : null,
      lastAt: times.length ? Math.max(...times) : null,
      sms: sens.received.filter((m: { type: string }) => m.type === 'SMS').length,
      lms: sens.received.filter((m: { type: string }) => m.type === 'LMS').length,
    });
  } else if (message.kind === 'reset') {
    sens.received.length = 0;
    sens.requests.length = 0;
    process.send?.({ kind: 'reset' });
  } else if (message.kind === 'stop') {
    await sens.close();
    process.exit(0);
  }
});
