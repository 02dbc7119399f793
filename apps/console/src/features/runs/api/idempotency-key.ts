/**
 * A fresh key per Run dialog: the same opening never starts two runs. Built from
 * getRandomValues because randomUUID exists only on https (or localhost) pages.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `run-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
