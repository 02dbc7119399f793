import { describe, expect, it } from 'vitest';
import { newDeployJob, toCanvasModel } from './canvas-model.ts';
import { canvasEdits } from './document-edits.ts';
import { parsePipeline } from './parse.ts';
import { type PlanContext, PlanError, planRun, unrunnableReason } from './run-plan.ts';
import { pipelineJsonSchema } from './schema.ts';

// The deploy step of issue #13: its schema, its checks (each at its line:column), its plan,
// and how the canvas draws and edits it.

const DEPLOY = `parameters:
  - name: tag
    default: v1
  - name: token
    type: secret
stages:
  - name: build
    jobs:
      - name: image
        image: alpine:3.22
        steps:
          - run: echo build
  - name: ship
    jobs:
      # the release of the run
      - name: release
        steps:
          - name: roll-out
            deploy:
              manifests: web            # the newest version when the run starts
              image: registry.example.com/shop/api:\${{ params.tag }}-\${{ run.number }}
              config: [app-config, feature-flags]
              timeout: 2m
      - name: from-repo
        when: { environment: [staging] }
        steps:
          - deploy:
              path: deploy/
`;

const context: PlanContext = {
  releaseType: 'default',
  environment: 'prod',
  branch: 'main',
  parameters: { tag: 'v2', token: 'hunter22' },
  runNumber: 12,
  runId: 'run-id',
  sha: '',
  namespace: 'shop-prod',
  project: 'api',
  workspace: 'shop',
  secretParameters: ['token'],
};

