import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

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

// The offline shell (issue 13): a service worker, made by Workbox through
// vite-plugin-pwa rather than written by hand, precaches the app so that a
// reload or a cold start without network still opens it, and keeps the last
// answer of each read of the API (network first: online, every read is
// fresh) so that the pages show what the user had. Signing out deletes that
// cache (lib/offline.ts). Files (exports), the live socket and the secret
// calendar feeds are never cached.
const pwa = VitePWA({
  registerType: 'autoUpdate',
  // registerSW.js as a file: the CSP allows no inline script.
  injectRegister: 'script',
  manifest: false,
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,ico,woff2}'],
    navigateFallback: 'index.html',
    navigateFallbackDenylist: [/^\/api\//, /^\/healthz/],
    cleanupOutdatedCaches: true,
    // A new worker takes the open pages at once: the shell is the app's own
    // build, so an old one must not go on serving a page the server moved past.
    clientsClaim: true,
    skipWaiting: true,
    runtimeCaching: [
      {
        urlPattern: ({ url, request, sameOrigin }) =>
          sameOrigin && request.method === 'GET' && /^\/api\/v1\/(?!live|calendar\/|backup|openapi)[^.]*$/.test(url.pathname),
        handler: 'NetworkFirst',
        options: {
          cacheName: 'quintet-api',
          cacheableResponse: { statuses: [200] },
          // An answer served from the cache (the network failed) says so, in
          // the header X-Quintet-Kept that lib/offline.ts reads (KEPT_HEADER;
          // Workbox copies this function into the worker, so it names the
          // header itself): navigator.onLine cannot be trusted for it, being
          // true on a network that does not reach the server.
          plugins: [
            {
              cachedResponseWillBeUsed: async ({ cachedResponse }) => {
                if (!cachedResponse) return cachedResponse;
                const headers = new Headers(cachedResponse.headers);
                headers.set('X-Quintet-Kept', '1');
                return new Response(await cachedResponse.blob(), {
                  status: cachedResponse.status,
                  statusText: cachedResponse.statusText,
                  headers,
                });
              },
            },
          ],
          // No expiration plugin: it would keep the URLs read in IndexedDB,
          // which sign-out could not clear while the worker holds it open.
          // The cache holds one answer per address read, and sign-out
          // deletes it.
        },
      },
    ],
  },
});

export default defineConfig({
  plugins: [svelte(), keepGitkeep(), pwa],
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
