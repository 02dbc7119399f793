-- CreateTable
CREATE TABLE "test_cases" (
    "id" UUID NOT NULL,
    "job_run_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "suite" TEXT NOT NULL,
    "classname" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "message" TEXT,
    "stack" TEXT,
    "duration_ms" INTEGER,

    CONSTRAINT "test_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "test_report_warnings" (
    "id" UUID NOT NULL,
    "job_run_id" UUID NOT NULL,
    "file" VARCHAR(1024) NOT NULL,
    "message" VARCHAR(2000) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "test_report_warnings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "test_cases_job_run_id_position_idx" ON "test_cases"("job_run_id", "position");

-- CreateIndex
CREATE INDEX "test_report_warnings_job_run_id_idx" ON "test_report_warnings"("job_run_id");

-- AddForeignKey
ALTER TABLE "test_cases" ADD CONSTRAINT "test_cases_job_run_id_fkey" FOREIGN KEY ("job_run_id") REFERENCES "job_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "test_report_warnings" ADD CONSTRAINT "test_report_warnings_job_run_id_fkey" FOREIGN KEY ("job_run_id") REFERENCES "job_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
