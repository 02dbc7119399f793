-- AlterTable
ALTER TABLE "job_runs" ADD COLUMN     "played_at" TIMESTAMPTZ(3),
ADD COLUMN     "played_by_id" UUID,
ADD COLUMN     "played_by_name" VARCHAR(120);
