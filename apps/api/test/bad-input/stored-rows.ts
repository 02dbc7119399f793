// A digest of every stored row, to prove that a refused request stored nothing half-way.
import type { Database } from '@slipway/db';

/**
 * Tables a refused request may legitimately write: the session's last-seen time moves on
 * every request, and the audit trail records refused writes too (that is its job).
 */
const CHANGING_ON_EVERY_REQUEST = new Set(['_prisma_migrations', 'sessions', 'audit_events']);

/** Reads the tables once; returns a function that digests them all in one query. */
export async function storedRows(prisma: Database['prisma']): Promise<() => Promise<Record<string, string>>> {
  const tables = (
    await prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  )
    .map((row) => row.name)
    .filter((name) => !CHANGING_ON_EVERY_REQUEST.has(name));
  const query = tables
    .map(
      (name) =>
        `SELECT '${name}' AS name, count(*)::int AS rows,
           md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
    )
    .join(' UNION ALL ');
  return async () => {
    const rows = await prisma.$queryRawUnsafe<{ name: string; rows: number; digest: string }[]>(query);
    return Object.fromEntries(rows.map((row) => [row.name, `${row.rows} ${row.digest}`]));
  };
}
