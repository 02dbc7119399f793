import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Run } from '@slipway/contracts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, fieldError, runHeading } from './helpers.ts';

// The run page's controls (approve/reject a gate, cancel, retry from a stage), driven the
// way people use them. Runs go to the local executor (the environment has no cluster):
// every step is a real shell on this machine, so the test can create files steps look for.

const PASSWORD = 'a-password-for-run-controls';
/**
 * Runs on the local executor take a few seconds; status changes arrive over the event
 * stream. Generous: the machine may be busy with other work.
 */
const RUN_TIMEOUT = 90_000;

/** A workspace with a project `app`, an environment `dev` (no cluster) and one pipeline. */
async function setUp(page: Page, workspace: string, pipeline: string, spec: string) {
  await api(page, 'POST', '/api/v1/workspaces', { slug: workspace, name: workspace });
  await api(page, 'POST', `/api/v1/workspaces/${workspace}/projects`, { slug: 'app', name: 'App' });
  await api(page, 'POST', `/api/v1/workspaces/${workspace}/environments`, { name: 'dev' });
  await api(page, 'POST', `/api/v1/workspaces/${workspace}/projects/app/pipelines`, {
    name: pipeline,
    spec,
  });
  return `/workspaces/${workspace}/projects/app/pipelines/${pipeline}`;
}

const GATED = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - name: compile
            run: echo compiled
  - name: approve
    approval: { role: operator, count: 1, allowSelfApproval: false }
  - name: ship
    jobs:
      - name: deploy
        image: alpine:3.22
        steps:
          - name: deploy
            run: echo shipped
