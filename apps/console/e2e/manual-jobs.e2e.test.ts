import { describe, expect, it } from 'vitest';
import { expectAccessible } from './axe.ts';
import { browserSkipReason, useConsole } from './fixture.ts';
import { api, runHeading } from './helpers.ts';

// A manual job on the run page, on the local executor: the run finishes without it; a
// viewer sees ▶ Play disabled with the reason; an operator plays it from the keyboard, and
// the page follows the run live back to running and to succeeded again.

const PASSWORD = 'a-password-for-manual-jobs';
/** Runs on the local executor take seconds; the machine may be busy with other work. */
const RUN_TIMEOUT = 90_000;
const PIPELINE = '/workspaces/manual/projects/app/pipelines/ship';

const SPEC = `stages:
  - name: build
    jobs:
      - name: compile
        image: alpine:3.22
        steps:
          - run: echo built
  - name: release
    jobs:
      - name: publish
        manual: true
        image: alpine:3.22
        steps:
          - name: push
            run: echo published
`;

describe.skipIf(browserSkipReason())('manual jobs on the run page', () => {
  const fixture = useConsole();

  it('a viewer may not play; an operator plays from the keyboard and the run goes on live', {
    timeout: 300_000,
  }, async () => {
    const { page: admin } = fixture;
    await fixture.signIn();
    await api(admin, 'POST', '/api/v1/workspaces', { slug: 'manual', name: 'manual' });
    await api(admin, 'POST', '/api/v1/workspaces/manual/projects', { slug: 'app', name: 'App' });
    await api(admin, 'POST', '/api/v1/workspaces/manual/environments', { name: 'dev' });
    await api(admin, 'POST', '/api/v1/workspaces/manual/projects/app/pipelines', {
      name: 'ship',
      spec: SPEC,
    });
    for (const [user, role] of [
      ['vera', 'viewer'],
      ['otto', 'operator'],
    ] as const) {
      await api(admin, 'POST', '/api/v1/users', { username: user, password: PASSWORD });
      await api(admin, 'POST', '/api/v1/workspaces/manual/projects/app/members', { user, role });
    }
    await api(admin, 'POST', `/api/v1${PIPELINE}/runs`, { releaseType: 'default', environment: 'dev' });

    // The run ends without the manual job, which waits to be played (shown by default).
    const otto = await fixture.newPage();
    await fixture.signIn(otto, 'otto', PASSWORD);
    await otto.goto(`${PIPELINE}/runs/1`);
    await runHeading(otto, 1, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });
    // Chosen from the keyboard too: the URL keeps the job while the run moves on.
    const card = otto.getByRole('button', { name: /^Job publish: manual/ });
    await card.focus();
    await otto.keyboard.press('Enter');
    expect(await card.getAttribute('aria-pressed')).toBe('true');
    const panel = otto.getByRole('region', { name: 'Manual job publish' });
    const play = panel.getByRole('button', { name: 'Play publish' });
    await play.waitFor();
    expect(await play.isEnabled()).toBe(true);
    await expectAccessible(otto, { label: 'run page with a manual job' });

    // Vera, a viewer, sees the button disabled and why.
    const vera = await fixture.newPage();
    await fixture.signIn(vera, 'vera', PASSWORD);
    await vera.goto(`${PIPELINE}/runs/1`);
    const veraPanel = vera.getByRole('region', { name: 'Manual job publish' });
    const veraPlay = veraPanel.getByRole('button', { name: 'Play publish' });
    await veraPlay.waitFor();
    expect(await veraPlay.isDisabled()).toBe(true);
    expect(await veraPanel.getByTestId('play-refusal').textContent()).toBe(
      'You cannot play this job: you may not run this pipeline',
    );
    expect(await veraPlay.getAttribute('aria-describedby')).toBe(
      await veraPanel.getByTestId('play-refusal').getAttribute('id'),
    );

    // Otto plays it from the keyboard; the page follows the run live: running, then succeeded.
    await play.focus();
    await otto.keyboard.press('Enter');
    await runHeading(otto, 1, '(running|succeeded)').waitFor({ timeout: RUN_TIMEOUT });
    await panel.getByTestId('manual-played').getByText('otto').waitFor();
    await otto.getByRole('button', { name: /^Job publish: succeeded/ }).waitFor({ timeout: RUN_TIMEOUT });
    await runHeading(otto, 1, 'succeeded').waitFor({ timeout: RUN_TIMEOUT });
    expect(await panel.getByRole('button', { name: 'Play publish' }).count()).toBe(0);
    await otto.getByRole('button', { name: /^Step push: succeeded/ }).click();
    await otto.getByText('published', { exact: true }).waitFor({ timeout: RUN_TIMEOUT });
  });
});
