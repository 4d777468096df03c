/**
 * Catalog queries BI tools send on connect and sync, written out from their published sources
 * (the SQL text a tool puts on the wire, with this project's schema and table names filled in):
 * - Grafana: `public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts`
 *   (version, TimescaleDB probe, schemas, tables, columns of a table).
 * - Metabase: `src/metabase/driver/postgres.clj` (`get-tables-sql`, `describe-fields-sql`, enum
 *   types, `show timezone`) and the privilege check of `sql-jdbc.sync.describe-database`.
 * - Superset reads metadata through SQLAlchemy's inspector, exercised with the real SQLAlchemy
 *   in `tests/engine/sql-api.test.ts`.
 */

const grafanaSchemaConstraint = `
  quote_ident(table_schema) IN (
    SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
    FROM generate_series(
      array_lower(string_to_array(current_setting('search_path'), ','), 1),
      array_upper(string_to_array(current_setting('search_path'), ','), 1)
    ) AS i,
    string_to_array(current_setting('search_path'), ',') s
  )`;

export const grafanaQueries = (table: string): string[] => [
  "SELECT current_setting('server_version_num')::int/100 AS version",
  "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'",
  `SELECT schema_name AS "name" FROM information_schema.schemata
     WHERE schema_name NOT IN ('information_schema', 'pg_catalog', 'pg_toast')
     ORDER BY schema_name`,
  `SELECT CASE WHEN ${grafanaSchemaConstraint}
       THEN quote_ident(table_name)
       ELSE quote_ident(table_schema) || '.' || quote_ident(table_name) END AS "table"
     FROM information_schema.tables
     WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog')
     ORDER BY CASE WHEN ${grafanaSchemaConstraint} THEN 0 ELSE 1 END, 1`,
  `SELECT quote_ident(column_name) AS "column", data_type AS "type"
     FROM information_schema.columns
     WHERE CASE WHEN array_length(parse_ident('${table}'), 1) = 2
       THEN quote_ident(table_schema) = (parse_ident('${table}'))[1]
        AND quote_ident(table_name) = (parse_ident('${table}'))[2]
       ELSE quote_ident(table_name) = '${table}' AND ${grafanaSchemaConstraint}
     END`,
];

export const metabaseQueries = (table: string): string[] => [
  'show timezone;',
  `SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e)`,
  `SELECT n.nspname AS schema, c.relname AS name,
       CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
         WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS type,
       d.description AS description, stat.n_live_tup AS estimated_row_count
     FROM pg_catalog.pg_class AS c
     INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
     LEFT JOIN pg_catalog.pg_description AS d
       ON (c.oid = d.objoid) AND (d.objsubid = 0) AND (d.classoid = 'pg_class'::regclass)
     LEFT JOIN pg_stat_user_tables AS stat ON (n.nspname = stat.schemaname) AND (c.relname = stat.relname)
     WHERE (c.relnamespace = n.oid) AND (n.nspname !~ '^pg_') AND (n.nspname <> 'information_schema')
       AND c.relkind IN ('r', 'p', 'v', 'f', 'm') AND (n.nspname IN ('public'))
     ORDER BY type ASC, schema ASC, name ASC`,
  `SELECT has_table_privilege(current_user, '"public"."${table}"', 'SELECT') AS "select",
          has_table_privilege(current_user, '"public"."${table}"', 'INSERT') AS "insert"`,
  `SELECT c.column_name AS name,
       CASE WHEN c.udt_schema IN ('public', 'pg_catalog') THEN format('%s', c.udt_name)
         ELSE format('"%s"."%s"', c.udt_schema, c.udt_name) END AS "database-type",
       c.ordinal_position - 1 AS "database-position",
       c.table_schema AS "table-schema", c.table_name AS "table-name",
       pk.column_name IS NOT NULL AS "pk?",
       col_description(CAST(CAST(format('%I.%I', CAST(c.table_schema AS TEXT), CAST(c.table_name AS TEXT)) AS REGCLASS) AS OID), c.ordinal_position) AS "field-comment",
       ((column_default IS NULL) OR (LOWER(column_default) = 'null')) AND (is_nullable = 'NO')
         AND NOT (((column_default IS NOT NULL) AND (column_default LIKE '%nextval(%')) OR (is_identity <> 'NO')) AS "database-required"
     FROM information_schema.columns AS c
     LEFT JOIN (SELECT tc.table_schema, tc.table_name, kc.column_name
                  FROM information_schema.table_constraints AS tc
                  INNER JOIN information_schema.key_column_usage AS kc
                    ON (tc.constraint_name = kc.constraint_name) AND (tc.table_schema = kc.table_schema)
                   AND (tc.table_name = kc.table_name)
                 WHERE tc.constraint_type = 'PRIMARY KEY') AS pk
       ON (c.table_schema = pk.table_schema) AND (c.table_name = pk.table_name) AND (c.column_name = pk.column_name)
     WHERE c.table_schema !~ '^information_schema|catalog_history|pg_'
       AND (c.table_schema IN ('public')) AND (c.table_name IN ('${table}'))`,
];
