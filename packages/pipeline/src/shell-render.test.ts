import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResolvedExpression, renderScript } from './shell-render.ts';

const VAR = 'SLIPWAY_PARAM_TITLE';
/** The shells scripts meet: the local executor's bash, and a POSIX sh (dash here, ash in alpine images). */
const SHELLS = [
  ...new Set(
    ['/bin/sh', ...['/usr/bin/dash', '/usr/bin/bash'].filter(existsSync)].map((s) => realpathSync(s)),
  ),
];

const HOSTILE = [
  'release $(echo INJECTED) `id -un`',
  `it's a "quoted" title`,
  "'",
  '"',
  '\\',
  'back\\slash \\n \\t \\\\',
  'two\nlines\n',
  '$HOME ${HOME} $$ $0 $1 $@',
  '%s %d %%',
  'ünïcødé ✓ 日本語 🚀',
  'trailing spaces   ',
  '  leading spaces',
  '-n',
  '-n not an option',
  '-e \\c',
  '*',
  '~ ! ; | & < > ( ) { } [ ]',
  "'\"'\"'",
  'EOF',
  '',
];

function resolveTitle(value: string | undefined) {
  return (expression: string): ResolvedExpression =>
    expression === 'params.title' ? { env: VAR, value } : { error: `unknown variable \${{ ${expression} }}` };
}

/** Runs `script` (with `${{ params.title }}` in it) in a real shell with the value in its variable. */
function printed(shell: string, script: string, value: string): string {
  const rendered = renderScript(script, resolveTitle(value));
  expect(rendered.errors).toEqual([]);
  expect(rendered.script).not.toContain('${{');
  const options = shell.endsWith('bash') ? ['--noprofile', '--norc', '-ec'] : ['-ec'];
  const result = spawnSync(shell, [...options, rendered.script], {
    env: { PATH: process.env.PATH, HOME: '/nonexistent', [VAR]: value },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** Contexts an expression can sit in, and what the script prints around the value. */
const CONTEXTS: Array<{ name: string; script: string; around: (value: string) => string }> = [
  {
    name: 'double quotes',
    script: `printf '%s' "title: \${{ params.title }}"`,
    around: (v) => `title: ${v}`,
  },
  {
    name: 'single quotes',
    script: `printf '%s' 'title: \${{ params.title }}'`,
    around: (v) => `title: ${v}`,
  },
  { name: 'unquoted', script: 'printf %s ${{ params.title }}', around: (v) => v },
  { name: 'adjacent to a word', script: 'printf %s [${{params.title}}]', around: (v) => `[${v}]` },
  {
    name: 'an assignment',
    script: 'x=${{ params.title }}\nprintf %s "$x"',
    around: (v) => v,
  },
  {
    name: 'a command substitution in double quotes',
    script: `x="$(printf '%s' \${{ params.title }}; printf .)"\nprintf %s "\${x%.}"`,
    around: (v) => v,
  },
  {
    name: 'backticks in double quotes',
    script: 'printf %s "`printf %s ${{ params.title }}`."',
    around: (v) => `${v.replace(/\n+$/, '')}.`,
  },
  {
    name: 'a parameter expansion default',
    script: 'printf %s "${UNSET_VARIABLE:-${{ params.title }}}"',
    around: (v) => v,
  },
  {
    name: 'an unquoted here-document',
    script: 'cat <<EOF\n<${{ params.title }}>\nEOF',
    around: (v) => `<${v}>\n`,
  },
  {
    name: 'a here-document with a quoted delimiter',
    script: "cat <<-'END'\n\t<${{ params.title }}> $HOME\nEND",
    around: (v) => `<${v}> $HOME\n`,
  },
  {
    name: 'a comment',
    script: '# ${{ params.title }} is not run\nprintf %s ok',
    around: () => 'ok',
  },
];

describe('rendering ${{ }} into scripts as data', () => {
  for (const shell of SHELLS) {
    for (const context of CONTEXTS) {
      it(`${shell}: ${context.name} prints every hostile value exactly`, () => {
        for (const value of HOSTILE) {
          if (context.name.includes('quoted delimiter') && value === 'EOF') continue;
          expect(printed(shell, context.script, value)).toBe(context.around(value));
        }
      });
    }
  }

  it('reads bash’s (( x << 2 )) as arithmetic, not a here-document', () => {
    const script = 'x=1\n(( x << 2 ))\nprintf %s "${{ params.title }}" \'${{ params.title }}\'';
    for (const value of HOSTILE) expect(printed('bash', script, value)).toBe(`${value}${value}`);
  });

  it('prints the field report’s title exactly with echo (bash, as the local executor runs steps)', () => {
    const script = 'echo "title: ${{ params.title }}"\necho "done"';
    for (const value of HOSTILE.filter((v) => !v.startsWith('-'))) {
      expect(printed('bash', script, value)).toBe(`title: ${value}\ndone\n`);
    }
  });

  it('refuses what it cannot make safe: unknown and unterminated expressions, secrets and early ends in quoted here-documents', () => {
    const render = (script: string, value: string | undefined) =>
      renderScript(script, resolveTitle(value)).errors;
    expect(render('echo ${{ params.nope }}', 'x')).toEqual(['unknown variable ${{ params.nope }}']);
    expect(render('echo "${{ params.title "', 'x')).toEqual([
      'unterminated expression "${{ params.title "": missing "}}"',
    ]);
    expect(render("cat <<'EOF'\n${{ params.title }}\nEOF", undefined)[0]).toMatch(
      /has its value only when the step runs/,
    );
    expect(render("cat <<'EOF'\n${{ params.title }}\nEOF", 'a\nEOF\nrm -rf /')[0]).toMatch(
      /would end it early/,
    );
    expect(render("cat <<'EOF'\n${{ params.title }}\nEOF", 'EOF')[0]).toMatch(/would end it early/);
  });

  it('keeps the rest of the script as written', () => {
    const script = `set -u\n# comment "with' quotes\necho 'a' "b" \${HOME} $(( 1 << 2 )) <<< here\nx=$(case a in a) echo y;; esac)\n`;
    expect(renderScript(script, resolveTitle('v'))).toEqual({ script, errors: [] });
  });
});

describe('property: any value is printed byte for byte', () => {
  // Any text a JSON string can carry to an environment variable (NUL excepted: no variable holds one).
  const values = fc
    .oneof(
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.constantFrom(
          '$',
          '`',
          "'",
          '"',
          '\\',
          '\n',
          '(',
          ')',
          ' ',
          '{',
          '}',
          'E',
          'O',
          'F',
          '-',
          'n',
        ),
      }),
    )
    .filter((value) => !value.includes('\0') && !/\p{Cs}/u.test(value));

  for (const shell of SHELLS) {
    it(`${shell}: in every context`, () => {
      fc.assert(
        fc.property(values, fc.constantFrom(...CONTEXTS), (value, context) => {
          if (context.name.includes('quoted delimiter')) return; // value written as is: checked above
          expect(printed(shell, context.script, value)).toBe(context.around(value));
        }),
        { numRuns: 150 },
      );
    });
  }
});
