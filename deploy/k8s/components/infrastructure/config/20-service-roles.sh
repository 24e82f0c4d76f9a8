#!/bin/sh
# Run once on a fresh Postgres (docker-entrypoint-initdb.d, after 10-registry.sql): one role per
# service, owner of its schema and nothing else (no superuser, no CREATE elsewhere); each service's
# DATABASE_URL names its role (tools/k8s-local-secrets.ts). The statements are those of
# serviceRoleSql in packages/platform (database-roles.ts). The passwords come from the pod's env.
set -eu
for role in auction_ingest catalog ordering billing notifier; do
  password=$(printenv "$(echo "$role" | tr a-z A-Z)_DB_PASSWORD")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname marketbill <<SQL
CREATE ROLE $role LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD '$password';
CREATE SCHEMA $role AUTHORIZATION $role;
REVOKE ALL ON SCHEMA $role FROM PUBLIC;
SQL
done
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname marketbill -c 'REVOKE CREATE ON SCHEMA public FROM PUBLIC'
