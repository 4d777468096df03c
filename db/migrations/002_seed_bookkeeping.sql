-- Bookkeeping for the demo-data loader (db/seed), not part of the host product's schema.
-- For speed, a bulk load drops the contract tables' indexes and constraints and recreates them
-- afterwards from their own definitions (read from pg_indexes / pg_constraint, so the
-- migrations stay the single source of truth). The definitions wait here meanwhile, so an
-- interrupted load is repaired by the next one instead of leaving the schema without them.
CREATE TABLE seed_deferred_ddl (
  position   integer PRIMARY KEY,
  table_name text NOT NULL,
  phase      text NOT NULL CHECK (phase IN ('key', 'index', 'foreign_key')),
  statement  text NOT NULL
);
