-- What each audited write changed (field names, safe values, before → after). The table
-- stays append-only: its triggers refuse UPDATE, DELETE and TRUNCATE, not a new column.
ALTER TABLE "audit_events" ADD COLUMN "detail" JSONB;
