/**
 * `npm run db:generate`: runs `drizzle-kit generate` in every service that has a drizzle.config.ts.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");

let failed = false;
for (const service of readdirSync(join(root, "services"))) {
  const dir = join(root, "services", service);
  if (!existsSync(join(dir, "drizzle.config.ts"))) {
    continue;
  }
  console.log(`── ${service}`);
  // The service's own copy if the layout nests one, else the hoisted one.
  const drizzleKit = Bun.which("drizzle-kit", {
    PATH: `${join(dir, "node_modules/.bin")}:${join(root, "node_modules/.bin")}`,
  });
  if (!drizzleKit) {
    console.error("drizzle-kit is not installed: run npm install");
    process.exit(1);
  }
  const proc = Bun.spawn([drizzleKit, "generate"], {
    cwd: dir,
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await proc.exited) !== 0) {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
