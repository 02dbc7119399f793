-- CreateTable
CREATE TABLE "cache_entries" (
    "id" UUID NOT NULL,
    "project_id" UUID,
    "executor" VARCHAR(16) NOT NULL,
    "key" VARCHAR(512) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "storage_key" VARCHAR(255) NOT NULL,
    "ready" BOOLEAN NOT NULL DEFAULT false,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cache_entries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "cache_entries_project_id_last_used_at_idx" ON "cache_entries"("project_id", "last_used_at");

-- CreateIndex
CREATE UNIQUE INDEX "cache_entries_project_id_executor_key_hash_key" ON "cache_entries"("project_id", "executor", "key_hash");

-- AddForeignKey
ALTER TABLE "cache_entries" ADD CONSTRAINT "cache_entries_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE SET NULL ON UPDATE CASCADE;
