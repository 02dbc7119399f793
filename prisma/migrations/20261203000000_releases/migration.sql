-- Releases and deploys: versioned manifest sets and config sets, releases per environment.
ALTER TABLE "projects" ADD COLUMN "release_counter" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "environments" ADD COLUMN "retain_releases" INTEGER NOT NULL DEFAULT 10;
ALTER TABLE "pipeline_runs" ADD COLUMN "deploy_pins" JSONB;

CREATE TABLE "manifest_sets" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "latest_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "manifest_sets_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "manifest_versions" (
    "id" UUID NOT NULL,
    "manifest_set_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "files" JSONB NOT NULL,
    "message" VARCHAR(2000),
    "author_id" UUID,
    "author_name" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manifest_versions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "config_sets" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "description" VARCHAR(2000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "config_sets_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "config_versions" (
    "id" UUID NOT NULL,
    "config_set_id" UUID NOT NULL,
    "environment_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "message" VARCHAR(2000),
    "author_id" UUID,
    "author_name" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_versions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "releases" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "environment_id" UUID,
    "environment_name" VARCHAR(63) NOT NULL,
    "cluster_id" UUID,
    "namespace" VARCHAR(63) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "phase" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "message" VARCHAR(4000),
    "image" VARCHAR(1024),
    "image_digest" VARCHAR(128),
    "manifest_set_name" VARCHAR(63),
    "manifest_version" INTEGER,
    "manifest_path" VARCHAR(1024),
    "objects" JSONB NOT NULL,
    "timeout_seconds" INTEGER NOT NULL DEFAULT 300,
    "run_id" UUID,
    "job_run_id" UUID,
    "pipeline_name" VARCHAR(63),
    "run_number" INTEGER,
    "commit_sha" VARCHAR(64),
    "rollback_of" INTEGER,
    "created_by_id" UUID,
    "created_by_name" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "releases_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "release_configs" (
    "release_id" UUID NOT NULL,
    "config_version_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "version" INTEGER NOT NULL,
    "config_map_name" VARCHAR(253) NOT NULL,

    CONSTRAINT "release_configs_pkey" PRIMARY KEY ("release_id","name")
);

CREATE TABLE "release_log_lines" (
    "release_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "text" TEXT NOT NULL,

    CONSTRAINT "release_log_lines_pkey" PRIMARY KEY ("release_id","seq")
);

CREATE UNIQUE INDEX "manifest_sets_project_id_name_key" ON "manifest_sets"("project_id", "name");
CREATE UNIQUE INDEX "manifest_versions_manifest_set_id_version_key" ON "manifest_versions"("manifest_set_id", "version");
CREATE UNIQUE INDEX "config_sets_project_id_name_key" ON "config_sets"("project_id", "name");
CREATE INDEX "config_versions_environment_id_idx" ON "config_versions"("environment_id");
CREATE UNIQUE INDEX "config_versions_config_set_id_environment_id_version_key" ON "config_versions"("config_set_id", "environment_id", "version");
CREATE UNIQUE INDEX "releases_job_run_id_key" ON "releases"("job_run_id");
CREATE INDEX "releases_environment_id_created_at_idx" ON "releases"("environment_id", "created_at");
CREATE INDEX "releases_status_idx" ON "releases"("status");
CREATE UNIQUE INDEX "releases_project_id_number_key" ON "releases"("project_id", "number");
CREATE INDEX "release_configs_config_version_id_idx" ON "release_configs"("config_version_id");

ALTER TABLE "manifest_sets" ADD CONSTRAINT "manifest_sets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "manifest_versions" ADD CONSTRAINT "manifest_versions_manifest_set_id_fkey" FOREIGN KEY ("manifest_set_id") REFERENCES "manifest_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "config_sets" ADD CONSTRAINT "config_sets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "config_versions" ADD CONSTRAINT "config_versions_config_set_id_fkey" FOREIGN KEY ("config_set_id") REFERENCES "config_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "config_versions" ADD CONSTRAINT "config_versions_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "releases" ADD CONSTRAINT "releases_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "releases" ADD CONSTRAINT "releases_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "releases" ADD CONSTRAINT "releases_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "release_configs" ADD CONSTRAINT "release_configs_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "release_configs" ADD CONSTRAINT "release_configs_config_version_id_fkey" FOREIGN KEY ("config_version_id") REFERENCES "config_versions"("id") ON DELETE NO ACTION ON UPDATE CASCADE;
ALTER TABLE "release_log_lines" ADD CONSTRAINT "release_log_lines_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE CASCADE;
