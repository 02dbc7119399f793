import type { PrismaClient } from '@slipway/db';
import type { PlannedJob } from '@slipway/pipeline';
import type { SecretBox } from '../../../lib/secret-box.ts';

export interface ResolvedCredential {
  name: string;
  type: string;
  username: string | null;
  server: string | null;
  secret: string;
}

/** `SLIPWAY_CREDENTIAL_<NAME>_{USERNAME,SECRET}`: how a job's steps see a credential. */
export function credentialEnvNames(name: string): { username: string; secret: string } {
  const base = `SLIPWAY_CREDENTIAL_${name.replace(/-/g, '_').toUpperCase()}`;
  return { username: `${base}_USERNAME`, secret: `${base}_SECRET` };
}

/** A Docker config (`~/.docker/config.json`) holding one registry credential. */
export function dockerConfigOf(credential: ResolvedCredential): string {
  const auth = Buffer.from(`${credential.username ?? ''}:${credential.secret}`).toString('base64');
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

/** Names of those that do not exist in the workspace. */
export async function missingCredentials(
  prisma: PrismaClient,
  workspaceId: string,
  names: readonly string[],
) {
  if (names.length === 0) return [];
  const found = await prisma.credential.findMany({
    where: { workspaceId, name: { in: [...names] } },
    select: { name: true },
  });
  const present = new Set(found.map((c) => c.name));
  return names.filter((name) => !present.has(name));
}

/** The credentials' values, decrypted: only here, at dispatch, never stored elsewhere. */
export async function resolveCredentials(
  prisma: PrismaClient,
  secrets: SecretBox,
  workspaceId: string,
  names: readonly string[],
): Promise<Map<string, ResolvedCredential>> {
  if (names.length === 0) return new Map();
  const rows = await prisma.credential.findMany({ where: { workspaceId, name: { in: [...names] } } });
  return new Map(
    rows.map((row) => [
      row.name,
      {
        name: row.name,
        type: row.type,
        username: row.username,
        server: row.server,
        secret: secrets.decrypt(row.secretEncrypted),
      },
    ]),
  );
}
