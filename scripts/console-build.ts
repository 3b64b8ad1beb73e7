/**
 * The console (apps/console) as the gateway serves it: `npm install` builds it; `npm start` builds it
 * here when it is missing (a checkout whose install ran with --ignore-scripts). Vite runs under Node.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

export const CONSOLE_APP = join(import.meta.dir, "..", "apps", "console");

/** Builds the console into `outDir` (default: its dist/) with Node; throws with Vite's output on failure. */
export async function buildConsole(outDir?: string): Promise<void> {
  const proc = Bun.spawn(["node", "../../node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"], {
    cwd: CONSOLE_APP,
    // NODE_ENV as a build wants it: `bun test` sets "test", which would bundle React's development build.
    env: { ...process.env, NODE_ENV: "production", ...(outDir ? { CONSOLE_OUT_DIR: outDir } : {}) },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) {
    throw new Error(`building the console failed (node vite build, exit ${code}):\n${out}${err}`);
  }
}

/** Builds dist/ when it has no index.html yet. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (!existsSync(join(CONSOLE_APP, "dist", "index.html"))) {
    console.log("Building the console (first start)…");
    await buildConsole();
  }
}
