-- CreateTable
CREATE TABLE "pipeline_schedules" (
    "id" UUID NOT NULL,
    "pipeline_id" UUID NOT NULL,
    "cron" VARCHAR(120) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "release_type" VARCHAR(63) NOT NULL,
    "environment_name" VARCHAR(63) NOT NULL,
    "parameters" JSONB NOT NULL,
    "ref" VARCHAR(255),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "next_run_at" TIMESTAMPTZ(3),
    "last_fired_at" TIMESTAMPTZ(3),
    "last_run_number" INTEGER,
    "last_error" VARCHAR(2000),
    "created_by_id" UUID NOT NULL,
    "created_by_name" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pipeline_schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pipeline_schedules_pipeline_id_idx" ON "pipeline_schedules"("pipeline_id");

-- CreateIndex
CREATE INDEX "pipeline_schedules_next_run_at_idx" ON "pipeline_schedules"("next_run_at");

-- AddForeignKey
ALTER TABLE "pipeline_schedules" ADD CONSTRAINT "pipeline_schedules_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;
