-- AlterTable
ALTER TABLE "projects" ADD COLUMN "git_credential" VARCHAR(63);

-- CreateTable
CREATE TABLE "credentials" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "description" VARCHAR(500),
    "username" VARCHAR(200),
    "server" VARCHAR(255),
    "secret_encrypted" TEXT NOT NULL,
    "created_by_name" VARCHAR(120) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "credentials_workspace_id_name_key" ON "credentials"("workspace_id", "name");

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
