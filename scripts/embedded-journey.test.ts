/**
 * The product as users start it: `scripts/start.ts` on its embedded default (one PGlite, the
 * in-process bus) in a fresh DATA_DIR, driven only through the gateway and the typed client. A real
 * journey — sign-up, invitations, sign-ins and refreshes after every cache interval has run out, a
 * two-step approval, audit verification — and the process must still be ready afterwards and stop
 * cleanly on SIGTERM. Intervals are shortened by the same environment variables an operator sets.
 *
 * Wave 1 froze here for good on the second sign-in 30 s after the first (a signing-key reload opened
 * a second transaction inside the sign-in's own, on PGlite's one connection) while every
 * PostgreSQL-backed test passed.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVextrusClient, type VextrusClient } from "@vextrus/client";
import { tokenFromFolder } from "@vextrus/platform/testing";
import type { Subprocess } from "bun";
import { embeddedPorts } from "./embedded-ports.ts";

/** Auth reloads its signing keys this often here (30 s by default): waits below outlast it. */
const RELOAD_MS = 1_000;
const SHUTDOWN_TIMEOUT_MS = 8_000;
/** Longer than every interval the journey crosses, so each call after it finds its caches stale. */
const PAST_INTERVALS_MS = RELOAD_MS + 600;
/** No call in this journey may take longer: a frozen database shows up as this, not as a test timeout. */
const CALL_DEADLINE_MS = 15_000;

const dataDir = mkdtempSync(join(tmpdir(), "vextrus-embedded-"));
/** Where notification writes mail in the embedded default (no SMTP_URL). */
const mailDir = join(dataDir, "mail");
let proc: Subprocess<"ignore", "pipe", "pipe"> | undefined;
let gatewayUrl = "";
let stderrText: Promise<string> | undefined;