/** `line:column path: message` of every problem of `text`. */
function problems(text: string): string[] {
  return parsePipeline(text).errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`);
}

/** A one-job spec whose only step is `step` (indented as a list item under `steps:`). */
const oneStep = (step: string) =>
  `stages:\n  - name: ship\n    jobs:\n      - name: release\n        steps:\n${step}`;

describe('the deploy step in the spec', () => {
  it('parses with manifests or path, image, config and timeout', () => {
    const parsed = parsePipeline(DEPLOY);
    expect(parsed.errors).toEqual([]);
    const step = parsed.spec?.stages[1]?.jobs?.[0]?.steps[0];
    expect(step).toEqual({
      name: 'roll-out',
      deploy: {
        manifests: 'web',
        image: 'registry.example.com/shop/api:${{ params.tag }}-${{ run.number }}',
        config: ['app-config', 'feature-flags'],
        timeout: '2m',
      },
    });
  });

  it('is in the JSON Schema with descriptions (the editor’s hover docs)', () => {
    const text = JSON.stringify(pipelineJsonSchema());
    expect(text).toContain('"deploy"');
    expect(text).toContain('A manifest set of the project, by name');
    expect(text).toContain('How long the rollout may take');
  });

  it('takes exactly one of manifests and path, reported at the deploy key', () => {
    const both = oneStep('          - deploy:\n              manifests: web\n              path: deploy/\n');
    expect(problems(both)).toEqual([
      '6:13 stages[0].jobs[0].steps[0].deploy: a deploy step takes manifests or path, not both',
    ]);
    const neither = oneStep('          - name: d\n            deploy:\n              image: x:1\n');
    expect(problems(neither)).toEqual([
      '7:13 stages[0].jobs[0].steps[0].deploy: a deploy step needs manifests (a manifest set) or path (manifests in the repository)',
    ]);
  });

  it('must be its job’s only step', () => {
    const text = oneStep(
      '          - run: echo hi\n            image: alpine:3\n          - deploy: { manifests: web }\n',
    );
    expect(problems(text)).toEqual([
      '8:13 stages[0].jobs[0].steps[1]: a deploy step must be its job’s only step: put it in a job of its own',
    ]);
    // A stored spec (checked for its shape only) is refused when the run is created.
    const stored = parsePipeline(text, { rules: 'schema' }).spec;
    expect(stored && unrunnableReason(stored)).toBe(
      "stage 'ship', job 'release': a deploy step must be the job's only step",
    );
  });

  it('wants a relative repository path, slugs of config sets, each once, and no unknown keys', () => {
    const text = oneStep(`          - deploy:
              path: ../secrets/
              config: [app-config, App_Config, app-config]
              replicas: 3
`);
    expect(problems(text)).toEqual([
      '7:21 stages[0].jobs[0].steps[0].deploy.path: must be a path relative to the repository root, without ".."',
      expect.stringMatching(
        /^8:36 stages\[0\]\.jobs\[0\]\.steps\[0\]\.deploy\.config\[1\]: must be lowercase/,
      ),
      "8:48 stages[0].jobs[0].steps[0].deploy.config[2]: config set 'app-config' is named twice",
      "9:15 stages[0].jobs[0].steps[0].deploy.replicas: unknown field 'replicas'",
    ]);
    expect(problems(oneStep('          - deploy: { path: /etc/deploy }\n'))).toEqual([
      expect.stringMatching(/deploy\.path: must be a path relative to the repository root/),
    ]);
  });

  it('checks the variables of the image at the expression', () => {
    const text = oneStep(
      '          - deploy:\n              manifests: web\n              image: app:${{ run.nmber }}\n',
    );
    expect(problems(text)).toEqual([
      "8:26 stages[0].jobs[0].steps[0].deploy.image: unknown variable ${{ run.nmber }} — did you mean 'run.number'?",
    ]);
  });
});

describe('planning a deploy job', () => {
  const spec = parsePipeline(DEPLOY).spec;
  if (!spec) throw new Error('fixture must parse');

  it('is a deploy job without container steps, its image still holding its expressions', () => {
    const plan = planRun(spec, context);
    expect(plan.map((job) => [job.name, job.kind, job.runs, job.steps.length])).toEqual([
      ['image', 'job', true, 1],
      ['release', 'deploy', true, 0],
      ['from-repo', 'deploy', false, 0],
    ]);
    expect(plan[1]?.deploy).toEqual({
      name: 'roll-out',
      manifests: 'web',
      path: undefined,
      image: 'registry.example.com/shop/api:${{ params.tag }}-${{ run.number }}',
      config: ['app-config', 'feature-flags'],
      timeoutSeconds: 120,
    });
    expect(plan[2]?.deploy).toEqual({
      name: 'deploy',
      manifests: undefined,
      path: 'deploy/',
      image: undefined,
      config: [],
      timeoutSeconds: 300,
    });
    expect(plan[0]?.deploy).toBeUndefined();
  });

  it('refuses a secret parameter in the image (it is recorded with the release)', () => {
    const text = DEPLOY.replace('${{ params.tag }}', '${{ params.token }}');
    const withSecret = parsePipeline(text).spec;
    if (!withSecret) throw new Error('must parse');
    expect(() => planRun(withSecret, context)).toThrow(PlanError);
    expect(() => planRun(withSecret, context)).toThrow(
      "stage 'ship', job 'release', step 'roll-out': a secret parameter cannot be part of the image (${{ params.token }})",
    );
  });
});

describe('a deploy job on the canvas', () => {
  it('is drawn as a deploy node with what it deploys', () => {
    const spec = parsePipeline(DEPLOY).spec;
    if (!spec) throw new Error('fixture must parse');
    const [release, fromRepo] = toCanvasModel(spec)[1]?.jobs ?? [];
    expect(release).toMatchObject({
      kind: 'deploy',
      deploy: {
        source: 'manifest set web',
        image: 'registry.example.com/shop/api:${{ params.tag }}-${{ run.number }}',
        config: ['app-config', 'feature-flags'],
        timeout: '2m',
      },
      steps: [{ index: 0, name: 'roll-out', kind: 'deploy' }],
    });
    expect(fromRepo?.deploy?.source).toBe('repository deploy/');
    expect(toCanvasModel(spec)[0]?.jobs[0]).toMatchObject({ kind: 'job', deploy: null });
  });

  it('is added and edited as YAML edits that keep every comment', () => {
    const added = canvasEdits.addJob(DEPLOY, 1, newDeployJob(['release', 'from-repo']));
    expect(added.startsWith(DEPLOY.trimEnd())).toBe(true);
    expect(added.slice(DEPLOY.trimEnd().length)).toBe(`
      - name: deploy-1
        steps:
          - name: deploy
            deploy:
              manifests: app
              image: registry.example.com/app:\${{ run.number }}
              timeout: 5m
`);
    expect(parsePipeline(added).errors).toEqual([]);
    const edited = canvasEdits.setStepValue(added, 1, 0, 0, ['deploy', 'config'], ['app-config']);
    expect(edited).toContain('      # the release of the run\n');
    expect(edited).toContain('manifests: web            # the newest version when the run starts\n');
    expect(parsePipeline(edited).spec?.stages[1]?.jobs?.[0]?.steps[0]).toMatchObject({
      deploy: { config: ['app-config'] },
    });
    // Manifests and path replace each other in one edit: the spec stays valid throughout.
    const switched = canvasEdits.setDeployValue(edited, 1, 2, 0, ['deploy', 'path'], 'k8s/app.yaml');
    expect(parsePipeline(switched).errors).toEqual([]);
    expect(parsePipeline(switched).spec?.stages[1]?.jobs?.[2]?.steps[0]).toEqual({
      name: 'deploy',
      deploy: { path: 'k8s/app.yaml', image: 'registry.example.com/app:${{ run.number }}', timeout: '5m' },
    });
    const back = canvasEdits.setDeployValue(switched, 1, 2, 0, ['deploy', 'manifests'], 'web');
    expect(parsePipeline(back).spec?.stages[1]?.jobs?.[2]?.steps[0]).toMatchObject({
      deploy: { manifests: 'web', image: 'registry.example.com/app:${{ run.number }}' },
    });
    expect(canvasEdits.setDeployValue(back, 1, 2, 0, ['deploy', 'image'], undefined)).not.toContain(
      'registry.example.com/app',
    );
  });
});
