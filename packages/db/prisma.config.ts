// Prisma CLI configuration. Only `prisma generate` runs here; migrations are applied by
// Slipway's own migrator (packages/db/src/migrator.ts), so no datasource URL is needed.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
});
