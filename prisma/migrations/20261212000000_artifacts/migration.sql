-- CreateTable
CREATE TABLE "artifact_archives" (
    "id" UUID NOT NULL,
    "run_id" UUID,
    "job_run_id" UUID,
    "job" VARCHAR(63) NOT NULL,
    "blob_key" VARCHAR(255) NOT NULL,
    "size" BIGINT NOT NULL,
    "files_bytes" BIGINT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifact_archives_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "artifact_files" (
    "id" BIGSERIAL NOT NULL,
    "archive_id" UUID NOT NULL,
    "path" VARCHAR(4096) NOT NULL,
    "size" BIGINT NOT NULL,

    CONSTRAINT "artifact_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "postgres_blobs" (
    "oid" BIGINT NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "size" BIGINT NOT NULL DEFAULT 0,
    "complete" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "postgres_blobs_pkey" PRIMARY KEY ("oid")
);

-- CreateIndex
CREATE UNIQUE INDEX "artifact_archives_job_run_id_key" ON "artifact_archives"("job_run_id");

-- CreateIndex
CREATE UNIQUE INDEX "artifact_archives_blob_key_key" ON "artifact_archives"("blob_key");

-- CreateIndex
CREATE INDEX "artifact_archives_run_id_idx" ON "artifact_archives"("run_id");

-- CreateIndex
CREATE INDEX "artifact_archives_expires_at_idx" ON "artifact_archives"("expires_at");

-- CreateIndex
CREATE INDEX "artifact_files_archive_id_idx" ON "artifact_files"("archive_id");

-- CreateIndex
CREATE INDEX "postgres_blobs_key_idx" ON "postgres_blobs"("key");

-- AddForeignKey
ALTER TABLE "artifact_archives" ADD CONSTRAINT "artifact_archives_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifact_archives" ADD CONSTRAINT "artifact_archives_job_run_id_fkey" FOREIGN KEY ("job_run_id") REFERENCES "job_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifact_files" ADD CONSTRAINT "artifact_files_archive_id_fkey" FOREIGN KEY ("archive_id") REFERENCES "artifact_archives"("id") ON DELETE CASCADE ON UPDATE CASCADE;
