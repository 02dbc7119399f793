-- A job's place among the jobs of its stage, as the pipeline lists them. Jobs of one run
-- are inserted by one statement, so their created_at no longer tells their order.
ALTER TABLE "job_runs" ADD COLUMN "position" INTEGER NOT NULL DEFAULT 0;

UPDATE "job_runs" AS j SET "position" = ordered.position
FROM (
  SELECT run_id, stage, name,
         (row_number() OVER (PARTITION BY run_id, stage ORDER BY min(created_at), name) - 1)::int AS position
  FROM "job_runs"
  GROUP BY run_id, stage, name
) AS ordered
WHERE j.run_id = ordered.run_id AND j.stage = ordered.stage AND j.name = ordered.name;
