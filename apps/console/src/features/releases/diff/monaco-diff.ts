// Monaco for the release diff, loaded only by the lazy diff editor chunk: the editor core (the
// diff computation runs in its editor worker, set up by the shared Monaco environment) and
// YAML colouring. No language service: the diff is read-only.
import '../../pipelines/editor/yaml/monaco-environment.ts';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/languages/definitions/yaml/register';

export { monaco };
