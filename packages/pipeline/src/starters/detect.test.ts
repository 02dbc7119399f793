import { describe, expect, it } from 'vitest';
import { detectRepository, detectRepositoryType } from './detect.ts';

const packageJson = (content: object) => () => JSON.stringify(content);

describe('detectRepositoryType', () => {
  it.each([
    [['package.json', 'package-lock.json', 'src'], 'node'],
    [['pom.xml', 'src'], 'maven'],
    [['build.gradle.kts', 'gradlew', 'settings.gradle.kts'], 'gradle'],
    [['settings.gradle'], 'gradle'],
    [['go.mod', 'go.sum', 'main.go'], 'go'],
    [['pyproject.toml'], 'python'],
    [['setup.py'], 'python'],
    [['Pipfile'], 'python'],
    [['requirements.txt', 'app.py'], 'python'],
    [['index.html', 'style.css'], 'static'],
    [['index.htm'], 'static'],
    [['README.md', 'LICENSE'], undefined],
    [[], undefined],
  ] as const)('%j → %s', async (files, type) => {
    expect(await detectRepositoryType([...files])).toBe(type);
  });

  it('prefers the file that names the build', async () => {
    // JVM and Go builds often carry a package.json for their front-end assets.
    expect(await detectRepositoryType(['package.json', 'pom.xml'])).toBe('maven');
    expect(await detectRepositoryType(['package.json', 'build.gradle', 'pom.xml'])).toBe('maven');
    expect(await detectRepositoryType(['package.json', 'go.mod'])).toBe('go');
    expect(await detectRepositoryType(['package.json', 'pyproject.toml'])).toBe('python');
    // A requirements.txt next to a package.json is usually for documentation tools.
    expect(await detectRepositoryType(['package.json', 'requirements.txt'])).toBe('node');
    expect(await detectRepositoryType(['requirements.txt', 'index.html'])).toBe('python');
  });

  it('tells a Node application from a static site that only keeps tools in package.json', async () => {
    const files = ['index.html', 'package.json'];
    expect(await detectRepository(files, packageJson({ devDependencies: { prettier: '3' } }))).toEqual({
      type: 'static',
      detectedFrom: ['index.html', 'package.json'],
    });
    // A build script means the pages are built, not served as they are.
    expect(await detectRepositoryType(files, packageJson({ scripts: { build: 'vite build' } }))).toBe('node');
    expect(await detectRepositoryType(files, packageJson({ scripts: { start: 'node server.js' } }))).toBe(
      'node',
    );
    expect(await detectRepositoryType(files, packageJson({ dependencies: { express: '5' } }))).toBe('node');
    // Unreadable or broken package.json, or no reader at all: it is a Node project.
    expect(await detectRepositoryType(files, () => '{ not json')).toBe('node');
    expect(await detectRepositoryType(files, async () => undefined)).toBe('node');
    expect(await detectRepositoryType(files)).toBe('node');
  });

  it('names the files it decided from', async () => {
    expect(await detectRepository(['go.mod', 'go.sum'])).toEqual({ type: 'go', detectedFrom: ['go.mod'] });
    expect(await detectRepository(['settings.gradle.kts', 'build.gradle.kts'])).toEqual({
      type: 'gradle',
      detectedFrom: ['build.gradle.kts', 'settings.gradle.kts'],
    });
  });
});
