import { defineConfig } from "vite";

/**
 * The console is built to `dist/` (or CONSOLE_OUT_DIR, which the browser test uses) and served by the
 * gateway at `/`. In development (`npm run dev -w @vextrus/console`) Vite proxies /trpc to a gateway.
 */
export default defineConfig({
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // React Query's "use client" directives mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") {
          warn(warning);
        }
      },
    },
  },
  server: {
    proxy: { "/trpc": process.env.GATEWAY_URL ?? "http://127.0.0.1:3000" },
  },
});
