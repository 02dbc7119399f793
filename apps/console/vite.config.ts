import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the console runs on Vite's server and proxies the API, so the browser
// still sees one origin (cookies and CSRF work the same as in production).
const apiTarget = process.env.SLIPWAY_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': apiTarget,
      '/readyz': apiTarget,
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
