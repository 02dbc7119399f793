import type { ReleaseStatus } from '@slipway/contracts';
import '../releases.css';

/** A release's status as a coloured badge (the text says it too, for screen readers). */
export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }) {
  return <span className={`badge release-status release-status-${status}`}>{status}</span>;
}
