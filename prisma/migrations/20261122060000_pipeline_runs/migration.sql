-- AlterTable
ALTER TABLE "pipelines" ADD COLUMN "run_counter" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "pipeline_runs" (
    "id" UUID NOT NULL,
    "pipeline_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "release_type" VARCHAR(63) NOT NULL,
    "environment_id" UUID,
    "environment_name" VARCHAR(63) NOT NULL,
    "parameters" JSONB NOT NULL,
    "secret_values" TEXT,
    "ref" VARCHAR(255) NOT NULL,
    "commit_sha" VARCHAR(64),
    "trigger" VARCHAR(16) NOT NULL,
    "triggered_by_id" UUID,
    "triggered_by_name" VARCHAR(120) NOT NULL,
    "idempotency_key" VARCHAR(255),
    "retry_of" INTEGER,
    "status" VARCHAR(16) NOT NULL,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "message" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "pipeline_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_runs" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "stage" VARCHAR(63) NOT NULL,
    "stage_index" INTEGER NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "executor" VARCHAR(16),
    "external_name" VARCHAR(63),
    "message" VARCHAR(2000),
    "reused_from" INTEGER,
    "released_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "step_runs" (
    "id" UUID NOT NULL,
    "job_run_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "exit_code" INTEGER,
    "log_bytes" BIGINT NOT NULL DEFAULT 0,
    "log_lines" INTEGER NOT NULL DEFAULT 0,
    "log_complete" BOOLEAN NOT NULL DEFAULT false,
    "result" VARCHAR(500),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "step_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_chunks" (
    "id" BIGSERIAL NOT NULL,
    "step_run_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "first_line" INTEGER NOT NULL,
    "line_count" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_chunks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_events" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_decisions" (
    "id" UUID NOT NULL,
    "job_run_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "user_name" VARCHAR(120) NOT NULL,
    "decision" VARCHAR(16) NOT NULL,
    "comment" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pipeline_runs_status_idx" ON "pipeline_runs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "pipeline_runs_pipeline_id_number_key" ON "pipeline_runs"("pipeline_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "pipeline_runs_pipeline_id_idempotency_key_key" ON "pipeline_runs"("pipeline_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "job_runs_run_id_stage_name_attempt_key" ON "job_runs"("run_id", "stage", "name", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "step_runs_job_run_id_index_key" ON "step_runs"("job_run_id", "index");

-- CreateIndex
CREATE INDEX "log_chunks_run_id_id_idx" ON "log_chunks"("run_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "log_chunks_step_run_id_seq_key" ON "log_chunks"("step_run_id", "seq");

-- CreateIndex
CREATE INDEX "run_events_run_id_id_idx" ON "run_events"("run_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "approval_decisions_job_run_id_user_id_key" ON "approval_decisions"("job_run_id", "user_id");

-- AddForeignKey
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_runs" ADD CONSTRAINT "step_runs_job_run_id_fkey" FOREIGN KEY ("job_run_id") REFERENCES "job_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_chunks" ADD CONSTRAINT "log_chunks_step_run_id_fkey" FOREIGN KEY ("step_run_id") REFERENCES "step_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_job_run_id_fkey" FOREIGN KEY ("job_run_id") REFERENCES "job_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
