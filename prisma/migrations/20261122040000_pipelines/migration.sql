-- CreateTable
CREATE TABLE "pipelines" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "current_revision" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pipeline_revisions" (
    "id" UUID NOT NULL,
    "pipeline_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "spec" TEXT NOT NULL,
    "message" VARCHAR(500),
    "author_id" UUID,
    "author_name" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pipeline_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "pipelines_project_id_name_key" ON "pipelines"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "pipeline_revisions_pipeline_id_number_key" ON "pipeline_revisions"("pipeline_id", "number");

-- AddForeignKey
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pipeline_revisions" ADD CONSTRAINT "pipeline_revisions_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE;
