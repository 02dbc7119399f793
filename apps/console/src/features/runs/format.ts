/** A duration as people read it: 850ms, 42s, 3m 05s, 1h 02m. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 0) return '0s';
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** From start to finish, or to `now` while still going; empty before it started. */
export function elapsed(startedAt: string | null, finishedAt: string | null, now: number): string {
  if (!startedAt) return '';
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return formatDuration(end - Date.parse(startedAt));
}

export function formatTime(timestamp: string | null): string {
  return timestamp ? new Date(timestamp).toLocaleString() : '';
}
