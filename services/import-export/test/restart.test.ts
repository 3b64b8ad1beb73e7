/**
 * The apply job survives its process being killed: import-export runs as its own process (as in
 * production), is sent SIGKILL in the middle of applying, is started again, and every row ends up
 * applied exactly once — parties, master-data's record of the rows, and party.created events.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { freePort, type Stack, startStack, until } from "./harness.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack("restart", { importExport: false });
}, 60_000);
afterAll(async () => {
  child?.kill("SIGKILL");
  await stack?.stop();
});

const ROWS = 3_000;
const port = freePort();
const url = `http://127.0.0.1:${port}`;
let child: ReturnType<typeof Bun.spawn> | undefined;

async function startChild() {
  child = Bun.spawn([process.execPath, join(import.meta.dir, "..", "src", "main.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      ...stack.ieEnv,
      PORT: String(port),
      HOST: "127.0.0.1",
      REPLICA_ID: "restart-suite",
      IMPORT_BATCH_ROWS: "50",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  await until("import-export to listen", async () => {
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    return res?.ok ? true : undefined;
  });
}

test("SIGKILL mid-apply, start again: every row applied exactly once", async () => {
  await startChild();
  const t = await stack.tenant();
  const lines = ["name,roles,bin"];
  for (let i = 1; i <= ROWS; i++) {
    lines.push(`Restart Party ${i},supplier,${String(100_000_000 + i).padStart(9, "0")}-0101`);
  }
  const file = await t.upload("many.csv", new TextEncoder().encode(`${lines.join("\r\n")}\r\n`), "text/csv");
  const ie = t.ie(url);
  const created = await ie.imports.create.mutate({
    entity: "party",
    fileId: file.id,
    mode: "upsert",
    keyColumn: "bin",
  });
  // 60 batches of 50 rows through master-data's preview: minutes on a loaded machine.
  const ready = await until(
    "the preview",
    async () => {
      const got = await ie.imports.get.query({ id: created.id });
      return got.status === "ready" ? got : undefined;
    },
    180_000,
  );
  expect(ready.preview).toEqual({ create: ROWS, update: 0, unchanged: 0, error: 0 });
  await ie.imports.commit.mutate({ id: created.id, expectedVersion: ready.version });

  const midway = await until(
    "apply to be under way",
    async () => {
      const got = await ie.imports.get.query({ id: created.id });
      return got.progress.done >= 500 ? got : undefined;
    },
    120_000,
  );
  child?.kill("SIGKILL");
  await child?.exited;
  expect(midway.status).toBe("applying");
  const [before] =
    await stack.mdSql`select count(*)::int as n from master_data.parties where tenant_id = ${t.tenantId}`;
  expect(before?.n).toBeGreaterThan(0);
  expect(before?.n).toBeLessThan(ROWS);

  await startChild();
  const done = await until(
    "apply to finish after the restart",
    async () => {
      const got = await ie.imports.get.query({ id: created.id });
      return got.status === "applied" ? got : undefined;
    },
    180_000,
  );
  expect(done.progress).toMatchObject({ phase: "apply", done: ROWS, failed: 0, total: ROWS });

  const [parties] = await stack.mdSql`
    select count(*)::int as n, count(distinct bin)::int as bins from master_data.parties where tenant_id = ${t.tenantId}`;
  expect(parties).toEqual({ n: ROWS, bins: ROWS });
  const [recorded] = await stack.mdSql`
    select count(*)::int as n from master_data.imported_rows where tenant_id = ${t.tenantId} and import_id = ${created.id}`;
  expect(recorded?.n).toBe(ROWS);
  const [events] = await stack.mdSql`
    select count(*)::int as n from master_data.outbox
    where tenant_id = ${t.tenantId} and event->>'type' = 'vextrus.master_data.party.created'`;
  expect(events?.n).toBe(ROWS);
  const [outcomes] = await stack.ieSql`
    select count(*) filter (where outcome = 'applied')::int as applied, count(*)::int as n
    from import_export.import_rows where import_id = ${created.id}`;
  expect(outcomes).toEqual({ applied: ROWS, n: ROWS });
}, 400_000);
