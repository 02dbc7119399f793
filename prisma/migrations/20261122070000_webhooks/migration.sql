-- CreateTable
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "provider" VARCHAR(16) NOT NULL,
    "secret_encrypted" TEXT NOT NULL,
    "events" TEXT[],
    "branches" TEXT[],
    "tags" TEXT[],
    "paths" TEXT[],
    "pipeline_name" VARCHAR(63) NOT NULL,
    "release_type" VARCHAR(63) NOT NULL,
    "environment_name" VARCHAR(63) NOT NULL,
    "parameters" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" UUID NOT NULL,
    "created_by_name" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "delivery_id" VARCHAR(200),
    "event" VARCHAR(64) NOT NULL,
    "ref" VARCHAR(255),
    "commit_sha" VARCHAR(64),
    "outcome" VARCHAR(16) NOT NULL,
    "reason" VARCHAR(2000),
    "run_number" INTEGER,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "webhooks_project_id_name_key" ON "webhooks"("project_id", "name");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_received_at_idx" ON "webhook_deliveries"("webhook_id", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_delivery_id_key" ON "webhook_deliveries"("webhook_id", "delivery_id");

-- AddForeignKey
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
