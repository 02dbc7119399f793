import type { CreateWebhookBody, WebhookEvent, WebhookProvider } from '@slipway/contracts';
import type { Parameter } from '@slipway/pipeline';
import { DEFAULT_RELEASE_TYPE } from '../runs/dialog/run-form.ts';

type ParameterValue = string | number | boolean;

export type WebhookFormValues = {
  name: string;
  provider: WebhookProvider;
  events: WebhookEvent[];
  /** One glob per line, for each filter. */
  branches: string;
  tags: string;
  paths: string;
  pipeline: string;
  releaseType: string;
  environment: string;
  /** `name=value`, one per line. */
  parameters: string;
  /** Empty: the server generates one and shows it once. */
  secret: string;
};

export function initialWebhookValues(): WebhookFormValues {
  return {
    name: '',
    provider: 'github',
    events: ['push'],
    branches: '',
    tags: '',
    paths: '',
    pipeline: '',
    releaseType: '',
    environment: '',
    parameters: '',
    secret: '',
  };
}

/** Non-empty trimmed lines: how the glob and parameter text areas are read. */
export function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A value typed as its declared parameter wants (booleans, numbers, a choice's own value). */
function typedValue(parameter: Parameter | undefined, text: string): ParameterValue {
  if (parameter?.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (parameter?.type === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (parameter?.type === 'choice')
    return parameter.choices?.find((choice) => String(choice) === text) ?? text;
  // Undeclared names are sent as typed, so the server's message names them.
  return text;
}

/**
 * Reads `name=value` lines into parameter values. Lines without `=` are returned as
 * problems rather than dropped, so a typo does not silently lose a parameter.
 */
export function parseParameterLines(
  text: string,
  declared: readonly Parameter[],
): { values: Record<string, ParameterValue>; problems: string[] } {
  const values: Record<string, ParameterValue> = {};
  const problems: string[] = [];
  for (const line of linesOf(text)) {
    const separator = line.indexOf('=');
    const name = separator > 0 ? line.slice(0, separator).trim() : '';
    if (!name) {
      problems.push(`“${line}” is not name=value`);
      continue;
    }
    const value = line.slice(separator + 1).trim();
    values[name] = typedValue(
      declared.find((parameter) => parameter.name === name),
      value,
    );
  }
  return { values, problems };
}

/** The create request for the form's values (the secret only when one was typed). */
export function createWebhookBody(
  values: WebhookFormValues,
  parameters: Record<string, ParameterValue>,
): CreateWebhookBody {
  return {
    name: values.name.trim(),
    provider: values.provider,
    events: values.events,
    branches: linesOf(values.branches),
    tags: linesOf(values.tags),
    paths: linesOf(values.paths),
    pipeline: values.pipeline,
    releaseType: values.releaseType,
    environment: values.environment,
    parameters,
    ...(values.secret.trim() ? { secret: values.secret.trim() } : {}),
  };
}

/** Where the provider is told to deliver: this server's origin and the webhook's path. */
export function payloadUrl(origin: string, receiverPath: string): string {
  return `${origin.replace(/\/+$/, '')}${receiverPath}`;
}

/** How each provider is set up, shown next to the URL and secret. */
export const PROVIDER_SETUP: Record<WebhookProvider, string> = {
  github:
    'GitHub: Settings → Webhooks → Add webhook. Payload URL as below, content type application/json, the secret below, events “Just the push event” (tags are pushes too).',
  gitlab:
    'GitLab: Settings → Webhooks → Add new webhook. URL as below, the secret below as “Secret token”, triggers “Push events” and/or “Tag push events”.',
};

/**
 * The release type and parameters a form that starts runs later (a webhook, a schedule) sends:
 * the default release type when the pipeline declares none (every stage runs under it), and the
 * `name=value` lines typed by the parameters the chosen release type asks for.
 */
export function runTargetOf(
  values: { releaseType: string; parameters: string },
  releaseTypes: readonly string[],
  asked: readonly Parameter[],
): { releaseType: string; parameters: Record<string, ParameterValue> } {
  return {
    releaseType: releaseTypes.length === 0 ? DEFAULT_RELEASE_TYPE : values.releaseType,
    parameters: parseParameterLines(values.parameters, asked).values,
  };
}
