import type { NotificationChannel, NotificationEventType } from '@slipway/contracts';
import type { CreateChannelBody, UpdateChannelBody } from './api/mutations.ts';

/** The channel form's values: flat, text where people type lists. */
export interface ChannelFormValues extends Record<string, unknown> {
  name: string;
  type: 'webhook' | 'slack' | 'email';
  url: string;
  /** webhook: a new signing secret; empty keeps the stored one (edit) or sets none (create). */
  secret: string;
  /** webhook, edit: drop the stored secret. */
  removeSecret: boolean;
  /** email: addresses, separated by commas, spaces or new lines. */
  recipients: string;
  /** Event types sent; none ticked: all. */
  events: NotificationEventType[];
  enabled: boolean;
}

/** The values a form starts from: a new webhook channel, or the channel being edited. */
export function initialChannelValues(channel?: NotificationChannel): ChannelFormValues {
  return {
    name: channel?.name ?? '',
    type: channel?.type ?? 'webhook',
    url: channel?.url ?? '',
    secret: '',
    removeSecret: false,
    recipients: channel?.recipients.join('\n') ?? '',
    events: channel?.events ?? [],
    enabled: channel?.enabled ?? true,
  };
}

/** `a@x.io, b@y.io\nc@z.io` → the addresses, blanks dropped. */
export function recipientList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter(Boolean);
}

/** The create body: only the fields the channel's type uses (a webhook's URL and secret, an e-mail's recipients). */
export function createChannelBody(values: ChannelFormValues): CreateChannelBody {
  return {
    name: values.name,
    type: values.type,
    ...(values.type !== 'email' ? { url: values.url.trim() } : {}),
    ...(values.type === 'webhook' && values.secret ? { secret: values.secret } : {}),
    ...(values.type === 'email' ? { recipients: recipientList(values.recipients) } : {}),
    events: values.events,
    enabled: values.enabled,
  };
}

/** The update body: the secret only when replaced (a new one) or removed (null). */
export function updateChannelBody(values: ChannelFormValues): UpdateChannelBody {
  return {
    ...(values.type !== 'email' ? { url: values.url.trim() } : {}),
    ...(values.type === 'webhook' && values.removeSecret
      ? { secret: null }
      : values.type === 'webhook' && values.secret
        ? { secret: values.secret }
        : {}),
    ...(values.type === 'email' ? { recipients: recipientList(values.recipients) } : {}),
    events: values.events,
    enabled: values.enabled,
  };
}
