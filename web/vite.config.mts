import { defineConfig } from 'vite';

/**
 * The dashboard: Preact, built into dist/web-app, which the API serves at `/`. No plugin: the
 * JSX transform is Vite's own. Everything the page loads is in the build (no CDN, no font
 * service), and the API's Content-Security-Policy allows nothing else.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/web-app',
    emptyOutDir: true,
    target: 'es2022',
    // The page's code is small; one entry chunk keeps first load to two requests.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
