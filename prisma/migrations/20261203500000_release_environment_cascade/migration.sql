-- Deleting an environment deletes its releases: its config versions are deleted with it, and
-- a release that kept pointing at them (release_configs, NO ACTION) made the delete fail.
ALTER TABLE "releases" DROP CONSTRAINT "releases_environment_id_fkey";
ALTER TABLE "releases" ADD CONSTRAINT "releases_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;