`;

describe.skipIf(browserSkipReason())('run controls on the run page', () => {
  const fixture = useConsole();

  it('an operator approves, then rejects, a gate the developer who started the run may not decide', {
    timeout: 300_000,
  }, async () => {
    const { page: admin } = fixture;
    await fixture.signIn();
    const pipeline = await setUp(admin, 'gates', 'release', GATED);
    for (const [user, role] of [
      ['dana', 'developer'],
      ['otto', 'operator'],
    ] as const) {
      await api(admin, 'POST', '/api/v1/users', { username: user, password: PASSWORD });
      await api(admin, 'POST', '/api/v1/workspaces/gates/projects/app/members', { user, role });
    }

    // Dana, a developer, starts the run from the Run dialog.
    const dana = await fixture.newPage();
    await fixture.signIn(dana, 'dana', PASSWORD);
    await dana.goto(`${pipeline}/runs`);
    await dana.getByText('No runs yet').waitFor();
    await dana.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = dana.getByRole('dialog', { name: 'Run release' });
    await dialog.getByLabel('Environment').selectOption('dev');
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await dana.waitForURL(/\/runs\/1$/);

    // The build passes, then the run waits at the gate; the deploy has not started.
    await runHeading(dana, 1, 'waiting').waitFor({ timeout: RUN_TIMEOUT });
    await dana.getByRole('button', { name: 'Job compile: succeeded' }).waitFor();
    await dana.getByRole('button', { name: 'Job approve: waiting' }).waitFor();
    await dana.getByRole('button', { name: 'Job deploy: pending' }).waitFor();

    // The waiting gate is what the page shows first: who may decide, and that she may not.
    const danaGate = dana.getByRole('region', { name: 'Approval approve' });
    await danaGate
      .getByText(
        'Needs 1 approval from the role operator (or one with its rights); whoever started the run may not approve it.',
      )
      .waitFor();
    await danaGate.getByText('0 of 1 approval so far.').waitFor();
    // Both buttons are disabled before any click, with the server's own reason (the rule
    // its decision endpoint applies) as text and on hover.
    await danaGate
      .getByTestId('gate-refusal')
      .getByText('You cannot decide this gate: you do not have the permission approval.decide')
      .waitFor();
    for (const name of ['Approve', 'Reject…']) {
      const button = danaGate.getByRole('button', { name, exact: true });
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toBe('you do not have the permission approval.decide');
    }

    // Otto, an operator, approves with a comment in his own session.
    const otto = await fixture.newPage();
    await fixture.signIn(otto, 'otto', PASSWORD);
    await otto.goto(`${pipeline}/runs/1`);
    const ottoGate = otto.getByRole('region', { name: 'Approval approve' });
    await ottoGate.getByText('0 of 1 approval so far.').waitFor();
    // Wait until his rights are known (the button turns enabled) before checking what is absent.
    await expect.poll(() => ottoGate.getByRole('button', { name: 'Approve' }).isEnabled()).toBe(true);
    expect(await ottoGate.getByTestId('gate-refusal').count()).toBe(0);
    await ottoGate.getByLabel('Comment').fill('Checked the build, ship it');
    await ottoGate.getByRole('button', { name: 'Approve' }).click();

    // The deploy runs and the run succeeds, seen live on both pages.
    await runHeading(otto, 1, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });
    await otto.getByRole('button', { name: 'Job deploy: succeeded' }).waitFor();
    await runHeading(dana, 1, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });
    expect(await dana.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);

    // The decision stays on the gate: who, what and why.
    await otto.getByRole('button', { name: 'Job approve: succeeded' }).click();
    await expect
      .poll(() => ottoGate.getByTestId('gate-outcome').textContent())
      .toBe('This gate is succeeded — approved by otto.');
    await ottoGate.getByText('1 of 1 approval so far.').waitFor();
    const decision = ottoGate.getByRole('list', { name: 'Decisions' }).getByRole('listitem');
    await expect.poll(() => decision.count()).toBe(1);
    expect(await decision.textContent()).toMatch(/^approved otto .*Checked the build, ship it$/);
    expect(await ottoGate.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // A second run: Dana fills the Run dialog in from the last run, reviews it, starts it.
    await dana.goto(`${pipeline}/runs`);
    await dana.getByRole('button', { name: 'Run', exact: true }).click();
    const again = dana.getByRole('dialog', { name: 'Run release' });
    await again.getByRole('button', { name: 'Fill in the last values' }).click();
    await again.getByRole('status').getByText('Filled in from run #1: review and click Start run.').waitFor();
    expect(await again.getByLabel('Environment').inputValue()).toBe('dev');
    expect(dana.url()).toMatch(/\/runs$/);
    await again.getByRole('button', { name: 'Start run' }).click();
    await dana.waitForURL(/\/runs\/2$/);
    await runHeading(dana, 2, 'waiting').waitFor({ timeout: RUN_TIMEOUT });

    // Otto rejects it: the dialog asks why, and will not send a rejection without a reason.
    await otto.goto(`${pipeline}/runs/2`);
    await otto.getByRole('button', { name: 'Job approve: waiting' }).waitFor();
    await expect.poll(() => ottoGate.getByRole('button', { name: 'Reject…' }).isEnabled()).toBe(true);
    await ottoGate.getByRole('button', { name: 'Reject…' }).click();
    const reject = otto.getByRole('dialog', { name: 'Reject approve' });
    await reject.getByRole('button', { name: 'Reject', exact: true }).click();
    await expect
      .poll(async () => (await fieldError(reject, 'Reason')).textContent())
      .toBe('Say why you reject this gate.');
    await reject.getByLabel('Reason', { exact: true }).fill('Not during the release freeze');
    await reject.getByRole('button', { name: 'Reject', exact: true }).click();
    await reject.waitFor({ state: 'hidden' });

    await runHeading(otto, 2, 'rejected').waitFor({ timeout: RUN_TIMEOUT });
    await runHeading(dana, 2, 'rejected').waitFor({ timeout: RUN_TIMEOUT });
    await otto.getByRole('button', { name: 'Job deploy: skipped' }).waitFor();
    // The rejected gate is what the page shows first, with who and why on it and on the run.
    await otto
      .getByRole('button', { name: 'Job approve: rejected' })
      .getByText('rejected by otto: Not during the release freeze')
      .waitFor();
    await expect
      .poll(() => ottoGate.getByTestId('gate-outcome').textContent())
      .toBe('This gate is rejected — rejected by otto: Not during the release freeze.');
    const rejection = ottoGate.getByRole('list', { name: 'Decisions' }).getByRole('listitem');
    await expect
      .poll(() => rejection.textContent())
      .toMatch(/^rejected otto .*Not during the release freeze$/);
    for (const page of [otto, dana]) {
      await expect
        .poll(() => page.getByTestId('run-outcome').textContent())
        .toBe('approve / approve: rejected by otto: Not during the release freeze');
    }

    // "Fill in the last values" is offered only where the user may run: after a run in
    // production (started by the admin), Dana, a developer, is not offered it.
    await api(admin, 'POST', '/api/v1/workspaces/gates/environments', { name: 'prod', production: true });
    await api(admin, 'POST', `/api/v1${pipeline}/runs`, { releaseType: 'default', environment: 'prod' });
    await dana.goto(`${pipeline}/runs`);
    await dana.getByRole('table', { name: 'Runs' }).getByRole('link', { name: '#3' }).waitFor();
    await dana.getByRole('button', { name: 'Run', exact: true }).click();
    const third = dana.getByRole('dialog', { name: 'Run release' });
    await third
      .getByText('1 production environment hidden: you may not deploy to production here.')
      .waitFor();
    await expect
      .poll(() => third.getByTestId('rerun-unavailable').textContent())
      .toBe('The last run, #3, ran in prod, where you may not run.');
    expect(await third.getByRole('button', { name: 'Fill in the last values' }).count()).toBe(0);
  });

  it('cancels a running run from the run page', async () => {
    const { page } = fixture;
    await fixture.signIn();
    const pipeline = await setUp(
      page,
      'cancels',
      'slow',
      `stages:
  - name: work
    jobs:
      - name: wait
        image: alpine:3.22
        steps:
          - name: sleep
            run: sleep 120
