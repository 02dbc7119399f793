import type { ConfigEntryChange, Environment, Release, ReleaseStatus } from '@slipway/contracts';

/**
 * Whether a release may be rolled back to: it became live once (`succeeded`, or live until a
 * later release replaced it or was rolled back from). A failed or still deploying release has
 * nothing proven to return to (the API answers 409 for those).
 */
export function canRollBackTo(status: ReleaseStatus): boolean {
  // `succeeded` is the live release: rolling back to it would change nothing.
  return status === 'superseded' || status === 'rolled-back';
}

/** Where the manifests came from: `web@3` (a manifest set version), or the repository path. */
export function manifestsLabel(release: Pick<Release, 'manifestSet' | 'manifestPath' | 'commit'>): string {
  if (release.manifestSet) return `${release.manifestSet.name}@${release.manifestSet.version}`;
  if (release.manifestPath) {
    return release.commit ? `${release.manifestPath} at ${release.commit.slice(0, 8)}` : release.manifestPath;
  }
  return '—';
}

/** The config set versions, `app-config v2, flags v5`; empty when none were deployed. */
export function configLabel(release: Pick<Release, 'config'>): string {
  return release.config.map((config) => `${config.name} v${config.version}`).join(', ');
}

/** One side of a config entry in a diff: its value, nothing (the key is not on that side), or hidden. */
export type ConfigValueCell = { kind: 'value'; text: string } | { kind: 'absent' } | { kind: 'hidden' };

/**
 * What to show for the `side` value of a config entry change. The API never sends a secret's
 * value (`old`/`new` null), so a null where the key exists on that side (not the old side of an
 * added key, not the new side of a removed one) is a hidden value, not an empty one.
 */
export function configValueCell(entry: ConfigEntryChange, side: 'old' | 'new'): ConfigValueCell {
  const exists = side === 'old' ? entry.change !== 'added' : entry.change !== 'removed';
  if (!exists) return { kind: 'absent' };
  const value = entry[side];
  return value === null ? { kind: 'hidden' } : { kind: 'value', text: value };
}

/** How many lines a YAML text has (at least one), for sizing a read-only view of it. */
export function lineCount(text: string | null): number {
  if (!text) return 1;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0) || 1;
}

/** The message the engine gives a release it rolled back automatically (its rollout failed: it was never live). */
const AUTO_ROLLED_BACK = 'rolled back automatically';

/**
 * Whether a release may be promoted to the next environment: it went live once — the live one
 * (`succeeded`), a replaced one (`superseded`), or one rolled back from after it was live (a
 * `rolled-back` release whose own rollout failed never was; the API answers 409 for those).
 */
export function canPromote(release: Pick<Release, 'status' | 'message'>): boolean {
  if (release.status === 'succeeded' || release.status === 'superseded') return true;
  return release.status === 'rolled-back' && !release.message?.startsWith(AUTO_ROLLED_BACK);
}

/**
 * The environment after `current` in the promotion path (dev → test → prod), as the API
 * decides it: the lowest `order` above the current one's (ties by name: the first of those
 * sharing it); undefined for the last, or when `current` is not listed.
 */
export function nextEnvironment<E extends Pick<Environment, 'name' | 'order'>>(
  environments: readonly E[],
  current: string,
): E | undefined {
  const from = environments.find((environment) => environment.name === current);
  if (!from) return undefined;
  return environments
    .filter((environment) => environment.order > from.order)
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name))[0];
}
