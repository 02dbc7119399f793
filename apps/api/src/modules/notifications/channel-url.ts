// A channel's receiver URL is a secret: a Slack incoming-webhook URL is
// `https://hooks.slack.com/services/<team>/<channel>/<token>`, and generic webhook URLs often
// carry a token in the path or query (Discord, Teams, `?token=`). So it is stored encrypted and
// shown as its origin and a mask, like the values of secret parameters (GitLab masks its
// integrations' webhook URLs the same way). Found in #17: workspace readers saw Slack URLs.

import type { SecretBox } from '../../lib/secret-box.ts';
import { SECRET_PARAMETER_MASK } from '../../lib/stored-parameters.ts';

/** The URL columns of a channel row: `urlEncrypted`, or (saved before it existed) plain `url`. */
export interface StoredChannelUrl {
  url: string | null;
  urlEncrypted: string | null;
}

/** The receiver URL to send to (decrypted), or null (e-mail channels). */
export function openChannelUrl(row: StoredChannelUrl, box: SecretBox): string | null {
  return row.urlEncrypted !== null ? box.decrypt(row.urlEncrypted) : row.url;
}

/**
 * The URL as responses show it: `<scheme>://<host[:port]>/***` — where deliveries go, never
 * the path, query or user-info that may hold the token. Sent back unchanged on an update, it
 * keeps the stored URL (see `isMaskedUrl`).
 */
export function maskedChannelUrl(url: string | null): string | null {
  if (url === null) return null;
  return `${URL.parse(url)?.origin ?? ''}/${SECRET_PARAMETER_MASK}`;
}

/** Whether `sent` is what `maskedChannelUrl` shows for the stored URL: an update that keeps it. */
export function isMaskedUrl(sent: string, stored: string | null): boolean {
  return stored !== null && sent === maskedChannelUrl(stored);
}

/**
 * Whether `url` is a mask (`…/***`) rather than a receiver: sent back for another channel, or
 * after the scheme or host was edited, it matches no stored URL and must not become one (a
 * delivery to the literal mask then failed, found by a trial in #17).
 */
export function looksMasked(url: string): boolean {
  return url.endsWith(`/${SECRET_PARAMETER_MASK}`);
}

/** The columns to write for a URL: encrypted, and the legacy plain column cleared. */
export function sealChannelUrl(url: string | null, box: SecretBox): StoredChannelUrl {
  return { url: null, urlEncrypted: url === null ? null : box.encrypt(url) };
}
