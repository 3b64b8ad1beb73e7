/**
 * `npm start` for real: the embedded process starts, answers, stops cleanly on Ctrl-C (SIGINT), and a
 * second start finds the data the first one wrote.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";

const dataDir = mkdtempSync(join(tmpdir(), "vextrus-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = server.port ?? 0;
  await server.stop();
  return port;
}

async function startSystem(env: Record<string, string>) {
  const proc = Bun.spawn([process.execPath, "scripts/start.ts"], {
    env: { ...process.env, ...env, DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const base = `http://127.0.0.1:${env.ORGANIZATION_PORT}`;
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return { proc, base };
    }
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(`npm start did not become ready: ${await new Response(proc.stderr).text()}`);
}

test("npm start serves organization on PGlite, stops on SIGINT and keeps its data across a restart", async () => {
  const signer = await createTestSigner();
  const port = String(await freePort());
  const env = { ORGANIZATION_PORT: port, JWT_PUBLIC_KEY: signer.publicKey };
  const operator = await signer.sign({
    tenantId: Bun.randomUUIDv7(),
    permissions: ["platform:tenant:create"],
  });

  const first = await startSystem(env);
  const metrics = await (await fetch(`${first.base}/metrics`)).text();
  expect(metrics).toContain("vextrus_organization_tenants_total");
  const created = await fetch(`${first.base}/trpc/tenants.create`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${operator}` },
    body: JSON.stringify(
      superjson.serialize({ slug: "persisted-builders", legalName: "Persisted Builders Ltd" }),
    ),
  });
  expect(created.status).toBe(200);
  const tenant = superjson.deserialize<{ id: string }>(
    ((await created.json()) as { result: { data: never } }).result.data,
  );
  first.proc.kill("SIGINT");
  expect(await first.proc.exited).toBe(0);
  const stdout = await new Response(first.proc.stdout).text();
  expect(stdout).toContain(`organization`);
  expect(stdout).toContain(`http://127.0.0.1:${port}`);

  const second = await startSystem(env);
  try {
    const token = await signer.sign({ tenantId: tenant.id, permissions: ["organization:*"] });
    const res = await fetch(`${second.base}/trpc/tenants.get`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = superjson.deserialize<{ slug: string }>(
      ((await res.json()) as { result: { data: never } }).result.data,
    );
    expect(body.slug).toBe("persisted-builders");
  } finally {
    second.proc.kill("SIGTERM");
    expect(await second.proc.exited).toBe(0);
  }
}, 60_000);

test("a bad setting exits with code 1 and names the variable", async () => {
  const proc = Bun.spawn([process.execPath, "services/organization/src/main.ts"], {
    env: { ...process.env, PORT: "not-a-port", DATABASE_URL: "mysql://nope" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await proc.exited).toBe(1);
  const stderr = await new Response(proc.stderr).text();
  expect(stderr).toContain("PORT");
  expect(stderr).toContain("DATABASE_URL: must be a postgres:// URL");
  expect(stderr).not.toContain("    at ");
});
