import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Source of the contract package: bundling it from source means the client never waits for shared/dist. */
const sharedEntry = fileURLToPath(new URL('../shared/src/index.ts', import.meta.url));
const sharedSrc = fileURLToPath(new URL('../shared/src/', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // No @vitejs/plugin-react on purpose: esbuild's automatic runtime is all the JSX we need.
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: { '@consult/shared': sharedEntry },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate files stay cached across releases.
        manualChunks(id) {
          if (!id.includes('/node_modules/')) return undefined;
          // hls.js is loaded only by the public watch page (a dynamic import): its own chunk, not in every participant's vendor file.
          if (id.includes('/node_modules/hls.js/')) return undefined;
          return /\/node_modules\/(react|react-dom|scheduler)\//.test(id) ? 'react' : 'vendor';
        },
      },
      onwarn(warning, warn) {
        // zod (pulled in by shared/, then tree-shaken away) has comments Rollup cannot place; harmless.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
      treeshake: {
        // shared/ declares no "sideEffects"; its modules only define constants and zod schemas,
        // so let Rollup drop the schemas (and zod with them) that the browser never uses.
        moduleSideEffects: (id) => !id.startsWith(sharedSrc),
      },
    },
  },
  server: {
    // During `vite dev`, the API and socket.io live on the server (default port assumed 3000).
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
