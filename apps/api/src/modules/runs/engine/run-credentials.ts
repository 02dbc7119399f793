import type { PlannedJob } from '@slipway/pipeline';
import type { ResolvedCredential } from '../../credentials/credentials.service.ts';
import { basicAuthOf } from './log-masking.ts';

export type { ResolvedCredential };

/** `SLIPWAY_CREDENTIAL_<NAME>_{USERNAME,SECRET}`: how a job's steps see a credential. */
export function credentialEnvNames(name: string): { username: string; secret: string } {
  const base = `SLIPWAY_CREDENTIAL_${name.replace(/-/g, '_').toUpperCase()}`;
  return { username: `${base}_USERNAME`, secret: `${base}_SECRET` };
}

/** A Docker config (`~/.docker/config.json`) holding one registry credential. */
export function dockerConfigOf(credential: ResolvedCredential): string {
  const auth = basicAuthOf(credential.username, credential.secret);
  return JSON.stringify({ auths: { [credential.server ?? '']: { auth } } });
}

/** The credential names a job uses: its `credentials` and its build steps' registries. */
export function credentialsOfJob(job: PlannedJob): string[] {
  const registries = job.steps.flatMap((step) =>
    step.buildImage?.credential ? [step.buildImage.credential] : [],
  );
  return [...new Set([...job.credentials, ...registries])];
}

/** Every credential a run needs, by name: its jobs' and the project's git credential. */
export function credentialsOfRun(plan: readonly PlannedJob[], gitCredential: string | null): string[] {
  return [
    ...new Set([
      ...plan.filter((job) => job.runs).flatMap(credentialsOfJob),
      ...(gitCredential ? [gitCredential] : []),
    ]),
  ];
}

/** Decrypted credentials of a workspace by name (absent names are left out): the credentials service. */
export type CredentialResolver = (
  workspaceId: string,
  names: string[],
) => Promise<Map<string, ResolvedCredential>>;
