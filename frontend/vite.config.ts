import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// dist/ is emptied on every build; put back the committed dist/.gitkeep so
// that `//go:embed dist` keeps compiling and git sees no change.
function keepGitkeep(): Plugin {
  return {
    name: 'quintet-keep-gitkeep',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(import.meta.dirname, 'dist/.gitkeep'), '');
    },
  };
}

// During `npm run dev` the API is proxied to a running `quintet serve`
// (QUINTET_API, default http://127.0.0.1:8080), so the browser sees one
// origin exactly as it does in production, where the Go binary serves dist/.
const api = process.env.QUINTET_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte(), keepGitkeep()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is a file: no data: URIs, which the CSP (default-src 'self') would block.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': {
        target: api,
        ws: true,
        // The server accepts cookie-authenticated writes only from its own
        // origin; the dev server stands in for it, so it says so.
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', new URL(api).origin);
          });
          proxy.on('proxyReqWs', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', new URL(api).origin);
          });
        },
      },
      '/healthz': { target: api },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
