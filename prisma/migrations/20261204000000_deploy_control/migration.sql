-- Production deploys under control: environment policy (expiry, auto-rollback, freeze
-- windows), the deploy queue, deploy approvals with decisions, notification channels.
ALTER TABLE "environments" ADD COLUMN "approval_expiry_minutes" INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE "environments" ADD COLUMN "auto_rollback" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "environments" ADD COLUMN "freeze_windows" JSONB NOT NULL DEFAULT '[]';

ALTER TABLE "releases" ADD COLUMN "trigger" VARCHAR(16) NOT NULL DEFAULT 'run';
ALTER TABLE "releases" ADD COLUMN "hold_reason" VARCHAR(1000);
ALTER TABLE "releases" ADD COLUMN "queue_seq" BIGINT;
ALTER TABLE "releases" ADD COLUMN "priority" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "releases" ADD COLUMN "render_values" JSONB;
ALTER TABLE "releases" ADD COLUMN "promoted_from" JSONB;
ALTER TABLE "releases" ADD COLUMN "freeze_break" JSONB;
ALTER TABLE "releases" ADD COLUMN "idempotency_key" VARCHAR(255);
CREATE UNIQUE INDEX "releases_project_id_idempotency_key_key" ON "releases"("project_id", "idempotency_key");
CREATE INDEX "releases_environment_id_status_idx" ON "releases"("environment_id", "status");
-- Places in a deploy queue, given in the order releases enter it.
CREATE SEQUENCE "release_queue_seq";

CREATE TABLE "deploy_approvals" (
    "id" UUID NOT NULL,
    "release_id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "required" INTEGER NOT NULL,
    "approver_role" VARCHAR(63) NOT NULL,
    "allow_self_approval" BOOLEAN NOT NULL,
    "expiry_minutes" INTEGER NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "requested_by_id" UUID,
    "requested_by_name" VARCHAR(120) NOT NULL,
    "committer_email" VARCHAR(320),
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "deploy_approvals_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "deploy_approval_decisions" (
    "id" UUID NOT NULL,
    "approval_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "user_name" VARCHAR(120) NOT NULL,
    "decision" VARCHAR(16) NOT NULL,
    "comment" VARCHAR(2000),
    "diff_hash" VARCHAR(64),
    "admin_override" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deploy_approval_decisions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "deploy_approval_views" (
    "approval_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "diff_hash" VARCHAR(64) NOT NULL,
    "viewed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deploy_approval_views_pkey" PRIMARY KEY ("approval_id","user_id")
);

CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "url" VARCHAR(2048),
    "secret_encrypted" TEXT,
    "recipients" TEXT[],
    "events" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "notification_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "channel_id" UUID NOT NULL,
    "event" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "recipients" TEXT[],
    "status" VARCHAR(16) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "deploy_approvals_release_id_key" ON "deploy_approvals"("release_id");
CREATE INDEX "deploy_approvals_status_expires_at_idx" ON "deploy_approvals"("status", "expires_at");
CREATE INDEX "deploy_approvals_workspace_id_status_idx" ON "deploy_approvals"("workspace_id", "status");
CREATE UNIQUE INDEX "deploy_approval_decisions_approval_id_user_id_key" ON "deploy_approval_decisions"("approval_id", "user_id");
CREATE UNIQUE INDEX "notification_channels_workspace_id_name_key" ON "notification_channels"("workspace_id", "name");
CREATE INDEX "notification_deliveries_status_next_attempt_at_idx" ON "notification_deliveries"("status", "next_attempt_at");
CREATE INDEX "notification_deliveries_channel_id_id_idx" ON "notification_deliveries"("channel_id", "id");

ALTER TABLE "deploy_approvals" ADD CONSTRAINT "deploy_approvals_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deploy_approval_decisions" ADD CONSTRAINT "deploy_approval_decisions_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "deploy_approvals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deploy_approval_views" ADD CONSTRAINT "deploy_approval_views_approval_id_fkey" FOREIGN KEY ("approval_id") REFERENCES "deploy_approvals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
