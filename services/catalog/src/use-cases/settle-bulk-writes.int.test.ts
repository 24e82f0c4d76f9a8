import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLogger, createOrm, migrate, type Orm } from '@marketbill/platform';
import { messagingMigrations, OutboxMessageSchema } from '@marketbill/messaging';
import { dropSchema, query, serviceDatabase, stackEnv, uniqueName, waitFor } from '@marketbill/testing';
import { entities } from '../data-access/entities';
import { migrations } from '../data-access/migrations';
import { tableWrites } from '../data-access/table-upkeep-repository';
import { searchGramsOf } from '../domain/search-text';
import { createSettleJob } from '../entry-points/schedule/settle-job';
import { settleBulkWrites } from './settle-bulk-writes';

jest.setTimeout(60_000);
const env = stackEnv();
const schema = uniqueName('cat_settle');
let orm: Orm;

beforeAll(async () => {
  const { url } = await serviceDatabase(env.DATABASE_URL, 'catalog', schema);
  orm = await createOrm({ url, schema, entities: [OutboxMessageSchema, ...entities], migrations: [...messagingMigrations, ...migrations] });
  await migrate(orm, url);
  // Autovacuum stays out of this schema's way: the test says who settled the table.
  await query(env.DATABASE_URL, `alter table "${schema}".variety set (autovacuum_enabled = false)`);
});

afterAll(async () => {
  await orm.close();
  await dropSchema(env.DATABASE_URL, schema);
});

/** A bulk write as an import makes it: 1,000 varieties, then every summary updated once. */
async function bulkWrite(): Promise<void> {
  const item = randomUUID();
  await query(env.DATABASE_URL, `insert into "${schema}".item (id, category, name, search_name, chosung_name) values ($1, 'CUT_FLOWER', '장미', '장미', 'ㅈㅁ') on conflict do nothing`, [item]);
  const names = Array.from({ length: 1_000 }, (_, i) => `품종${i}`);
  await query(
    env.DATABASE_URL,
    `insert into "${schema}".variety (id, item_id, category, item_name, name, search_item, search_name, chosung_item, chosung_name, search_grams)
     select gen_random_uuid(), $1, 'CUT_FLOWER', '장미', n, '장미', n, 'ㅈㅁ', 'ㅍㅈ', array(select jsonb_array_elements_text(g))
       from jsonb_to_recordset($2::jsonb) as x(n text, g jsonb)`,
    [item, JSON.stringify(names.map((n) => ({ n, g: searchGramsOf('장미', n) })))],
  );
  await query(env.DATABASE_URL, `update "${schema}".variety set last_auction_date = date '2026-11-25', latest_avg_price = 10000 where item_id = $1`, [item]);
}

const lastVacuum = async () =>
  (await query<{ last_vacuum: Date | null }>(env.DATABASE_URL, `select last_vacuum from pg_stat_user_tables where schemaname = $1 and relname = 'variety'`, [schema]))[0]?.last_vacuum ?? null;

describe('settling the search tables after a bulk write', () => {
  it('keeps the search index pending list a few pages long (migration 0002)', async () => {
    const rows = await query<{ reloptions: string[] | null }>(env.DATABASE_URL, `select c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = 'variety_search_grams_idx'`, [schema]);
    expect(rows[0]?.reloptions).toContain('gin_pending_list_limit=64');
  });

  it('vacuums and analyzes the varieties once the write is over, and leaves them alone afterwards', async () => {
    await bulkWrite();
    // Postgres counts a backend's writes when it goes idle (within a second).
    await waitFor(async () => ((await tableWrites(orm.em.fork())).variety?.dead ?? 0) >= 1_000, { timeoutMs: 15_000 });
    expect(await lastVacuum()).toBeNull();

    const first = await settleBulkWrites(orm.em.fork(), undefined);
    expect(first.settled).toEqual([{ table: 'variety', how: 'vacuum', rows: expect.any(Number) }]);
    expect(first.counters.variety).toMatchObject({ dead: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0, live: 1_000 });
    expect(await lastVacuum()).not.toBeNull();

    const second = await settleBulkWrites(orm.em.fork(), first.counters);
    expect(second.settled).toEqual([]);
  });

  it('runs as the catalog process job: a bulk write by anyone is settled within a look or two', async () => {
    const job = createSettleJob({ orm, logger: createLogger({ service: 'catalog-test', level: 'silent' }), intervalMs: 200 });
    await job.start();
    try {
      const before = await lastVacuum();
      await bulkWrite();
      const after = await waitFor(async () => {
        const at = await lastVacuum();
        return at !== null && before !== null && at > before ? at : undefined;
      }, { timeoutMs: 20_000 });
      expect(after.getTime()).toBeGreaterThan(before!.getTime());
      expect((await tableWrites(orm.em.fork())).variety).toMatchObject({ dead: 0, live: 2_000 });
    } finally {
      await job.stop();
    }
  });
});
