// The one list of test tiers. `vitest.config.ts` passes it to `test.projects`, so
// `vitest run --project <name>` and a plain `vitest run` see the same tiers.
import type { TestProjectConfiguration } from 'vitest/config';

export const testProjects: TestProjectConfiguration[] = [
  {
    test: {
      name: 'unit',
      include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'charts/*/test/**/*.test.ts'],
      exclude: ['**/*.int.test.ts', '**/node_modules/**'],
      environment: 'node',
      // Property tests run real shells hundreds of times: seconds alone, more on a busy machine.
      testTimeout: 120_000,
    },
  },
  {
    test: {
      name: 'integration',
      include: ['apps/*/src/**/*.int.test.ts', 'packages/*/src/**/*.int.test.ts'],
      exclude: ['**/node_modules/**', '**/*.kube.int.test.ts'],
      environment: 'node',
      globalSetup: ['packages/db/test/postgres-global-setup.ts'],
      // Generous: tests wait for states, so a long limit costs nothing when they pass, and
      // CI's two cores are shared (server start-ups took over 30 s under load). The limits of
      // every tier are bounds for a hang, sized for `./run test:busy` (the suite sharing the
      // cores with as many CPU-bound processes as there are cores): files set no tighter ones.
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  },
  {
    // Schemathesis against the real server process on PostgreSQL (#17): a bounded number of
    // examples per operation, as a workspace viewer and as a platform admin. Python 3 is
    // needed (tools/schemathesis/setup.sh installs the pinned Schemathesis on first use).
    test: {
      name: 'fuzz',
      include: ['apps/api/test/fuzz/**/*.fuzz.test.ts'],
      environment: 'node',
      globalSetup: ['packages/db/test/postgres-global-setup.ts'],
      // About 1.5 min per role on an idle machine; the bound leaves room for `./run test:busy`.
      testTimeout: 600_000,
      hookTimeout: 300_000,
      fileParallelism: false,
    },
  },
  {
    // Integration tests that also need the local Kubernetes control plane.
    test: {
      name: 'cluster',
      include: [
        'apps/*/src/**/*.kube.int.test.ts',
        'packages/*/src/**/*.kube.int.test.ts',
        'charts/*/test/**/*.kube.int.test.ts',
      ],
      exclude: ['**/node_modules/**'],
      environment: 'node',
      globalSetup: [
        'packages/db/test/postgres-global-setup.ts',
        'packages/kube/test/cluster-global-setup.ts',
      ],
      testTimeout: 300_000,
      hookTimeout: 300_000,
    },
  },
  {
    // Fault injection (issue #17): the server process killed, the cluster's API server and
    // PostgreSQL restarted, the work directory's disk full. Each file is a bounded scenario
    // that owns the processes it breaks; one at a time, since they restart shared components.
    test: {
      name: 'faults',
      include: ['apps/*/test/faults/**/*.faults.test.ts'],
      exclude: ['**/node_modules/**'],
      environment: 'node',
      globalSetup: [
        'packages/db/test/postgres-global-setup.ts',
        'packages/kube/test/cluster-global-setup.ts',
      ],
      testTimeout: 300_000,
      hookTimeout: 300_000,
      fileParallelism: false,
    },
  },
  {
    test: {
      name: 'browser',
      include: ['apps/console/e2e/**/*.e2e.test.ts'],
      environment: 'node',
      globalSetup: [
        'packages/db/test/postgres-global-setup.ts',
        'packages/kube/test/cluster-global-setup.ts',
      ],
      // Generous: browser tests must pass while other work shares the machine's cores.
      testTimeout: 300_000,
      hookTimeout: 300_000,
      // expect.poll waits for a state on the page: 1 s (vitest's default) is too short on a busy machine.
      expect: { poll: { timeout: 60_000, interval: 100 } },
      fileParallelism: false,
    },
  },
  {
    // The container image (docker/): built with buildah, its entrypoint run against the test
    // PostgreSQL. Needs root and buildah (installed by docker/build-image.sh in CI).
    test: {
      name: 'image',
      include: ['docker/test/**/*.test.ts'],
      environment: 'node',
      globalSetup: ['packages/db/test/postgres-global-setup.ts'],
      // A cold image build (debootstrap, pnpm install, build, vfs layer copies) takes minutes.
      hookTimeout: 1_800_000,
      testTimeout: 300_000,
      fileParallelism: false,
    },
  },
];

export default testProjects;
