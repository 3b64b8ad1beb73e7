#!/bin/sh
# PostgreSQL image init script (compose.yaml mounts it in /docker-entrypoint-initdb.d): runs once, when
# the data volume is first initialised. Creates the role the services and migrations log in as
# (vextrus_owner: not a superuser, may create the NOLOGIN vextrus_app role) with the password of the
# owner_db_password secret, and gives it the database. Schemas, tables and grants come from migrations.
set -eu
password=$(cat /run/secrets/owner_db_password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v password="$password" <<'SQL'
create role vextrus_owner login createrole password :'password';
alter database vextrus owner to vextrus_owner;
SQL
