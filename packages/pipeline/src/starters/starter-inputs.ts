import { type ReadRepositoryFile, type RepositoryType, readPackageJson } from './detect.ts';

/**
 * The `with:` values a project's starter pipeline gives its template, read from the
 * repository: the language version it pins and, for Node and Python, how it installs.
 * Values equal to the template's defaults are left out, except the version, which is always
 * written so the short pipeline says what it builds with.
 */
export async function starterInputs(
  type: RepositoryType,
  fileNames: readonly string[],
  readFile?: ReadRepositoryFile,
): Promise<Record<string, string>> {
  const files = new Set(fileNames);
  const read = async (name: string) => (files.has(name) ? await readFile?.(name) : undefined);
  switch (type) {
    case 'node':
      return nodeInputs(files, read);
    case 'maven':
      return { jdk: javaRelease(await read('pom.xml'), POM_JAVA_VERSION) ?? '21' };
    case 'gradle': {
      const script = (await read('build.gradle.kts')) ?? (await read('build.gradle'));
      return {
        jdk: javaRelease(script, GRADLE_JAVA_VERSION) ?? '21',
        ...(files.has('gradlew') ? {} : { gradle: 'gradle' }),
      };
    }
    case 'go':
      return { goVersion: /^go\s+(\d+\.\d+)/m.exec((await read('go.mod')) ?? '')?.[1] ?? '1.26' };
    case 'python':
      return pythonInputs(files, read);
    case 'static':
      return {};
  }
}

type Read = (name: string) => Promise<string | undefined>;

async function nodeInputs(files: ReadonlySet<string>, read: Read): Promise<Record<string, string>> {
  const pkg = (await readPackageJson(read)) as
    | { engines?: { node?: unknown }; scripts?: Record<string, unknown>; packageManager?: unknown }
    | undefined;
  const engines = typeof pkg?.engines?.node === 'string' ? pkg.engines.node : undefined;
  const pinned = engines ?? (await read('.nvmrc')) ?? (await read('.node-version'));
  const nodeVersion = /(\d+)/.exec(pinned ?? '')?.[1] ?? '24';
  const testScript = pkg?.scripts?.test;
  // `npm init` writes a test script that only fails; without tests the step says so instead.
  const noTests =
    pkg !== undefined && (typeof testScript !== 'string' || /no test specified/.test(testScript));
  const manager = files.has('pnpm-lock.yaml') ? 'pnpm' : files.has('yarn.lock') ? 'yarn' : 'npm';
  const inputs: Record<string, string> = { nodeVersion };
  if (manager === 'pnpm') {
    inputs.install = 'corepack enable && pnpm install --frozen-lockfile';
    inputs.test = 'pnpm test';
    inputs.build = 'pnpm run --if-present build';
  } else if (manager === 'yarn') {
    // Yarn 2 and later keep their settings in .yarnrc.yml and spell the flag differently.
    const modern = files.has('.yarnrc.yml') || /^yarn@[2-9]/.test(String(pkg?.packageManager ?? ''));
    inputs.install = `corepack enable && yarn install ${modern ? '--immutable' : '--frozen-lockfile'}`;
    inputs.test = 'yarn test';
    // Unlike npm and pnpm, yarn has no --if-present.
    inputs.build =
      'build' in (pkg?.scripts ?? {}) ? 'yarn run build' : 'echo "package.json has no build script"';
  } else if (!files.has('package-lock.json') && !files.has('npm-shrinkwrap.json')) {
    inputs.install = 'npm install';
  }
  if (noTests) inputs.test = 'echo "package.json has no test script yet"';
  return inputs;
}

async function pythonInputs(files: ReadonlySet<string>, read: Read): Promise<Record<string, string>> {
  const pinned = (await read('.python-version')) ?? '';
  const requires = /requires-python\s*=\s*["'][^"'\d]*(\d+\.\d+)/.exec((await read('pyproject.toml')) ?? '');
  const pythonVersion = /^\s*(\d+\.\d+)/.exec(pinned)?.[1] ?? requires?.[1] ?? '3.13';
  const inputs: Record<string, string> = { pythonVersion };
  if (files.has('requirements.txt')) return inputs;
  if (files.has('Pipfile')) inputs.install = 'pip install pipenv && pipenv install --system --dev';
  else inputs.install = 'pip install .';
  return inputs;
}

const POM_JAVA_VERSION =
  /<(?:maven\.compiler\.release|java\.version|maven\.compiler\.source|release)>\s*(?:1\.)?(\d+)\s*</;
const GRADLE_JAVA_VERSION =
  /(?:JavaLanguageVersion\.of\(\s*|JavaVersion\.VERSION_(?:1_)?|sourceCompatibility\s*=\s*['"]?(?:1\.)?)(\d+)/;
/** The Java versions the build images are published for. */
const JAVA_RELEASES = ['8', '11', '17', '21', '25'];

function javaRelease(text: string | undefined, pattern: RegExp): string | undefined {
  const version = pattern.exec(text ?? '')?.[1];
  return version && JAVA_RELEASES.includes(version) ? version : undefined;
}
