// `npm run status`: what runs, where, and its log.
import { stackStatus } from './stack/index.ts';
import { jaegerStatus } from './stack/jaeger.ts';
import { logPath } from './stack/paths.ts';
import { serviceNames, servicePort, serviceRunning } from './services.ts';

const rows = [...(await stackStatus()), await jaegerStatus()].map((r) => [r.component, r.state, r.pid ? String(r.pid) : '-', r.address, r.log]);
for (const name of serviceNames) {
  const pid = serviceRunning(name);
  rows.push([name, pid ? 'running' : 'stopped', pid ? String(pid) : '-', `http://127.0.0.1:${servicePort(name)}`, logPath(`svc-${name}`).replace(`${process.cwd()}/`, '')]);
}
const table = [['COMPONENT', 'STATE', 'PID', 'ADDRESS', 'LOG'], ...rows];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const row of table) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
