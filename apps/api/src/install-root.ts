import { fileURLToPath } from 'node:url';

/**
 * The directory that holds `apps/`, `prisma/` and `examples/`: the repository checkout in
 * development, the assembled server directory in production (`pnpm run assemble <dir>`).
 *
 * Why it is computed from this file's own URL: the production bundle lives at
 * `apps/api/dist/server.js`, the same depth below the root as this file
 * (`apps/api/src/install-root.ts`), so one relative URL is right both unbundled and bundled.
 * Any file that needs a path below the root must start from here, not from its own URL.
 */
export const INSTALL_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
