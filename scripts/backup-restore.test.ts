/**
 * docs/operations.md's backup, tested: the platform runs on one PostgreSQL database (all services'
 * schemas, as compose runs them) and Kafka, a tenant works through the gateway, the database goes
 * through `pg_dump -Fc` / `pg_restore` into a fresh database, and the platform started on the copy has
 * every row, answers for the same tenant (same signing keys: same SIGNING_KEY_SECRET), and its audit
 * chain still verifies over the same entries.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVextrusClient } from "@vextrus/client";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import type { Subprocess } from "bun";
import postgres from "postgres";
import { embeddedPorts } from "./embedded-ports.ts";
import { repoRoot, run } from "./test-infra/process.ts";

/** pg_dump / pg_restore: on PATH, else beside the newest server binaries Debian installs. */
function postgresTool(name: string): string {
  const onPath = Bun.which(name);
  const versions = [...new Bun.Glob(`/usr/lib/postgresql/*/bin/${name}`).scanSync({ cwd: "/" })]
    .map((path) => (path.startsWith("/") ? path : `/${path}`))
    .sort((a, b) => Number(/postgresql\/(\d+)/.exec(b)?.[1]) - Number(/postgresql\/(\d+)/.exec(a)?.[1]));
  const found = versions[0] ?? onPath;
  if (!found || !existsSync(found)) {
    throw new Error(
      `${name} is missing: install Debian's postgresql-client (.ci/run does when it is absent)`,
    );
  }
  return found;
}

const SIGNING_KEY_SECRET = "backup-restore-suite-signing-secret-0123456789";
const dataDir = mkdtempSync(join(tmpdir(), "vextrus-backup-"));
const databases: TestDatabase[] = [];
let running: Subprocess | undefined;

afterAll(async () => {
  if (running && running.exitCode === null) {
    running.kill("SIGKILL");
    await running.exited;
  }
  for (const db of databases) {
    await db.drop();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** `npm start` connected to `databaseUrl` and the test Kafka; resolves with the gateway's URL once ready. */
async function startPlatform(databaseUrl: string): Promise<{ url: string; stop: () => Promise<number> }> {
  const ports = await embeddedPorts();
  const proc = Bun.spawn([process.execPath, "scripts/start.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...ports,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      SIGNING_KEY_SECRET,
      SHUTDOWN_TIMEOUT_MS: "30000",
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  running = proc;
  const stderr = new Response(proc.stderr).text();
  const url = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
  for (let i = 0; i < 900 && proc.exitCode === null; i++) {
    const status = await fetch(`${url}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) {
      return {
        url,
        stop: async () => {
          proc.kill("SIGTERM");
          return proc.exited;
        },
      };
    }
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(`npm start on ${databaseUrl} did not become ready: ${(await stderr).slice(-3000)}`);
}

/** Rows of every table of every schema (system schemas aside), for comparing a copy with its source. */
async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ name: string }[]>`
      select format('%I.%I', schemaname, tablename) as name from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema') order by 1`;
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${name}`);
      counts[name] = row?.n ?? -1;
    }
    return counts;
  } finally {
    await sql.end();
  }
}

test("a populated database survives pg_dump / pg_restore: same rows, same answers, the audit chain verifies", async () => {
  const pgDump = postgresTool("pg_dump");
  const pgRestore = postgresTool("pg_restore");
  // As compose's one-shot kafka-topics step: every catalog topic exists before a service starts.
  expect(await run([process.execPath, "packages/events/src/create-topics-main.ts"])).toMatchObject({
    code: 0,
  });
  const source = await createTestDatabase("backup_source");
  databases.push(source);

  // 1. A tenant's first steps on the platform, on one database as compose runs it.
  const first = await startPlatform(source.url);
  const slug = `backup-${Date.now().toString(36)}`;
  const email = `nasrin@${slug}.com.bd`;
  const password = "Padma-Bridge-Concrete-77";
  const anon = createVextrusClient({ url: first.url });
  const registered = await anon.auth.registerTenant.mutate({
    tenant: { slug, legalName: "Backup Builders Ltd" },
    admin: { name: "Nasrin Akter", email, password },
  });
  const admin = createVextrusClient({ url: first.url, token: registered.accessToken });
  const company = await admin.organization.companies.create.mutate({ name: "Backup Housing" });
  await admin.organization.departments.create.mutate({ companyId: company.id, name: "Site B, Uttara" });
  // The events reached audit through Kafka; wait until its chain holds them all.
  let before = { ok: false, checked: 0 };
  for (let i = 0; i < 300 && !(before.ok && before.checked >= 4); i++) {
    before = await admin.audit.verify.query({});
    if (!(before.ok && before.checked >= 4)) {
      await Bun.sleep(100);
    }
  }
  expect(before.ok).toBe(true);
  expect(before.checked).toBeGreaterThanOrEqual(4);
  await first.stop(); // (how fast and clean it stops is the start and image suites' concern)

  // 2. The backup, restored into a fresh database (docs/operations.md, "Backup").
  const dump = join(dataDir, "vextrus.dump");
  const dumped = await run([pgDump, "--format=custom", `--file=${dump}`, `--dbname=${source.url}`]);
  expect(dumped).toEqual({ code: 0, output: "" });
  const copy = await createTestDatabase("backup_copy");
  databases.push(copy);
  const restored = await run([pgRestore, "--exit-on-error", `--dbname=${copy.url}`, dump]);
  expect(restored).toEqual({ code: 0, output: "" });
  const sourceRows = await rowCounts(source.url);
  expect(Object.keys(sourceRows).length).toBeGreaterThan(20);
  expect(await rowCounts(copy.url)).toEqual(sourceRows);

  // 3. The platform on the copy: the same sign-in works, the data is there, the chain verifies.
  const second = await startPlatform(copy.url);
  const login = await createVextrusClient({ url: second.url }).auth.login.mutate({
    tenantSlug: slug,
    identifier: email,
    password,
  });
  const again = createVextrusClient({ url: second.url, token: login.accessToken });
  expect((await again.organization.companies.list.query({})).items.map((c) => c.name)).toContain(
    "Backup Housing",
  );
  const after = await again.audit.verify.query({});
  expect(after.ok).toBe(true);
  expect(after.checked).toBeGreaterThanOrEqual(before.checked);
  await second.stop();
}, 300_000);
