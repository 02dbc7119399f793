import { clusterSkipReason } from '@slipway/kube/testing';
import { describe, expect, it } from 'vitest';
import { paths } from '../src/app/paths.ts';
import { IMAGE, setUpDeployProject } from './deploy-project.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, runHeading } from './helpers.ts';
import { useLocalStaging } from './local-staging.ts';
import { diffEditorTexts } from './monaco-diff.ts';

// Issue #14's approver story in the browser, on the local control plane: staging's policy
// (set in the environment form) wants one operator's approval, so a developer's deploy waits
// whatever the pipeline says. The operator finds it in the inbox, reads the image, config and
// dry-run manifest diff, is refused once because the live objects changed meanwhile (409:
// the new diff is shown), approves; the developer sees the decision on the run page. A second
// deploy is rejected and the run page shows who rejected it and why.

const PASSWORD = 'a-password-for-approvals';
const SECRETS = ['first-secret-value', 'second-secret-value'];
const RUN_TIMEOUT = 300_000;

describe.skipIf(browserSkipReason([clusterSkipReason()]))('deploy approvals in a browser', () => {
  const fixture = useConsole();
  const staging = useLocalStaging('apr');
  const { workspace, namespace, project, kube } = staging;
  const projectApi = `/api/v1${paths.project(workspace, 'shop')}`;
  const run = (number: number) => paths.run({ ...project, pipeline: 'ci', number });

  it('an operator reads the diff in the inbox and approves; the developer sees the decision; a rejected deploy shows the comment', {
    timeout: 900_000,
  }, async () => {
    const { page: admin } = fixture;
    await fixture.signIn();
    await staging.setUp(admin);
    await setUpDeployProject(admin, workspace, { GREETING: 'hello', DB_PASSWORD: SECRETS[0] ?? '' });
    for (const [user, role] of [
      ['dana', 'developer'],
      ['otto', 'operator'],
    ] as const) {
      await api(admin, 'POST', '/api/v1/users', { username: user, password: PASSWORD });
      await api(admin, 'POST', `${projectApi}/members`, { user, role });
    }

    // Release 1 goes live before any policy: what the approver's diff compares with.
    await api(admin, 'POST', `${projectApi}/pipelines/ci/runs`, {
      releaseType: 'release',
      environment: 'staging',
    });
    await admin.goto(run(1));
    await runHeading(admin, 1, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });

    // The admin sets staging's policy in the environment form: one operator, not the starter.
    await admin.goto(paths.environment(workspace, 'staging'));
    await admin.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = admin.getByRole('dialog', { name: 'Edit environment' });
    await form.getByLabel('Required approvals').fill('1');
    await form.getByLabel('Approver role').selectOption('operator');
    await form.getByLabel('Whoever started or committed a deploy may approve it').uncheck();
    await form.getByLabel('Approvals expire after (minutes)').fill('120');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    const environment = await (
      await api(admin, 'GET', `/api/v1${paths.environment(workspace, 'staging')}`)
    ).json();
    expect(environment.approvalPolicy).toMatchObject({
      requiredApprovals: 1,
      approverRole: 'operator',
      allowSelfApproval: false,
      expiryMinutes: 120,
    });
    await api(admin, 'POST', `${projectApi}/config-sets/app-config/environments/staging/versions`, {
      data: { GREETING: 'hello again', DB_PASSWORD: SECRETS[1] },
      message: 'Second configuration',
    });

    // Dana, a developer, deploys: the pipeline has no gate, the platform holds the deploy.
    const dana = await fixture.newPage();
    await fixture.signIn(dana, 'dana', PASSWORD);
    await api(dana, 'POST', `${projectApi}/pipelines/ci/runs`, {
      releaseType: 'release',
      environment: 'staging',
    });
    await dana.goto(run(2));
    const danaRelease = dana.getByRole('region', { name: 'Release #2' });
    await danaRelease
      .getByTestId('deploy-hold')
      .getByText('waiting for 1 approval of the role operator', { exact: false })
      .waitFor({ timeout: RUN_TIMEOUT });
    await danaRelease.getByRole('link', { name: 'Open the approval request' }).waitFor();
    await runHeading(dana, 2, 'running').waitFor();

    // Otto, an operator, sees the count in the header and opens the request from the inbox.
    const otto = await fixture.newPage();
    await fixture.signIn(otto, 'otto', PASSWORD);
    await otto.getByRole('link', { name: 'Approvals 1 pending' }).click();
    const inbox = otto.getByRole('table', { name: 'Approval requests' });
    await inbox.getByRole('link', { name: 'release #2 of shop' }).click();
    await otto.getByRole('heading', { name: /^Approve release #2 of shop\s+pending$/ }).waitFor();
    await otto.getByText('Compared with live release #1', { exact: false }).waitFor();

    // Image old → new; config key by key with the secret hidden; manifests from the dry run.
    const image = otto.getByTestId('approval-image');
    expect(await image.textContent()).toContain(`${IMAGE}:1`);
    expect(await image.textContent()).toContain(`${IMAGE}:2`);
    const config = otto.getByRole('table', { name: 'Changes of app-config' });
    const greeting = config.getByRole('row', { name: /GREETING/ });
    expect(await greeting.textContent()).toMatch(/hello.*hello again/);
    expect(await config.getByRole('row', { name: /DB_PASSWORD/ }).textContent()).toContain('hidden (secret)');
    for (const secret of SECRETS) expect(await otto.getByText(secret).count()).toBe(0);
    await otto.getByText('1 update, 1 unchanged (server-side dry run).').waitFor();
    const deployment = otto.locator('details', { has: otto.getByText('Deployment') });
    expect(await deployment.locator('summary').textContent()).toContain('update');
    await deployment
      .getByRole('textbox', { name: `Deployment ${namespace}/web in the dry run` })
      .waitFor({ state: 'attached' });
    const [deploymentDiff] = await diffEditorTexts(otto);
    expect(deploymentDiff?.from).toContain(`image: ${IMAGE}:1`);
    expect(deploymentDiff?.to).toContain(`image: ${IMAGE}:2`);
    expect(deploymentDiff?.from).not.toContain('managedFields');
    expect(
      await otto
        .locator('details', { has: otto.getByText('Service') })
        .locator('summary')
        .textContent(),
    ).toContain('unchanged');

    // Someone changes the live Service meanwhile: approving what was read is refused (409)
    // and the page shows the new diff; approving again goes through.
    await kube.mergePatch({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace, labels: { 'changed-by': 'hand' } },
    });
    const decide = otto.getByRole('form', { name: 'decide' });
    await decide.getByLabel('Comment').fill('image and config look right');
    await decide.getByRole('button', { name: 'Approve' }).click();
    await decide
      .getByTestId('stale-diff')
      .getByText('The diff changed since you opened it.', { exact: false })
      .waitFor();
    await otto
      .locator('details', { has: otto.getByText('Service') })
      .locator('summary')
      .click();
    await otto
      .getByRole('textbox', { name: `Service ${namespace}/web in the cluster (live)` })
      .waitFor({ state: 'attached' });
    const service = (await diffEditorTexts(otto)).find((diff) => diff.from.includes('kind: Service'));
    expect(service?.from).toContain('changed-by: hand');
    await decide.getByRole('button', { name: 'Approve' }).click();
    await otto.getByRole('heading', { name: /^Approve release #2 of shop\s+approved$/ }).waitFor();
    const decisions = otto.getByRole('list', { name: 'Decisions' });
    expect(await decisions.textContent()).toMatch(/approved\s*otto.*image and config look right/);
    await otto.getByRole('link', { name: 'Approvals 0 pending' }).waitFor();

    // Dana's run page, without reloading: the decision, then the deploy going green.
    await danaRelease
      .getByRole('list', { name: 'Decisions' })
      .getByText('otto')
      .waitFor({ timeout: RUN_TIMEOUT });
    expect(await danaRelease.getByRole('list', { name: 'Decisions' }).textContent()).toContain(
      'image and config look right',
    );
    await runHeading(dana, 2, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });
    const live = await kube.getDeployment(namespace, 'web');
    expect(live?.spec?.template.spec?.containers[0]?.image).toBe(`${IMAGE}:2`);

    // A third deploy: Otto rejects it with a reason; Dana's run shows who and why.
    await api(dana, 'POST', `${projectApi}/pipelines/ci/runs`, {
      releaseType: 'release',
      environment: 'staging',
    });
    await otto.goto(paths.approvals());
    await otto
      .getByRole('table', { name: 'Approval requests' })
      .getByRole('link', { name: 'release #3 of shop' })
      .click({ timeout: RUN_TIMEOUT });
    const reject = otto.getByRole('form', { name: 'decide' });
    await reject.getByRole('button', { name: 'Reject' }).click();
    await reject.getByText('Say why you reject this deploy.').waitFor();
    await reject.getByLabel('Comment').fill('not during the sale');
    await reject.getByRole('button', { name: 'Reject' }).click();
    await otto.getByRole('heading', { name: /^Approve release #3 of shop\s+rejected$/ }).waitFor();

    await dana.goto(run(3));
    await runHeading(dana, 3, 'failed').waitFor({ timeout: RUN_TIMEOUT });
    const rejected = dana.getByRole('region', { name: 'Release #3' });
    await rejected
      .getByTestId('deploy-rejected')
      .getByText('rejected by otto: not during the sale')
      .waitFor();
    expect(await rejected.getByRole('list', { name: 'Decisions' }).textContent()).toMatch(
      /rejected\s*otto.*not during the sale/,
    );
    expect((await kube.getDeployment(namespace, 'web'))?.spec?.template.spec?.containers[0]?.image).toBe(
      `${IMAGE}:2`,
    );
  });
});
