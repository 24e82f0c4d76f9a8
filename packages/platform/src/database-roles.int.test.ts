import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { provisionServiceRole, roleUrl } from './database-roles';
import { pgClientConfig } from './postgres-connection';

// The stack's administrator connection (the test runner sets DATABASE_URL). The platform package is
// built before packages/testing, which depends on it, so its tests cannot use that package's helpers.
const admin = process.env.DATABASE_URL as string;
const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

async function query<T = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client(pgClientConfig(url, 'marketbill-test'));
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

const dropSchema = (url: string, schema: string) => query(url, `drop schema if exists "${schema}" cascade`);
const schemas: string[] = [];
const roles: string[] = [];

async function asRole(url: string, sql: string): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const client = new Client(pgClientConfig(url, 'marketbill-test'));
  await client.connect();
  try {
    await client.query(sql);
    return { ok: true };
  } catch (error) {
    const e = error as { code: string; message: string };
    return { ok: false, code: e.code, message: e.message };
  } finally {
    await client.end();
  }
}

async function provisioned(prefix: string) {
  const role = uniqueName(`${prefix}_role`);
  const schema = uniqueName(prefix);
  const password = uniqueName('pw');
  roles.push(role);
  schemas.push(schema);
  await provisionServiceRole(admin, { role, password, schema });
  return { role, schema, url: roleUrl(admin, { role, password }) };
}

afterAll(async () => {
  for (const schema of schemas) await dropSchema(admin, schema);
  for (const role of roles) await query(admin, `drop role if exists "${role}"`);
});

describe('a Postgres role per service', () => {
  it("When a service connects as its role, then it owns its schema and can neither read, write nor create in another's", async () => {
    const a = await provisioned('svc_a');
    const b = await provisioned('svc_b');
    expect(await asRole(a.url, `create table "${a.schema}".t (x int); insert into "${a.schema}".t values (1)`)).toEqual({ ok: true });
    expect(await asRole(b.url, `create table "${b.schema}".secret (x int); insert into "${b.schema}".secret values (42)`)).toEqual({ ok: true });

    const denied = { ok: false, code: '42501' };
    expect(await asRole(a.url, `select * from "${b.schema}".secret`)).toMatchObject(denied);
    expect(await asRole(a.url, `insert into "${b.schema}".secret values (7)`)).toMatchObject(denied);
    expect(await asRole(a.url, `create table "${b.schema}".mine (x int)`)).toMatchObject(denied);
    expect(await asRole(a.url, `create table public.mine (x int)`)).toMatchObject(denied);
    expect(await asRole(a.url, `create schema "${a.schema}_more"`)).toMatchObject(denied);
    expect(await asRole(a.url, `create role "${a.role}_friend"`)).toMatchObject(denied);
    const [flags] = await query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      admin,
      'select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = $1',
      [a.role],
    );
    expect(flags).toEqual({ rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    expect(await query(admin, `select * from "${b.schema}".secret`)).toEqual([{ x: 42 }]);
  });

  it('When a schema was made by the administrator (an older setup), then provisioning hands its tables, sequences and functions to the role', async () => {
    const schema = uniqueName('legacy');
    const role = uniqueName('legacy_role');
    schemas.push(schema);
    roles.push(role);
    await query(admin, `create schema "${schema}"`);
    await query(admin, `create table "${schema}".orders (id bigint generated always as identity primary key, note text)`);
    await query(admin, `create sequence "${schema}".counter`);
    await query(admin, `create function "${schema}".touch() returns trigger language plpgsql as $$ begin return null; end $$`);
    await provisionServiceRole(admin, { role, password: 'pw-legacy-1234', schema });
    await provisionServiceRole(admin, { role, password: 'pw-legacy-1234', schema }); // idempotent
    const url = roleUrl(admin, { role, password: 'pw-legacy-1234' });
    expect(await asRole(url, `insert into "${schema}".orders (note) values ('ok'); select nextval('"${schema}".counter'); alter table "${schema}".orders add column extra int`)).toEqual({ ok: true });
    const owners = await query<{ owner: string }>(
      admin,
      `select pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1
       union all select pg_get_userbyid(p.proowner) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1
       union all select pg_get_userbyid(nspowner) from pg_namespace where nspname = $1`,
      [schema],
    );
    expect(new Set(owners.map((o) => o.owner))).toEqual(new Set([role]));
  });
});