`,
    );
    const started = (await (
      await api(page, 'POST', `/api/v1${pipeline}/runs`, { releaseType: 'default', environment: 'dev' })
    ).json()) as Run;
    await page.goto(`${pipeline}/runs/${started.number}`);
    await page.getByRole('button', { name: 'Job wait: running' }).waitFor({ timeout: RUN_TIMEOUT });
    await page.getByRole('button', { name: 'Step sleep: running' }).waitFor({ timeout: RUN_TIMEOUT });

    await page.getByRole('button', { name: 'Cancel run' }).click();
    const confirm = page.getByRole('dialog', { name: `Cancel run #${started.number}` });
    await confirm.getByText('Running jobs are stopped and the remaining work is cancelled.').waitFor();
    await confirm.getByRole('button', { name: 'Cancel run' }).click();

    // Well before the 120 s sleep would have ended.
    await runHeading(page, started.number, 'cancelled').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Job wait: cancelled' }).waitFor({ timeout: 60_000 });
    await confirm.waitFor({ state: 'hidden' });
    // An ended run offers a retry instead of cancelling.
    await page.getByRole('button', { name: 'Retry', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  });

  it('retries a failed run from its failing stage, re-using the stage before it', {
    timeout: 300_000,
  }, async () => {
    const { page } = fixture;
    await fixture.signIn();
    // The check passes once this file exists; the test creates it between the runs.
    const flag = path.join(tmpdir(), `slipway-retry-${randomUUID()}`);
    try {
      const pipeline = await setUp(
        page,
        'retries',
        'staged',
        `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - name: compile
            run: echo compiled
  - name: verify
    jobs:
      - name: check
        image: alpine:3.22
        steps:
          - name: flag
            run: test -f ${flag}
`,
      );
      const first = (await (
        await api(page, 'POST', `/api/v1${pipeline}/runs`, { releaseType: 'default', environment: 'dev' })
      ).json()) as Run;
      await page.goto(`${pipeline}/runs/${first.number}`);
      await runHeading(page, first.number, 'failed').waitFor({ timeout: RUN_TIMEOUT });
      await page.getByRole('button', { name: 'Job compile: succeeded' }).waitFor();
      await page.getByRole('button', { name: 'Job check: failed' }).waitFor();

      await writeFile(flag, '');
      // Only a stage whose earlier stages all succeeded is offered; the first is "Retry".
      const stage = page.getByLabel('Stage to retry from');
      expect(await stage.locator('option').allTextContents()).toEqual(['verify']);
      expect(await stage.inputValue()).toBe('verify');
      await page.getByRole('button', { name: 'Retry from stage' }).click();

      const second = first.number + 1;
      await page.waitForURL(new RegExp(`/runs/${second}$`));
      await runHeading(page, second, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });
      await page.getByRole('button', { name: 'Job compile: succeeded' }).waitFor();
      await page.getByRole('button', { name: 'Job check: succeeded' }).waitFor();
      // A succeeded run offers no retry from a stage.
      expect(await page.getByRole('button', { name: 'Retry from stage' }).count()).toBe(0);

      // The summary says it is a retry and links the run it retried.
      const startedBy = page.getByRole('definition').filter({ hasText: '(retry)' });
      await expect.poll(() => startedBy.textContent()).toBe(`admin (retry) — retry of #${first.number}`);

      // The console does not mark re-used jobs; the API says compile did not run again
      // (no executor) and kept the first run's times.
      const retried = (await (await api(page, 'GET', `/api/v1${pipeline}/runs/${second}`)).json()) as Run;
      const compile = retried.jobs.find((job) => job.name === 'compile');
      expect(compile).toMatchObject({ status: 'succeeded', executor: null });
      expect(retried.jobs.find((job) => job.name === 'check')).toMatchObject({
        status: 'succeeded',
        executor: 'local',
      });
      const before = (await (
        await api(page, 'GET', `/api/v1${pipeline}/runs/${first.number}`)
      ).json()) as Run;
      const original = before.jobs.find((job) => job.name === 'compile');
      expect(original?.startedAt).toBeTruthy();
      expect(compile?.startedAt).toBe(original?.startedAt);

      await startedBy.getByRole('link', { name: `#${first.number}` }).click();
      await page.waitForURL(new RegExp(`/runs/${first.number}$`));
      await runHeading(page, first.number, 'failed').waitFor();
    } finally {
      await rm(flag, { force: true });
    }
  });
});
