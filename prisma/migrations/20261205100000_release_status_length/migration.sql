-- `awaiting-approval` (17 characters) did not fit the release status column.
ALTER TABLE "releases" ALTER COLUMN "status" SET DATA TYPE VARCHAR(32);
