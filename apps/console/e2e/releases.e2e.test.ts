import { clusterSkipReason, eventually } from '@slipway/kube/testing';
import { describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { useLocalStaging } from './local-staging.ts';
import { diffEditorTexts } from './monaco-diff.ts';
import { DEMO } from './pages.ts';
import { SEEDED, seedReleases } from './release-seed.ts';

// The releases pages, on releases 1 (superseded), 2 (live) and 3 (failed) of one project in
// one environment, seeded in the database (see release-seed.ts): on the demo platform (no
// cluster) the history, a release's parts, objects and log, the diff of two releases and the
// environment's history; on the local cluster a rollback to release 1 from its page, which
// the deploy engine applies for real (release 4: release 1's image and ConfigMap back).

const PROJECT = { workspace: DEMO.workspace, project: DEMO.project };

describe.skipIf(browserSkipReason())('releases in a browser', () => {
  const fixture = useConsole({ env: { SLIPWAY_DEMO: 'true' } });
  let seeded = false;
  const signInAndSeed = async () => {
    await fixture.signIn();
    if (seeded) return;
    await seedReleases(fixture.databaseUrl, { ...PROJECT, environment: DEMO.environment });
    seeded = true;
  };

  it('the project page leads to its release history; a release shows its parts, objects and deploy log', async () => {
    const { page } = fixture;
    await signInAndSeed();
    await page.goto(paths.project(DEMO.workspace, DEMO.project));
    await page.getByRole('link', { name: 'Releases', exact: true }).click();
    const table = page.getByRole('table', { name: 'Releases' });
    await table.getByRole('link', { name: '#3', exact: true }).waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    const failed = table.getByRole('row', { name: /#3/ });
    expect(await failed.textContent()).toContain('failed');
    expect(await failed.textContent()).toContain(SEEDED.images[2]);
    expect(await table.getByRole('row', { name: /#2/ }).textContent()).toMatch(
      /succeeded.*web@2.*app-config v2/,
    );

    // The environment filter keeps the releases of that environment (all of them here).
    await page.getByLabel('Environment').selectOption(DEMO.environment);
    await page.waitForURL(/\?environment=local$/);
    await table.getByRole('link', { name: '#1', exact: true }).waitFor();

    await table.getByRole('link', { name: '#2', exact: true }).click();
    await page.getByRole('heading', { name: /^Release #2/ }).waitFor();
    const overview = page.getByRole('tabpanel');
    await overview.getByText(SEEDED.images[1]).waitFor();
    expect(await overview.textContent()).toContain('app-config v2');
    expect(await overview.textContent()).toContain('app-config-v2');
    expect(await overview.getByRole('link', { name: 'ci #2' }).getAttribute('href')).toBe(
      paths.run({ ...PROJECT, pipeline: 'ci', number: 2 }),
    );

    await page.getByRole('tab', { name: 'Objects' }).click();
    const deployment = page.getByRole('region', { name: 'Deployment local/hello' });
    await deployment.waitFor();
    expect(await deployment.textContent()).toContain(`image: ${SEEDED.images[1]}`);
    await page.getByRole('region', { name: 'Ingress local/hello' }).waitFor();

    await page.getByRole('tab', { name: 'Log' }).click();
    const log = page.getByRole('log', { name: 'Deploy log' });
    await log.getByText('applied Ingress hello').waitFor();
    await page.getByText('The deploy has finished; this is the whole log.').waitFor();

    // A failed release says why.
    await page.goto(paths.release({ ...PROJECT, number: 3 }));
    await page.getByText(SEEDED.failure).waitFor();
  });

  it('two releases compared side by side: image, config key by key without secrets, objects one by one', async () => {
    const { page } = fixture;
    await signInAndSeed();
    await page.goto(paths.release({ ...PROJECT, number: 2 }));
    await page.getByRole('button', { name: 'Compare with…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Compare release #2' });
    await dialog.getByLabel('Release').selectOption('1');
    await dialog.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/\/releases\/1\/diff\?to=2$/);
    await page.getByRole('heading', { name: 'Release #1 → #2' }).waitFor();

    // In the image change, not in the manifests' diff editor below it (which shows them too).
    const image = page.getByRole('region', { name: 'Image change' });
    await image.getByText(SEEDED.images[0]).waitFor();
    await image.getByText(SEEDED.images[1]).waitFor();
    const config = page.getByRole('table', { name: 'Changes of app-config' });
    expect(await config.getByRole('row', { name: /GREETING/ }).textContent()).toMatch(
      /changed.*hello.*hello again/,
    );
    expect(await config.getByRole('row', { name: /FEATURE_FLAGS/ }).textContent()).toMatch(/added.*beta/);
    expect(await config.getByRole('row', { name: /DB_PASSWORD/ }).textContent()).toContain('hidden (secret)');
    const text = (await page.textContent('body')) ?? '';
    for (const secret of SEEDED.secretValues) expect(text).not.toContain(secret);

    // Changed and added objects are open with a diff editor each; the unchanged Service is folded.
    const objects = page.locator('details.release-diff-object');
    expect(await objects.count()).toBe(3);
    expect(
      await objects.filter({ has: page.locator('summary', { hasText: 'Service' }) }).getAttribute('open'),
    ).toBeNull();
    expect(
      await objects.filter({ has: page.locator('summary', { hasText: 'Ingress' }) }).textContent(),
    ).toContain('added');
    const editors = await diffEditorTexts(page);
    const deployment = editors.find((editor) => editor.to.includes('kind: Deployment'));
    expect(deployment?.from).toContain(SEEDED.images[0]);
    expect(deployment?.to).toContain(SEEDED.images[1]);
    expect(deployment?.changes).toBeGreaterThan(0);
    const added = editors.find((editor) => editor.to.includes('kind: Ingress'));
    expect(added?.from).toBe('');
  });

  it('the environment page lists its deployment history across projects', async () => {
    const { page } = fixture;
    await signInAndSeed();
    await page.goto(paths.environment(DEMO.workspace, DEMO.environment));
    await page.getByRole('tab', { name: 'Releases' }).click();
    const table = page.getByRole('table', { name: 'Releases' });
    await table.getByRole('link', { name: 'hello #3' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    await table.getByRole('link', { name: 'hello #1' }).click();
    await page.getByRole('heading', { name: /^Release #1/ }).waitFor();
  });
});

describe.skipIf(browserSkipReason([clusterSkipReason()]))(
  'a rollback on the local cluster in a browser',
  () => {
    const fixture = useConsole();
    const staging = useLocalStaging('rel');
    const { workspace, namespace, project, kube } = staging;

    /** What the cluster runs: the Deployment's image and the ConfigMap its container reads. */
    const deployed = async () => {
      const container = (await kube.getDeployment(namespace, 'hello'))?.spec?.template.spec?.containers[0];
      return { image: container?.image, configMap: container?.envFrom?.[0]?.configMapRef?.name };
    };

    it('rolls back to an earlier release from its page: a new release puts its image and ConfigMap back, shown live', {
      timeout: 600_000,
    }, async () => {
      const { page } = fixture;
      await fixture.signIn();
      await staging.setUp(page);
      // Releases 1–3 as recorded (1 and 2 once live, 3 failed); nothing of them is in the cluster.
      await seedReleases(fixture.databaseUrl, { ...project, environment: 'staging' });

      await page.goto(paths.environment(workspace, 'staging'));
      await page.getByRole('tab', { name: 'Releases' }).click();
      const history = page.getByRole('table', { name: 'Releases' });
      await history.getByRole('link', { name: 'shop #1' }).click();
      await page.getByRole('heading', { name: /^Release #1/ }).waitFor();

      // Asked first, naming environment, image and config versions; then release 4's page.
      await page.getByRole('button', { name: 'Roll back to this release' }).click();
      const confirm = page.getByRole('dialog', { name: 'Roll back staging to release #1' });
      expect(await confirm.textContent()).toContain(SEEDED.images[0]);
      expect(await confirm.textContent()).toContain('app-config v1');
      await confirm.getByRole('button', { name: 'Roll back' }).click();
      await page.waitForURL(new RegExp(`${paths.release({ ...project, number: 4 })}$`));
      // Read again while deploying, without reloading the page.
      await page.getByRole('heading', { name: /^Release #4\s*succeeded/ }).waitFor({ timeout: 180_000 });
      const overview = page.getByRole('tabpanel');
      expect(await overview.getByRole('link', { name: '#1', exact: true }).getAttribute('href')).toBe(
        paths.release({ ...project, number: 1 }),
      );
      expect(await deployed()).toEqual({ image: SEEDED.images[0], configMap: 'app-config-v1' });
      const configMap = await eventually('ConfigMap app-config-v1', async () =>
        (await kube.listConfigMaps(namespace)).find((item) => item.metadata?.name === 'app-config-v1'),
      );
      expect(configMap.immutable).toBe(true);
      expect(configMap.data?.GREETING).toBe('hello');

      await page.getByRole('tab', { name: 'Log' }).click();
      await page
        .getByRole('log', { name: 'Deploy log' })
        .getByText(/rolling back to release 1/)
        .waitFor();
      await page.getByText('The deploy has finished; this is the whole log.').waitFor();

      // The environment shows it live, with its rollout and pods, and at the top of its history.
      await page.goto(paths.environment(workspace, 'staging'));
      await page.getByRole('tab', { name: 'Live' }).click();
      const live = page.getByRole('region', { name: 'Live in shop' });
      await live.getByRole('link', { name: '#4', exact: true }).waitFor();
      await live.getByText('rollout available').waitFor();
      await live.getByText(SEEDED.images[0]).waitFor();
      await page.getByRole('tab', { name: 'Releases' }).click();
      const newest = history.getByRole('row').nth(1);
      await newest.getByRole('link', { name: 'shop #4' }).waitFor();
      expect(await newest.textContent()).toContain('rollback to #1');
    });
  },
);
