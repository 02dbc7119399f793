// Run parameters a schedule or a webhook keeps to start its runs with. The values of the
// pipeline's secret parameters are stored encrypted (like a run's own, see
// `PipelineRun.secretValues`) and shown as a mask, never as they were sent: found by the
// secret-canary test (README "Reliability"), which saw them in plain text in the database
// and in every schedule and webhook response.
import type { Prisma } from '@slipway/db';
import { parsePipeline } from '@slipway/pipeline';
import type { SecretBox } from './secret-box.ts';

/** A parameter's value as a run takes it. */
export type ParameterValue = string | number | boolean;

/** What a secret value is shown as (the same mask a run's secret parameters show). */
export const SECRET_PARAMETER_MASK = '***';

/** A secret parameter's value as stored in the `parameters` JSON: secret-box ciphertext. */
interface SealedValue {
  sealed: string;
}

function isSealed(entry: unknown): entry is SealedValue {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    !Array.isArray(entry) &&
    typeof (entry as { sealed?: unknown }).sealed === 'string'
  );
}

function entriesOf(value: Prisma.JsonValue): [string, unknown][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value);
}

/** The names whose values are stored encrypted. */
function sealedNames(stored: Prisma.JsonValue): string[] {
  return entriesOf(stored).flatMap(([name, entry]) => (isSealed(entry) ? [name] : []));
}

function isPlain(entry: unknown): entry is ParameterValue {
  return typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean';
}

/** The names of the `secret` parameters a pipeline spec declares (none when it does not parse). */
export function secretParameterNames(specText: string | undefined): string[] {
  if (specText === undefined) return [];
  const spec = parsePipeline(specText, { rules: 'schema' }).spec;
  return (spec?.parameters ?? []).filter((p) => p.type === 'secret').map((p) => p.name);
}

/** Stored parameters as a response shows them: secret values replaced by SECRET_PARAMETER_MASK. */
export function shownParameters(stored: Prisma.JsonValue): Record<string, ParameterValue> {
  const shown: Record<string, ParameterValue> = {};
  for (const [name, entry] of entriesOf(stored)) {
    if (isSealed(entry)) shown[name] = SECRET_PARAMETER_MASK;
    else if (isPlain(entry)) shown[name] = entry;
  }
  return shown;
}

/** Stored parameters as a run takes them: secret values decrypted. */
export function openParameters(stored: Prisma.JsonValue, box: SecretBox): Record<string, ParameterValue> {
  const open: Record<string, ParameterValue> = {};
  for (const [name, entry] of entriesOf(stored)) {
    if (isSealed(entry)) open[name] = box.decrypt(entry.sealed);
    else if (isPlain(entry)) open[name] = entry;
  }
  return open;
}

/**
 * The values a save sends, with a secret value sent back as SECRET_PARAMETER_MASK (as a
 * form that shows the stored parameters does) replaced by the stored one: the mask keeps
 * what is stored, any other value replaces it.
 */
export function sentParameters(
  sent: Record<string, ParameterValue>,
  stored: Prisma.JsonValue,
  box: SecretBox,
): Record<string, ParameterValue> {
  const open = openParameters(stored, box);
  const sealed = new Set(sealedNames(stored));
  const values: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(sent)) {
    const kept = value === SECRET_PARAMETER_MASK && sealed.has(name) ? open[name] : undefined;
    values[name] = kept ?? value;
  }
  return values;
}

/**
 * Parameters to store: the values of `secretNames` (and of names stored sealed before, in
 * `previous`, so a spec that no longer parses does not unseal them) encrypted.
 */
export function sealParameters(
  values: Record<string, ParameterValue>,
  secretNames: readonly string[],
  box: SecretBox,
  previous: Prisma.JsonValue = null,
): Prisma.InputJsonObject {
  const secret = new Set([...secretNames, ...sealedNames(previous)]);
  const stored: Record<string, Prisma.InputJsonValue> = {};
  for (const [name, value] of Object.entries(values)) {
    stored[name] = secret.has(name) ? { sealed: box.encrypt(String(value)) } : value;
  }
  return stored;
}

/**
 * Stored parameters with the plain values of `secretNames` sealed, for when a pipeline save
 * makes a parameter secret: values saved while it was not must not stay readable (found in
 * #17). Null when no value needed sealing (nothing to write).
 */
export function sealNewlySecret(
  stored: Prisma.JsonValue,
  secretNames: readonly string[],
  box: SecretBox,
): Prisma.InputJsonObject | null {
  const secret = new Set(secretNames);
  const entries = entriesOf(stored);
  if (!entries.some(([name, entry]) => secret.has(name) && isPlain(entry))) return null;
  const sealed: Record<string, Prisma.InputJsonValue> = {};
  for (const [name, entry] of entries) {
    if (secret.has(name) && isPlain(entry)) sealed[name] = { sealed: box.encrypt(String(entry)) };
    else if (isSealed(entry)) sealed[name] = { sealed: entry.sealed };
    else if (isPlain(entry)) sealed[name] = entry;
  }
  return sealed;
}
