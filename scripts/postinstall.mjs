// `npm install` installs only the `bun` devDependency (workspaces=false in .npmrc), then hands the
// workspace install to Bun, which reads bun.lock. Bun runs this hook again; the
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
