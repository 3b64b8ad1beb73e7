// The layering rule is enforced by the linter (biome.json overrides, style/noRestrictedImports): only a
// service's src/domain/** and src/db/** import drizzle-orm; routers import neither drizzle nor the db.
// This test proves the rule bites: it lints small files placed where a service's files live.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(import.meta.dir, "..");
const biome = join(root, "node_modules", ".bin", "biome");
let dir: string;

const FIXTURES: Record<string, string> = {
  "services/demo/src/routers/drizzle.ts": 'import { eq } from "drizzle-orm";\n\nexport const x = eq;\n',
  "services/demo/src/routers/drizzle-subpath.ts":
    'import type { PgColumn } from "drizzle-orm/pg-core";\n\nexport type X = PgColumn;\n',
  "services/demo/src/routers/platform-db.ts":
    'import type { Tx } from "@vextrus/platform/db";\n\nexport type X = Tx;\n',
  "services/demo/src/routers/schema.ts":
    'import { things } from "../db/schema.ts";\n\nexport const x = things;\n',
  "services/demo/src/router.ts": 'import { things } from "./db/schema.ts";\n\nexport const x = things;\n',
  "services/demo/src/trpc.ts": 'export { sql } from "drizzle-orm";\n',
  "services/demo/src/app.ts": 'import { sql } from "drizzle-orm";\n\nexport const x = sql;\n',
  "services/demo/src/domain/things.ts": 'import { eq } from "drizzle-orm";\n\nexport const x = eq;\n',
  "services/demo/src/db/schema.ts":
    'import { pgTable, uuid } from "drizzle-orm/pg-core";\n\nexport const things = pgTable("things", { id: uuid("id") });\n',
  "services/demo/src/boot.ts":
    'import type { Database } from "@vextrus/platform/db";\n\nexport type X = Database;\n',
};

/** File → the import paths biome refused in it. */
async function restricted(path: string): Promise<Map<string, number>> {
  const proc = Bun.spawn([biome, "lint", "--reporter=json", "--max-diagnostics=none", path], {
    cwd: path,
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  const report = JSON.parse(out) as {
    diagnostics: { category: string; location: { path: { file: string } | string } }[];
  };
  const found = new Map<string, number>();
  for (const d of report.diagnostics) {
    if (d.category !== "lint/style/noRestrictedImports") {
      continue;
    }
    const raw = typeof d.location.path === "string" ? d.location.path : d.location.path.file;
    const file = raw.replace(/^.*?(services\/)/, "$1");
    found.set(file, (found.get(file) ?? 0) + 1);
  }
  return found;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vextrus-layering-"));
  copyFileSync(join(root, "biome.json"), join(dir, "biome.json"));
  for (const [file, text] of Object.entries(FIXTURES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("layering: only domain/ and db/ touch the database", () => {
  test("the linter refuses drizzle or the db in routers, and drizzle anywhere outside domain/ and db/", async () => {
    const found = await restricted(dir);
    expect([...found.keys()].sort()).toEqual([
      "services/demo/src/app.ts",
      "services/demo/src/router.ts",
      "services/demo/src/routers/drizzle-subpath.ts",
      "services/demo/src/routers/drizzle.ts",
      "services/demo/src/routers/platform-db.ts",
      "services/demo/src/routers/schema.ts",
      "services/demo/src/trpc.ts",
    ]);
  });

  test("every service keeps the rule today", async () => {
    expect([...(await restricted(root)).keys()]).toEqual([]);
  }, 60_000);
});
