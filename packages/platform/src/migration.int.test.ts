import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';

// Jest keeps its own module registry, so what a real process loads is watched in a plain Node
// process on the build (dist/), against the test stack's Postgres.
const url = process.env.DATABASE_URL as string;
const schema = `migration_${randomBytes(4).toString('hex')}`;
const platform = path.resolve(__dirname, '../dist/index.js');
let admin: Client;

beforeAll(async () => {
  admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
});

afterAll(async () => {
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.end();
});

const probe = `
const { createOrm, checkDatabase, migrate, Migration, quoteIdentifier } = require(${JSON.stringify(platform)});
const [url, schema] = process.argv.slice(1);
class Probe extends Migration {
  up() { this.addSql('create table ' + quoteIdentifier(schema) + '.probe (id int primary key)'); }
}
const umzugLoaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/umzug/'));
(async () => {
  const orm = await createOrm({ url, schema, entities: [], migrations: [{ name: '0001-probe', class: Probe }] });
  await checkDatabase(orm);
  await orm.em.fork().getConnection().execute('select 1');
  const serving = umzugLoaded();
  const applied = await migrate(orm, url);
  const migrating = umzugLoaded();
  const again = await migrate(orm, url);
  await orm.close();
  console.log(JSON.stringify({ serving, migrating, applied, again }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('migrations and the serving process', () => {
  it('When a process serves without migrating, then the migration runner (umzug) is never loaded; migrating loads it and applies the list once', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe, url, schema], { timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({ serving: false, migrating: true, applied: ['0001-probe'], again: [] });
    expect((await admin.query(`select to_regclass($1) as t`, [`"${schema}".probe`])).rows[0]?.t).not.toBeNull();
  });
});