/** `promise`, or a failure naming the step if it has not settled within CALL_DEADLINE_MS. */
async function step<T>(name: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name}: no answer within ${CALL_DEADLINE_MS} ms`)),
      CALL_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const readiness = () =>
  fetch(`${gatewayUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then(
    async (r) => ({ status: r.status, body: await r.text() }),
    (e: unknown) => ({ status: 0, body: String(e) }),
  );

beforeAll(async () => {
  const ports = await embeddedPorts();
  // The embedded default: no DATABASE_URL or KAFKA_BROKERS, even though the test run has both.
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...inherited } = process.env;
  proc = Bun.spawn([process.execPath, "scripts/start.ts"], {
    env: {
      ...inherited,
      ...ports,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      SIGNING_KEYS_RELOAD_MS: String(RELOAD_MS),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  stderrText = new Response(proc.stderr).text();
  gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
  // Up to 150 s: on a loaded 2-core machine thirteen services migrating one PGlite took over 60 s.
  for (const deadline = performance.now() + 150_000; performance.now() < deadline; ) {
    if ((await readiness()).status === 200) {
      return;
    }
    await Bun.sleep(100);
  }
  proc.kill("SIGKILL");
  throw new Error(`npm start did not become ready: ${await stderrText}`);
}, 180_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    proc.kill("SIGKILL");
    await proc.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const slug = `embedded-${Date.now().toString(36)}`;
const password = "Jute-Harbour-Monsoon-42";

interface Person {
  userId: string;
  email: string;
  api: VextrusClient;
}

test("a company's first day on `npm start`: sign-ups, sign-ins and refreshes across every interval, an approval, a verified audit trail", async () => {
  const anon = createVextrusClient({ url: gatewayUrl });
  const adminEmail = `farhana@${slug}.com.bd`;
  const registered = await step(
    "registerTenant",
    anon.auth.registerTenant.mutate({
      tenant: { slug, legalName: "Embedded Builders Ltd" },
      admin: { name: "Farhana Islam", email: adminEmail, password },
    }),
  );
  const admin = createVextrusClient({
    url: gatewayUrl,
    token: registered.accessToken,
    refreshToken: registered.refreshToken,
  });

  // The signing keys go stale between every two sign-ins below: the case that froze wave 1.
  await Bun.sleep(PAST_INTERVALS_MS);
  const adminLogin = await step(
    "login after the key cache went stale",
    anon.auth.login.mutate({ tenantSlug: slug, identifier: adminEmail, password }),
  );
  expect(adminLogin.accessToken).toBeString();
  await Bun.sleep(PAST_INTERVALS_MS);
  const refreshed = await step(
    "refresh after the key cache went stale",
    anon.auth.refresh.mutate({ refreshToken: adminLogin.refreshToken }),
  );
  expect(refreshed.refreshToken).not.toBe(adminLogin.refreshToken);

  // The organization: a company, a site, a three-level chain of limits.
  const company = await step(
    "company",
    admin.organization.companies.create.mutate({ name: "Embedded Housing" }),
  );
  const site = await step(
    "department",
    admin.organization.departments.create.mutate({ companyId: company.id, name: "Site A, Purbachal" }),
  );
  const designation = (name: string, rank: number, approvalLimit: string) =>
    step(name, admin.organization.designations.create.mutate({ name, rank, approvalLimit }));
  const engineerD = await designation("Site Engineer", 1, "0");
  const pmD = await designation("Project Manager", 2, "500000");
  const directorD = await designation("Director", 3, "5000000");
  const role = await step(
    "role",
    admin.auth.roles.create.mutate({
      name: "Requisitioner",
      permissions: [
        "workflow:process:start",
        "workflow:process:read",
        "workflow:task:read",
        "workflow:task:decide",
        "organization:department:read",
        "organization:chain:read",
        "rules:evaluation:run",
      ],
    }),
  );

  /** Invited by the admin; accepts; signs in once the key cache has gone stale again. */
  const invite = async (name: string): Promise<Person> => {
    const email = `${name.toLowerCase().replaceAll(" ", ".")}@${slug}.com.bd`;
    const invited = await step(
      `invite ${name}`,
      admin.auth.users.invite.mutate({ name, email, roleIds: [role.id] }),
    );
    await step(
      `accept ${name}`,
      // The link reaches the invited address only: notification writes it under DATA_DIR/mail.
      tokenFromFolder(mailDir, email, "accept-invite").then((token) =>
        anon.auth.invites.accept.mutate({ token, password }),
      ),
    );
    await Bun.sleep(PAST_INTERVALS_MS);
    const login = await step(
      `login ${name}`,
      anon.auth.login.mutate({ tenantSlug: slug, identifier: email, password }),
    );
    const api = createVextrusClient({
      url: gatewayUrl,
      token: login.accessToken,
      refreshToken: login.refreshToken,
    });
    return { userId: invited.user.id, email, api };
  };
  const director = await invite("Director Rahman");
  const pm = await invite("Manager Karim");
  const engineer = await invite("Engineer Hasan");
  const join = (p: Person, designationId: string, reportsTo?: Person) =>
    step(
      "membership",
      admin.organization.memberships.create.mutate({
        userId: p.userId,
        companyId: company.id,
        departmentId: site.id,
        designationId,
        ...(reportsTo ? { reportsToUserId: reportsTo.userId } : {}),
      }),
    );
  await join(director, directorD.id);
  await join(pm, pmD.id, director);
  await join(engineer, engineerD.id, pm);

  // organization.tenant.created reached rules-engine on the in-process bus, which installed the packs.
  let ruleSets: string[] = [];
  for (let i = 0; i < 100 && !ruleSets.includes("purchase.approval"); i++) {
    ruleSets = (await step("rule sets", admin.rules.ruleSets.list.query())).map((s) => s.key);
    if (!ruleSets.includes("purchase.approval")) {
      await Bun.sleep(100);
    }
  }
  expect(ruleSets).toContain("purchase.approval");
  await step(
    "definition",
    admin.workflow.definitions.create.mutate({
      key: "purchase.requisition",
      name: "Purchase requisition",
      nameBn: "ক্রয় অনুরোধ",
      ruleSets: ["purchase.approval", "tax.vat"],
      slaHours: 24,
    }),
  );

  // A 7,50,000 BDT requisition: beyond the PM's limit, so PM then director.
  const started = await step(
    "start",
    engineer.api.workflow.processes.start.mutate({
      definitionKey: "purchase.requisition",
      subject: "Cement for Site A: 4,000 bags",
      amount: "750000.00",
      departmentId: site.id,
      data: { vendor: "Bashundhara Cement Ltd" },
    }),
  );
  const approve = async (person: Person) => {
    await Bun.sleep(PAST_INTERVALS_MS);
    const inbox = await step("inbox", person.api.workflow.tasks.inbox.query({}));
    const task = inbox.find((t) => t.processId === started.process.id);
    if (!task) {
      throw new Error(`no task for ${person.email}`);
    }
    return step(
      "approve",
      person.api.workflow.tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version }),
    );
  };
  expect((await approve(pm)).process.status).toBe("in_progress");
  expect((await approve(director)).process.status).toBe("approved");

  // Every one of those events reached the audit log, whose chain verifies.
  let trail = { ok: false, checked: 0 };
  for (let i = 0; i < 100 && trail.checked < 10; i++) {
    trail = await step("audit verify", admin.audit.verify.query({}));
    if (trail.checked < 10) {
      await Bun.sleep(100);
    }
  }
  expect(trail.ok).toBe(true);
  expect(trail.checked).toBeGreaterThanOrEqual(10);

  // A client whose access token went stale refreshes through the typed client on its own.
  await Bun.sleep(PAST_INTERVALS_MS);
  const again = await step(
    "refresh after the approval",
    anon.auth.refresh.mutate({ refreshToken: refreshed.refreshToken }),
  );
  const fresh = createVextrusClient({ url: gatewayUrl, token: again.accessToken });
  expect(
    (await step("read back", fresh.workflow.processes.get.query({ id: started.process.id }))).process.status,
  ).toBe("approved");
}, 180_000);

test("afterwards every service is still ready, and SIGTERM stops the process cleanly within its timeout", async () => {
  const ready = await readiness();
  expect(ready).toMatchObject({ status: 200 });
  const running = proc;
  if (!running) {
    throw new Error("npm start is not running");
  }
  const began = performance.now();
  running.kill("SIGTERM");
  const code = await Promise.race([
    running.exited,
    Bun.sleep(SHUTDOWN_TIMEOUT_MS + 5_000).then(() => "timeout"),
  ]);
  expect(code).toBe(0);
  expect(performance.now() - began).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  expect(await stderrText).not.toContain("stop failed");
}, 30_000);
