/**
 * The SQL that gives a service its own Postgres role (see database-roles.ts). Kept free of imports
 * so the local stack tool (plain Node, no build) runs the very same statements through psql.
 */
export interface ServiceRole {
  /** The role's name: the service's name in snake_case (`auction_ingest`). */
  role: string;
  password: string;
  /** The schema the role owns (`ordering` in a deployment; a per-test schema in tests). */
  schema: string;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string): string {
  if (!NAME.test(name)) throw new Error(`not a plain lower-case identifier: ${name}`);
  return `"${name}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The statements that give `role` its login and its schema, and hand it what the schema holds. */
export function serviceRoleSql({ role, password, schema }: ServiceRole): string[] {
  const r = ident(role);
  const s = ident(schema);
  return [
    // Concurrent callers (parallel test workers) would race on create role; one at a time.
    `select pg_advisory_xact_lock(7241050377)`,
    `do $$ begin
       if not exists (select 1 from pg_roles where rolname = ${literal(role)}) then
         create role ${r} login;
       end if;
     end $$`,
    `alter role ${r} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls noinherit password ${literal(password)}`,
    `create schema if not exists ${s} authorization ${r}`,
    `alter schema ${s} owner to ${r}`,
    `revoke all on schema ${s} from public`,
    // What an older setup created as the administrator in this schema now belongs to the role.
    `do $$
     declare obj record;
     begin
       for obj in
         select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = ${literal(schema)} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
            and pg_get_userbyid(c.relowner) <> ${literal(role)}
            and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i') and c.relkind = 'S')
       loop
         execute format('alter %s %I.%I owner to %I',
           case obj.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
           ${literal(schema)}, obj.relname, ${literal(role)});
       end loop;
       for obj in
         select p.oid::regprocedure as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname = ${literal(schema)} and pg_get_userbyid(p.proowner) <> ${literal(role)}
       loop
         execute format('alter routine %s owner to %I', obj.signature, ${literal(role)});
       end loop;
     end $$`,
    // No role may create in the shared public schema (PostgreSQL 15 already defaults to this).
    `revoke create on schema public from public`,
  ];
}

