import {
  type NotificationChannel,
  NotificationEventSchema,
  type NotificationEventType,
} from '@slipway/contracts';
import { Form, SaveActions } from '../../../components/form/Form.tsx';
import { CheckboxInput, SelectInput, TextAreaInput, TextInput } from '../../../components/form/fields.tsx';
import { useForm } from '../../../components/form/use-form.ts';
import { CheckboxField } from '../../../components/TextField.tsx';
import { type ChannelFormValues, initialChannelValues } from '../channel-form.ts';

const TYPES = [
  { value: 'webhook', label: 'Outgoing webhook (JSON, HMAC-signed)' },
  { value: 'slack', label: 'Chat incoming webhook (Slack-compatible)' },
  { value: 'email', label: 'E-mail (SMTP)' },
] as const;

/** What each event means, for the checkboxes. */
const EVENT_LABELS: Record<NotificationEventType, string> = {
  'approval.requested': 'a deploy waits for approval',
  'approval.decided': 'a deploy was approved or rejected',
  'release.succeeded': 'a release succeeded',
  'release.failed': 'a release failed',
  'release.rolled-back': 'a release was rolled back',
};

/**
 * Create or edit a notification channel. The fields follow the type: a URL for webhooks and
 * chat, a signing secret for webhooks (never shown; blank keeps it), recipients for e-mail.
 */
export function ChannelForm<R>(props: {
  mode: 'create' | 'edit';
  channel?: NotificationChannel;
  submit: (values: ChannelFormValues) => Promise<R>;
  onSuccess: () => void;
  onCancel: () => void;
}) {
  const form = useForm({
    initial: initialChannelValues(props.channel),
    submit: props.submit,
    onSuccess: props.onSuccess,
  });
  const { type, events } = form.values;
  const toggle = (event: NotificationEventType, on: boolean) =>
    form.set('events', on ? [...events, event] : events.filter((e) => e !== event));
  return (
    <Form form={form} label={`${props.mode} notification channel`}>
      {props.mode === 'create' ? (
        <>
          <TextInput
            label="Name"
            required
            autoFocus
            hint="A slug, e.g. ops-chat."
            field={form.field('name')}
          />
          <SelectInput
            label="Type"
            options={TYPES}
            field={{
              ...form.field('type'),
              onChange: (value) => form.set('type', value as ChannelFormValues['type']),
            }}
          />
        </>
      ) : null}
      {type !== 'email' ? (
        <TextInput label="URL" type="url" required placeholder="https://" field={form.field('url')} />
      ) : null}
      {type === 'webhook' ? (
        <>
          <TextInput
            label={props.channel?.hasSecret ? 'New signing secret' : 'Signing secret'}
            type="password"
            autoComplete="new-password"
            hint={
              props.channel?.hasSecret
                ? 'A secret is set (never shown). Leave empty to keep it.'
                : 'HMAC-SHA256 key (8 characters or more) for the X-Slipway-Signature header; optional.'
            }
            field={form.field('secret')}
          />
          {props.channel?.hasSecret ? (
            <CheckboxInput label="Remove the signing secret" field={form.field('removeSecret')} />
          ) : null}
        </>
      ) : null}
      {type === 'email' ? (
        <TextAreaInput
          label="Recipients"
          hint="Addresses that get every event, separated by commas or new lines. Whoever started a deploy gets its news anyway."
          field={form.field('recipients')}
        />
      ) : null}
      <fieldset className="fieldset">
        <legend>Events (none ticked: all)</legend>
        {NotificationEventSchema.options.map((event) => (
          <CheckboxField
            key={event}
            label={`${event} — ${EVENT_LABELS[event]}`}
            checked={events.includes(event)}
            onChange={(change) => toggle(event, change.target.checked)}
          />
        ))}
        {form.error('events') ? <p className="field-error">{form.error('events')}</p> : null}
      </fieldset>
      <CheckboxInput label="Enabled" field={form.field('enabled')} />
      <SaveActions form={form} mode={props.mode} noun="channel" onCancel={props.onCancel} />
    </Form>
  );
}
