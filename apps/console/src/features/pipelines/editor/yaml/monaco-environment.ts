import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from './yaml.worker.ts?worker';

// Monaco reads this when its modules load, so this module must be imported before any of
// monaco-editor's. `globalAPI` publishes the loaded API as `window.monaco` (Monaco's own
// switch, on by default in its AMD build): devtools and the browser tests read the models
// and markers of the editor through it instead of scraping the rendered lines.
globalThis.MonacoEnvironment = {
  globalAPI: true,
  getWorker(_workerId: string, label: string) {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};
