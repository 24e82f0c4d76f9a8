import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { createOrm, preparedQuery, type Orm } from './database';

// preparedQuery against the real Postgres of the test stack (the test runner sets DATABASE_URL).
const url = process.env.DATABASE_URL as string;
const schema = `prepared_${randomBytes(4).toString('hex')}`;
let orm: Orm;
let admin: Client;

beforeAll(async () => {
  admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"; create table "${schema}".t (id int primary key, note text)`);
  // One connection, so every statement of a test meets the same session's prepared statements.
  orm = await createOrm({ url, schema, entities: [], migrations: [], poolMax: 1 });
});

afterAll(async () => {
  await orm?.close();
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
});

describe('preparedQuery', () => {
  it('When a statement runs with parameters, then values travel as parameters (quotes stay data) and the text is prepared once per connection', async () => {
    const em = orm.em.fork();
    const insert = `insert into "${schema}".t (id, note) values ($1, $2) returning id, note`;
    expect(await preparedQuery(em, insert, [1, "it's; drop table t; --"])).toEqual([{ id: 1, note: "it's; drop table t; --" }]);
    expect(await preparedQuery(em, insert, [2, null])).toEqual([{ id: 2, note: null }]);
    // The session knows the statement by name: Postgres lists it once among its prepared statements.
    const seen = await preparedQuery<{ n: number }>(em, `select count(*)::int as n from pg_prepared_statements where statement like $1`, [`insert into "${schema}".t%`]);
    expect(seen[0]?.n).toBe(1);
  });

  it('When it runs inside a transaction, then it uses that transaction: it sees its rows and rolls back with it', async () => {
    await expect(
      orm.em.fork().transactional(async (em) => {
        await preparedQuery(em, `insert into "${schema}".t (id, note) values ($1, $2)`, [10, 'in the transaction']);
        const inside = await preparedQuery<{ note: string }>(em, `select note from "${schema}".t where id = $1`, [10]);
        expect(inside).toEqual([{ note: 'in the transaction' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await admin.query(`select 1 from "${schema}".t where id = 10`)).rowCount).toBe(0);
  });
});
