/** The kinds of repository Slipway has a starter pipeline for. */
export const REPOSITORY_TYPES = ['node', 'maven', 'gradle', 'go', 'python', 'static'] as const;
export type RepositoryType = (typeof REPOSITORY_TYPES)[number];

/** Reads a file at the repository root; undefined when it is missing or cannot be read. */
export type ReadRepositoryFile = (name: string) => Promise<string | undefined> | string | undefined;

export interface RepositoryDetection {
  type: RepositoryType;
  /** The root files that decided, e.g. `['package.json']`. */
  detectedFrom: string[];
}

const GRADLE_FILES = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];
/** Files that make a folder a Python project, as opposed to a list of packages to install. */
const PYTHON_PROJECT_FILES = ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile'];
const STATIC_ENTRY_FILES = ['index.html', 'index.htm'];

interface PackageJson {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
}

/** package.json, parsed; undefined when it cannot be read or is not an object. */
export async function readPackageJson(
  readFile: ReadRepositoryFile | undefined,
): Promise<PackageJson | undefined> {
  const text = await readFile?.('package.json');
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as PackageJson)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A package.json that builds nothing and runs nothing (no `build` or `start` script, no
 * runtime dependencies) next to an index.html only carries tooling for a hand-written site.
 */
function onlyToolsForStaticSite(pkg: PackageJson): boolean {
  const scripts = pkg.scripts ?? {};
  return !('build' in scripts) && !('start' in scripts) && Object.keys(pkg.dependencies ?? {}).length === 0;
}

/**
 * Which kind of repository this is, from the names of its root files (and package.json's
 * content when `readFile` is given). The first rule that matches wins:
 *
 * 1. `pom.xml` → maven, 2. `build.gradle(.kts)` / `settings.gradle(.kts)` → gradle,
 * 3. `go.mod` → go: these name the build; a package.json beside them usually only builds
 *    front-end assets.
 * 4. `pyproject.toml`, `setup.py`, `setup.cfg`, `Pipfile` → python.
 * 5. `package.json` → node, except that a package.json without `build`/`start` scripts and
 *    without dependencies next to an index.html is tooling for a static site → static.
 * 6. `requirements.txt` alone → python (weaker than package.json: Node projects sometimes
 *    keep one for documentation tools).
 * 7. `index.html` / `index.htm` → static.
 *
 * Undefined when nothing matches.
 */
export async function detectRepository(
  fileNames: readonly string[],
  readFile?: ReadRepositoryFile,
): Promise<RepositoryDetection | undefined> {
  const files = new Set(fileNames);
  const present = (names: readonly string[]) => names.filter((name) => files.has(name));
  const found = (type: RepositoryType, names: readonly string[]) =>
    present(names).length > 0 ? { type, detectedFrom: present(names) } : undefined;

  const build =
    found('maven', ['pom.xml']) ??
    found('gradle', GRADLE_FILES) ??
    found('go', ['go.mod']) ??
    found('python', PYTHON_PROJECT_FILES);
  if (build) return build;
  if (files.has('package.json')) {
    const entry = present(STATIC_ENTRY_FILES);
    const pkg = entry.length > 0 ? await readPackageJson(readFile) : undefined;
    if (pkg && onlyToolsForStaticSite(pkg))
      return { type: 'static', detectedFrom: [...entry, 'package.json'] };
    return { type: 'node', detectedFrom: ['package.json'] };
  }
  return found('python', ['requirements.txt']) ?? found('static', STATIC_ENTRY_FILES);
}

/** {@link detectRepository}, only the type. */
export async function detectRepositoryType(
  fileNames: readonly string[],
  readFile?: ReadRepositoryFile,
): Promise<RepositoryType | undefined> {
  return (await detectRepository(fileNames, readFile))?.type;
}
