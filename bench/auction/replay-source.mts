// The replay source on its own: auction-ingest's synthetic aT server (the same model of the aT
// server and the same generator the service embeds) in a process of its own, so a benchmark can
// charge its CPU to the source rather than to the backfill. Prints its URL on stdout.
//
//   node bench/auction/replay-source.mts      (needs `npx tsc -b` first: it runs the built code)
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { startReplayServer } = require(path.resolve(import.meta.dirname, '../../services/auction-ingest/dist/clients/replay-server.js')) as {
  startReplayServer(options: { seed: string; rowsPerDay: number; varietiesPerCategory: number }): Promise<{ url: string; serviceKey: string; close(): Promise<void> }>;
};

// The service's defaults (config.ts: REPLAY_SEED, REPLAY_ROWS_PER_DAY, REPLAY_VARIETIES_PER_CATEGORY).
const server = await startReplayServer({ seed: process.env.REPLAY_SEED ?? 'marketbill-synthetic-v1', rowsPerDay: 1000, varietiesPerCategory: 1500 });
process.stdout.write(`${server.url} ${server.serviceKey}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
