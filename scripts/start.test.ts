/**
 * `npm start` for real: the embedded process starts every service and the gateway, answers through
 * the typed client, stops cleanly on Ctrl-C (SIGINT), and a second start finds the data the first
 * one wrote (and checks user ids against auth's users, as services do on PostgreSQL and Kafka).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVextrusClient } from "@vextrus/client";
import { EMBEDDED_SERVICES, embeddedPorts } from "./embedded-ports.ts";

const dataDir = mkdtempSync(join(tmpdir(), "vextrus-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startSystem(ports: Record<string, string>) {
  // The embedded default: no DATABASE_URL or KAFKA_BROKERS, even though the test run has a broker.
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...inherited } = process.env;
  const proc = Bun.spawn([process.execPath, "scripts/start.ts"], {
    env: { ...inherited, ...ports, DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const gateway = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
  // Up to 150 s: thirteen services migrate one PGlite in turn, on a machine the other suites share
  // (on a loaded 2-core machine it took over 60 s).
  for (const deadline = performance.now() + 150_000; performance.now() < deadline; ) {
    const ok = await fetch(`${gateway}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return { proc, gateway };
    }
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(`npm start did not become ready: ${await new Response(proc.stderr).text()}`);
}

test("npm start runs every service on PGlite, stops on SIGINT and keeps its data across a restart", async () => {
  const ports = await embeddedPorts();
  const first = await startSystem(ports);
  const anon = createVextrusClient({ url: first.gateway });
  const admin = {
    name: "Farhana Islam",
    email: "farhana@persisted.com.bd",
    password: "Jute-Harbour-Monsoon-42",
  };
  const registered = await anon.auth.registerTenant.mutate({
    tenant: { slug: "persisted-builders", legalName: "Persisted Builders Ltd" },
    admin,
  });
  const api = createVextrusClient({ url: first.gateway, token: registered.accessToken });
  const company = await api.organization.companies.create.mutate({ name: "Persisted Housing" });
  const party = await api.masterData.parties.create.mutate({
    name: "Persisted Cement",
    nameBn: "স্থায়ী সিমেন্ট",
    roles: ["supplier"],
  });
  // A file through the embedded folder store: the same presigned flow as S3, links served by file-storage.
  const bytes = new TextEncoder().encode("%PDF-1.7\n% persisted\n%%EOF\n");
  const granted = await api.files.createUpload.mutate({
    fileName: "নকশা.pdf",
    contentType: "application/pdf",
    size: bytes.length,
    sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex"),
    attachTo: { service: "organization", type: "company", id: company.id },
  });
  const target = granted.upload.parts[0];
  const put = await fetch(target?.url ?? "", { method: "PUT", body: bytes, headers: target?.headers });
  expect(put.status).toBe(200);
  expect((await api.files.completeUpload.mutate({ fileId: granted.file.id })).status).toBe("available");
  await api.config.set.mutate({
    key: "workflow.sla.hours",
    scope: { level: "company", companyId: company.id },
    value: 24,
    expectedVersion: 0,
  });
  const metrics = await (await fetch(`http://127.0.0.1:${ports.ORGANIZATION_PORT}/metrics`)).text();
  expect(metrics).toMatch(/vextrus_organization_tenants\{[^}]*status="active"[^}]*\} 1/);
  first.proc.kill("SIGINT");
  expect(await first.proc.exited).toBe(0);
  const stdout = await new Response(first.proc.stdout).text();
  for (const service of EMBEDDED_SERVICES) {
    expect(stdout).toContain(service);
  }

  const second = await startSystem(ports);
  try {
    const again = createVextrusClient({ url: second.gateway });
    const login = await again.auth.login.mutate({
      tenantSlug: "persisted-builders",
      identifier: admin.email,
      password: admin.password,
    });
    const back = createVextrusClient({ url: second.gateway, token: login.accessToken });
    expect((await back.organization.companies.get.query({ id: company.id })).name).toBe("Persisted Housing");
    // Master-data's trigram search works on the embedded PGlite too (pg_trgm loaded at start).
    const found = await back.masterData.parties.list.query({ search: "সিমেন্ট" });
    expect(found.items.map((p) => p.id)).toEqual([party.id]);
    const link = await back.files.downloadUrl.query({ id: granted.file.id });
    const download = await fetch(link.url);
    expect(await download.text()).toContain("persisted");
    expect(download.headers.get("content-disposition")).toContain("filename*=UTF-8''%E0%A6%A8");
    const sla = await back.config.resolve.query({
      key: "workflow.sla.hours",
      scope: { companyId: company.id },
    });
    expect([sla.value, sla.source.level]).toEqual([24, "company"]);
    // User ids named in memberships and committees are checked against auth's users here too: the
    // lookup in auth happens outside any transaction (one PGlite connection), and auth's events reach
    // organization's and workflow's projections over the in-process bus.
    const users = back.auth.users;
    const person = await users.invite.mutate({ name: "Karim Ahmed", email: "karim@persisted.com.bd" });
    const gone = await users.invite.mutate({ name: "Rupa Akter", email: "rupa@persisted.com.bd" });
    await users.deactivate.mutate({ id: gone.user.id });
    const org = back.organization;
    const department = await org.departments.create.mutate({ companyId: company.id, name: "Site A" });
    const designation = await org.designations.create.mutate({
      name: "Engineer",
      rank: 1,
      approvalLimit: "0",
    });
    const place = { companyId: company.id, departmentId: department.id, designationId: designation.id };
    const member = await org.memberships.create.mutate({ ...place, userId: person.user.id });
    expect(member.userId).toBe(person.user.id);
    const appCode = (error: unknown) => (error as { data?: { appCode?: string } }).data?.appCode;
    const unknown = await org.memberships.create
      .mutate({ ...place, userId: Bun.randomUUIDv7() })
      .catch(appCode);
    expect(unknown).toBe("user.unknown");
    const committee = (members: string[]) =>
      back.workflow.definitions.create.mutate({
        key: "purchase.requisition",
        name: "Purchase requisition",
        slaHours: 24,
        committees: [{ name: "board", members }],
      });
    expect(await committee([person.user.id, gone.user.id]).catch(appCode)).toBe("user.deactivated");
    expect((await committee([person.user.id, login.user.id])).version).toBe(1);
    const handled = async (port: string | undefined) =>
      /vextrus_events_handled_total\{[^}]*topic="vextrus\.auth\.user"[^}]*\} [1-9]/.test(
        await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
      );
    for (let i = 0; i < 50 && !(await handled(ports.WORKFLOW_PORT)); i++) {
      await Bun.sleep(100);
    }
    expect(await handled(ports.ORGANIZATION_PORT)).toBe(true);
    expect(await handled(ports.WORKFLOW_PORT)).toBe(true);
    expect((await fetch(`${second.gateway}/health/ready`)).status).toBe(200);
  } finally {
    second.proc.kill("SIGTERM");
    expect(await second.proc.exited).toBe(0);
  }
}, 420_000);

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
