/** A run's, job's or step's status as a coloured badge (the text says it too, for screen readers). */
export function RunStatusBadge({ status }: { status: string }) {
  return <span className={`badge run-status run-status-${status}`}>{status}</span>;
}
