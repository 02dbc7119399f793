/**
 * Ready-made stages, jobs and steps offered by the YAML editor's completion. Bodies use
 * Monaco's snippet syntax (`${1:default}` tab stops, `\${{` for a literal `${{`), are written
 * at indentation 0 and start with the list's "- "; Monaco indents the following lines like
 * the line the snippet goes on.
 */
export type SnippetLevel = 'stage' | 'job' | 'step';

export interface PipelineSnippet {
  label: string;
  level: SnippetLevel;
  detail: string;
  body: string;
}

const lines = (...parts: string[]) => parts.join('\n');

export const PIPELINE_SNIPPETS: readonly PipelineSnippet[] = [
  {
    label: 'test stage',
    level: 'stage',
    detail: 'A stage with one job that installs and runs the tests',
    body: lines(
      '- name: ${1:test}',
      '  jobs:',
      '    - name: ${2:unit}',
      '      image: ${3:node:24}',
      '      timeout: ${4:20m}',
      '      steps:',
      '        - name: test',
      '          run: ${5:npm ci && npm test}',
    ),
  },
  {
    label: 'build-image stage',
    level: 'stage',
    detail: 'A stage that builds and pushes the image without a Docker daemon',
    body: lines(
      '- name: ${1:build}',
      '  jobs:',
      '    - name: ${2:image}',
      '      steps:',
      '        - name: build-and-push',
      '          buildImage:',
      '            context: ${3:.}',
      '            dockerfile: ${4:Dockerfile}',
      '            destination: ${5:registry.example.com/team/app}:SNAPSHOT-\\${{ git.branch }}-\\${{ run.number }}',
      '            credential: ${6:registry}',
    ),
  },
  {
    label: 'approval stage',
    level: 'stage',
    detail: 'A gate: the run waits until enough people approve',
    body: lines(
      '- name: ${1:approve}',
      '  approval:',
      '    role: ${2:operator}',
      '    count: ${3:1}',
      '    allowSelfApproval: ${4|false,true|}',
    ),
  },
  {
    label: 'deploy stage',
    level: 'stage',
    detail: 'A stage that deploys a manifest set with its config to the run’s environment',
    body: lines(
      '- name: ${1:deploy}',
      '  jobs:',
      '    - name: ${2:release}',
      '      steps:',
      '        - name: deploy',
      '          deploy:',
      '            manifests: ${3:app}',
      '            image: ${4:registry.example.com/team/app}:\\${{ run.number }}',
      '            config: [${5:app-config}]',
      '            timeout: ${6:5m}',
    ),
  },
  {
    label: 'deploy job',
    level: 'job',
    detail: 'A job that deploys (its only step): manifests, image, config sets',
    body: lines(
      '- name: ${1:release}',
      '  steps:',
      '    - name: deploy',
      '      deploy:',
      '        manifests: ${2:app}',
      '        image: ${3:registry.example.com/team/app}:\\${{ run.number }}',
      '        config: [${4:app-config}]',
      '        timeout: ${5:5m}',
    ),
  },
  {
    label: 'test job',
    level: 'job',
    detail: 'A job (runs in parallel with the stage’s other jobs) that runs the tests',
    body: lines(
      '- name: ${1:unit}',
      '  image: ${2:node:24}',
      '  steps:',
      '    - name: test',
      '      run: ${3:npm ci && npm test}',
    ),
  },
  {
    label: 'build-image job',
    level: 'job',
    detail: 'A job that builds and pushes the image',
    body: lines(
      '- name: ${1:image}',
      '  steps:',
      '    - name: build-and-push',
      '      buildImage:',
      '        context: ${2:.}',
      '        destination: ${3:registry.example.com/team/app}:\\${{ git.sha }}',
      '        credential: ${4:registry}',
    ),
  },
  {
    label: 'checkout step',
    level: 'step',
    detail: 'Fetches the commit being built into the working directory',
    body: lines(
      '- name: checkout',
      '  image: ${1:alpine/git:2.47.2}',
      '  run: |',
      '    git init -q . && git remote add origin ${2:https://git.example.com/team/app.git}',
      '    git fetch -q --depth 1 origin \\${{ git.sha }} && git checkout -q FETCH_HEAD',
    ),
  },
  {
    label: 'test step',
    level: 'step',
    detail: 'Runs the tests',
    body: lines('- name: ${1:test}', '  run: ${2:npm test}'),
  },
  {
    label: 'build-image step',
    level: 'step',
    detail: 'Builds and pushes an image without a Docker daemon',
    body: lines(
      '- name: ${1:build-and-push}',
      '  buildImage:',
      '    context: ${2:.}',
      '    dockerfile: ${3:Dockerfile}',
      '    destination: ${4:registry.example.com/team/app}:\\${{ git.sha }}',
      '    credential: ${5:registry}',
    ),
  },
  {
    label: 'approval step',
    level: 'step',
    detail: 'Waits inside the job until enough people approve',
    body: lines('- name: ${1:approve}', '  approval:', '    role: ${2:operator}', '    count: ${3:1}'),
  },
];

const LIST_KEYS: Record<string, SnippetLevel> = { stages: 'stage', jobs: 'job', steps: 'step' };

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * Which list an item typed on `lineIndex` (0-based) would belong to: the nearest line above
 * that is indented less than the cursor (or as much, for lists written flush with their key)
 * and names `stages:`, `jobs:` or `steps:`. Anything else (inside a job's map, a value) is
 * no place for a snippet.
 */
export function snippetLevelAt(text: string, lineIndex: number, column: number): SnippetLevel | null {
  const all = text.split('\n');
  const current = all[lineIndex] ?? '';
  const before = current.slice(0, column);
  // Only at the start of an item: blank so far, or "- " and maybe part of a word.
  if (!/^\s*(-\s*)?[\w-]*$/.test(before)) return null;
  const indent = indentOf(current);
  for (let i = lineIndex - 1; i >= 0; i--) {
    const line = all[i] ?? '';
    if (/^\s*(#.*)?$/.test(line)) continue;
    const lineIndent = indentOf(line);
    if (lineIndent > indent) continue;
    const key = /^\s*(?:-\s+)?([\w-]+):\s*(#.*)?$/.exec(line)?.[1];
    if (lineIndent < indent) return key ? (LIST_KEYS[key] ?? null) : null;
    // Same indentation: a sibling item ("- …") keeps looking; a list flush with its key ends here.
    if (line.trimStart().startsWith('-')) continue;
    return key && current.trimStart().startsWith('-') ? (LIST_KEYS[key] ?? null) : null;
  }
  return null;
}

export function snippetsAt(text: string, lineIndex: number, column: number): PipelineSnippet[] {
  const level = snippetLevelAt(text, lineIndex, column);
  return level ? PIPELINE_SNIPPETS.filter((snippet) => snippet.level === level) : [];
}

/** The snippet as it will read once inserted with its defaults (for the completion's preview). */
export function snippetPreview(body: string): string {
  return body
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\\\$/g, '$');
}
