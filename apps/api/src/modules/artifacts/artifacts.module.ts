import type { PrismaClient } from '@slipway/db';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Actor } from '../../lib/actor.ts';
import type { RunParams } from '../runs/runs.service.ts';
import { type ArtifactGc, createArtifactGc } from './artifact-gc.ts';
import { type ArtifactStore, createArtifactStore } from './artifact-store.ts';
import type { ArtifactStoreLocation } from './artifact-store-url.ts';
import { createArtifactsRepo } from './artifacts.repo.ts';
import { registerArtifactRoutes } from './artifacts.routes.ts';
import { createArtifactsService } from './artifacts.service.ts';
import { type BlobStore, createBlobStore } from './blob-store.ts';

/**
 * Job artifacts (README "Artifacts"): the blob store SLIPWAY_ARTIFACT_STORE names, the artifact
 * store the job-files routes save into and read from, the user API (list, download), and the
 * expiry the leader runs (`gc`, started and stopped with the run engine).
 */
export function createArtifactsModule(deps: {
  prisma: PrismaClient;
  config: { store: ArtifactStoreLocation; maxRunBytes: number };
  readableRun: (actor: Actor, params: RunParams) => Promise<{ id: string; number: number }>;
  logger?: FastifyBaseLogger | undefined;
  /** A blob store of the caller's (tests); by default the one `config.store` names. */
  blobs?: BlobStore;
}): { store: ArtifactStore; blobs: BlobStore; gc: ArtifactGc; registerRoutes(app: FastifyInstance): void } {
  const blobs = deps.blobs ?? createBlobStore(deps.config.store, { prisma: deps.prisma });
  const artifacts = createArtifactsRepo(deps.prisma);
  const store = createArtifactStore({ artifacts, blobs, config: deps.config });
  const gc = createArtifactGc({ artifacts, blobs, logger: deps.logger });
  const service = createArtifactsService({ store, readableRun: deps.readableRun });
  return { store, blobs, gc, registerRoutes: (app) => registerArtifactRoutes(app, { artifacts: service }) };
}
