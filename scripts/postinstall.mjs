// `npm install` installs the workspaces in the hoisted layout Bun uses too (bunfig.toml), then this hook
// runs `bun install`, which puts every package at the version bun.lock pins, and builds the console
// (apps/console, Vite under Node) that the gateway serves at `/`. Bun runs this hook again; the
// environment variable set below makes that run a no-op.
import { spawnSync } from "node:child_process";

if (process.env.VEXTRUS_BUN_INSTALL === "1") {
  process.exit(0);
}

const result = spawnSync("bun", ["install"], {
  stdio: "inherit",
  env: { ...process.env, VEXTRUS_BUN_INSTALL: "1" },
});
if (result.status !== 0) {
  console.error("postinstall: `bun install` failed; run it yourself to see why.");
  process.exit(result.status ?? 1);
}

const build = spawnSync(
  process.execPath,
  ["../../node_modules/vite/bin/vite.js", "build", "--logLevel", "warn"],
  {
    cwd: "apps/console",
    stdio: "inherit",
  },
);
if (build.status !== 0) {
  console.error(
    "postinstall: building the console failed; run `npm run build -w @vextrus/console` to see why.",
  );
  process.exit(build.status ?? 1);
}
