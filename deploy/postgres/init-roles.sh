#!/bin/sh
# First start of the postgres service (docker-entrypoint-initdb.d; runs only on an empty data volume):
# the owner role that runs the migrations and owns every table, the site role that web, worker and beat
# connect as, and the database owned by the owner. The site role's privileges are granted after each
# migrate by `manage.py db_roles_grant` (the compose service "migrate"). See docs/operations.md.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner="$CREDIT_DB_OWNER" -v owner_password="$POSTGRES_OWNER_PASSWORD" \
  -v site="$CREDIT_DB_SITE_ROLE" -v site_password="$POSTGRES_SITE_PASSWORD" \
  -v db="$CREDIT_DB_NAME" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"site" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'site_password';
-- C.UTF-8 so that pg_trgm and the bigram index see Chinese characters.
CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;
SQL
