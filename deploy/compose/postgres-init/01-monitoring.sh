#!/bin/sh
# Runs once when the PostgreSQL volume is created: pg_stat_statements and the collector's read-only role
# (after Odoo has created its database, run the column GRANTs of docs/collector.md "The read-only role" there).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE ROLE odoo_collector LOGIN PASSWORD '${ODOO_COLLECTOR_PASSWORD}';
GRANT pg_read_all_stats TO odoo_collector;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname template1 -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;"
