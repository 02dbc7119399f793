// Monaco for the release diff, loaded only by the lazy diff editor chunk: the editor core (the
// diff computation runs in its editor worker, set up by the shared Monaco environment) and
// YAML colouring. No language service: the diff is read-only.
import '../../pipelines/editor/yaml/monaco-environment.ts';
import * as monaco from 'monaco-editor/editor';
// The icon font of the diff's gutter and fold widgets (the pipeline editor gets it through
// register.all; this chunk loads only what it uses).
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/languages/definitions/yaml/register';

/**
 * Monaco's light theme with token colours dark enough to keep 4.5:1 contrast (WCAG 1.4.3) on
 * the diff's green and red line backgrounds, where the defaults (teal keys, green numbers)
 * fall to about 3:1.
 */
export const DIFF_THEME = 'slipway-diff';
monaco.editor.defineTheme(DIFF_THEME, {
  base: 'vs',
  inherit: true,
  rules: [
    { token: 'type', foreground: '004d4d' },
    { token: 'number', foreground: '04553a' },
    { token: 'comment', foreground: '005000' },
    { token: 'string', foreground: '8b1111' },
    { token: 'keyword', foreground: '0000cc' },
    { token: 'operators', foreground: '1f2933' },
  ],
  colors: {},
});

export { monaco };
