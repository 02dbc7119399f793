-- Where a job was dispatched, so the engine keeps using that executor whatever happens to
-- the run's environment afterwards (no foreign key: the row outlives its cluster).
ALTER TABLE "job_runs" ADD COLUMN "cluster_id" UUID;
ALTER TABLE "job_runs" ADD COLUMN "namespace" VARCHAR(63);
