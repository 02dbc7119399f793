import { clusterSkipReason } from '@slipway/kube/testing';
import { describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { IMAGE, setUpDeployProject } from './deploy-project.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { useLocalStaging } from './local-staging.ts';

// Issue #13's developer story in the browser, on the local control plane: click Run, pick the
// release type and `staging`, and the deploy job deploys (the engine, not a container, runs
// it). Set up through the API: cluster, workspace, environment, project, and the deploying
// project of deploy-project.ts.

describe.skipIf(browserSkipReason([clusterSkipReason()]))(
  'a deploy run on the local cluster in a browser',
  () => {
    const fixture = useConsole();
    const staging = useLocalStaging('dep');
    const { workspace, namespace, project, kube } = staging;

    it('Run → release type and staging → the deploy job goes green with its deploy log; release 1 shows in the project and the environment', {
      timeout: 600_000,
    }, async () => {
      const { page } = fixture;
      await fixture.signIn();
      await staging.setUp(page);
      await setUpDeployProject(page, workspace);

      // The developer's whole job: open the pipeline, click Run, pick release type and environment.
      await page.goto(paths.project(workspace, 'shop'));
      await page.getByRole('link', { name: 'ci', exact: true }).click();
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Run ci' });
      await dialog.getByLabel('Release type').selectOption('release');
      await dialog.getByLabel('Environment').selectOption('staging');
      await dialog.getByRole('button', { name: 'Start run' }).click();
      await page.waitForURL(new RegExp(`${paths.run({ ...project, pipeline: 'ci', number: 1 })}$`));

      // Live, without reloading: the deploy job goes green; its step log is the deploy log.
      await page.getByRole('button', { name: 'Job web: succeeded' }).waitFor({ timeout: 300_000 });
      await page.getByRole('heading', { name: /^Run #1\s+succeeded$/ }).waitFor();
      await page.getByRole('button', { name: 'Job web: succeeded' }).click();
      await page.getByRole('button', { name: /^Step deploy: succeeded/ }).click();
      const log = page.getByRole('log', { name: 'Lines of deploy' });
      await log.getByText('ConfigMap/app-config-v1 created (immutable)').waitFor();
      await log.getByText(`Deployment/${namespace}/web created`).waitFor();
      await log.getByText(`Service/${namespace}/web created`).waitFor();
      await log.getByText('release succeeded: every workload is available').waitFor();

      // The project's releases: release 1 succeeded in staging, with the run's image.
      await page.goto(paths.project(workspace, 'shop'));
      await page.getByRole('link', { name: 'Releases', exact: true }).click();
      const releases = page.getByRole('table', { name: 'Releases' });
      const first = releases.getByRole('row', { name: /#1/ });
      await first.getByRole('link', { name: '#1', exact: true }).waitFor();
      expect(await releases.getByRole('row').count()).toBe(2);
      expect(await first.textContent()).toMatch(/succeeded/);
      expect(await first.textContent()).toContain(`${IMAGE}:1`);
      expect(await first.textContent()).toContain('app-config v1');

      // The environment shows it live (rollout and image) and lists it in its history.
      await page.goto(paths.environment(workspace, 'staging'));
      await page.getByRole('tab', { name: 'Live' }).click();
      const live = page.getByRole('region', { name: 'Live in shop' });
      await live.getByRole('link', { name: '#1', exact: true }).waitFor();
      await live.getByText('rollout available').waitFor();
      await live.getByText(`${IMAGE}:1`).waitFor();
      await page.getByRole('tab', { name: 'Releases' }).click();
      const history = page.getByRole('table', { name: 'Releases' });
      const row = history.getByRole('row', { name: /shop #1/ });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/succeeded/);

      // What the cluster runs: the run's image, mounting the version's immutable ConfigMap.
      const deployment = await kube.getDeployment(namespace, 'web');
      expect(deployment?.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:1`);
      expect(deployment?.spec?.template.spec?.volumes?.[0]?.configMap?.name).toBe('app-config-v1');
    });
  },
);
