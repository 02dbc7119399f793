-- `awaiting-approval` (17 characters) did not fit releases.status (VARCHAR(16)).
ALTER TABLE "releases" ALTER COLUMN "status" SET DATA TYPE VARCHAR(32);
