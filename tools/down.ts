// `npm run down`: stops the services, then the local stack. Only processes this checkout started
// (recognised by pid file and command line) are signalled; data stays in .stack/.
import { stopStack } from './stack/index.ts';
import { stopJaeger } from './stack/jaeger.ts';
import { serviceNames, stopService } from './services.ts';

const log = (m: string) => process.stderr.write(`down: ${m}\n`);
for (const name of [...serviceNames].reverse()) await stopService(name, log);
await stopJaeger(log);
await stopStack();
log('stopped');
