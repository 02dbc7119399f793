// Vite bundles this file as its own worker (imported with `?worker`): going through a file
// of our own instead of importing monaco-yaml's worker directly is monaco-yaml's advice
// for Vite, where the direct import fails with "Unexpected usage".
import 'monaco-yaml/yaml.worker.js';
