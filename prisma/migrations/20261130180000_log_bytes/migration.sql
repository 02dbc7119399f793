-- Exact log bytes (NUL, bytes that are not UTF-8) and a visible log-archive error.
ALTER TABLE "log_chunks" ADD COLUMN "raw" BYTEA;
ALTER TABLE "step_runs" ADD COLUMN "log_error" VARCHAR(500);
