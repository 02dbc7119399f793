-- The fingerprint of the request an Idempotency-Key was first used with: a reuse of the key
-- with another request is refused (422). Runs created before have none and match any request.
ALTER TABLE "pipeline_runs" ADD COLUMN "idempotency_fingerprint" VARCHAR(64);
