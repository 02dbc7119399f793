import type { CreatedWebhook } from '@slipway/contracts';
import { PROVIDER_SETUP, payloadUrl } from '../webhook-form.ts';

/** The one time the secret is shown: with the URL, it is what the provider needs. */
export function WebhookCreated({ webhook, onDone }: { webhook: CreatedWebhook; onDone: () => void }) {
  return (
    <div className="form">
      <p>{PROVIDER_SETUP[webhook.provider]}</p>
      <dl className="properties">
        <dt>Payload URL</dt>
        <dd>
          <code data-testid="webhook-url">{payloadUrl(window.location.origin, webhook.receiverPath)}</code>
        </dd>
        <dt>Secret</dt>
        <dd>
          <code data-testid="webhook-secret">{webhook.secret}</code>
        </dd>
      </dl>
      <p className="notice notice-info">
        Copy the secret now: Slipway stores it encrypted and will not show it again.
      </p>
      <div className="form-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
