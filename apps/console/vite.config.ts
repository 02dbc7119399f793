import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress.ts';

// In development the console runs on Vite's server and proxies the API, so the browser
// still sees one origin (cookies and CSRF work the same as in production).
const apiTarget = process.env.SLIPWAY_API_URL ?? 'http://127.0.0.1:8080';

// monaco-yaml's worker (through monaco-worker-manager) imports
// `monaco-editor/esm/vs/editor/editor.worker.js`, a path that monaco-editor ≥ 0.56 no longer
// exports (its exports map now prefixes `esm/vs/` itself): point such imports at the files.
const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: {
    alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}$1` }],
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': apiTarget,
      '/readyz': apiTarget,
    },
  },
  // No source maps in the served build: they would publish the console's whole source.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
