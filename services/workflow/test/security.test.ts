import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import superjson from "superjson";
import { failure } from "./expect.ts";
import { buildCompany, type Company, defineProcess, startWorkflow, type WorkflowHarness } from "./harness.ts";

let h: WorkflowHarness;
let a: Company;
let b: Company;

beforeAll(async () => {
  h = await startWorkflow("wf_security");
  a = await buildCompany(h, "tenant-a");
  b = await buildCompany(h, "tenant-b");
  await defineProcess(h, a);
  await defineProcess(h, b);
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

const input = (co: Company) => ({
  definitionKey: "purchase.requisition",
  subject: "Tiles",
  amount: "250000",
  departmentId: co.departmentId,
  data: {},
});

describe("tenant isolation", () => {
  test("a request cannot be charged to another tenant's department (checked at organization)", async () => {
    const engineer = h.client(a.engineer.token);
    // Called one at a time: a second call made up front could be refused before the first is awaited,
    // and its rejection would go unhandled.
    for (const attempt of [
      () => engineer.processes.start.mutate({ ...input(a), departmentId: b.departmentId }),
      () => engineer.processes.preview.query({ ...input(a), departmentId: b.departmentId }),
    ]) {
      const refused = await failure(attempt());
      expect(refused.code).toBe("BAD_REQUEST");
      expect(refused.issues?.[0]?.path).toBe("departmentId");
    }
    expect(
      (await h.client(a.admin.token).processes.list.query({})).items.some(
        (p) => p.departmentId === b.departmentId,
      ),
    ).toBe(false);
  });

  test("tenant B cannot see or act on tenant A's processes and tasks", async () => {
    const { process } = await h.client(a.engineer.token).processes.start.mutate(input(a));
    const taskA = (await h.client(a.pm.token).tasks.inbox.query({})).find((t) => t.processId === process.id);
    if (!taskA) {
      throw new Error("no task in tenant A");
    }
    const adminB = h.client(b.admin.token);
    expect((await failure(adminB.processes.get.query({ id: process.id }))).code).toBe("NOT_FOUND");
    expect((await adminB.processes.list.query({})).items.some((p) => p.id === process.id)).toBe(false);
    expect((await h.client(b.pm.token).tasks.inbox.query({})).some((t) => t.id === taskA.id)).toBe(false);
    const act = await failure(
      h.client(b.pm.token).tasks.approve.mutate({ taskId: taskA.id, expectedVersion: taskA.version }),
    );
    expect(act.code).toBe("NOT_FOUND");
    // Same user id, other tenant's token: still nothing.
    const crossToken = await h.token(b.tenantId, a.pm.userId);
    const cross = await failure(
      h.client(crossToken).tasks.approve.mutate({ taskId: taskA.id, expectedVersion: taskA.version }),
    );
    expect(cross.code).toBe("NOT_FOUND");
    const delegate = await failure(
      h.client(b.pm.token).tasks.delegate.mutate({
        taskId: taskA.id,
        toUserId: b.outsider.userId,
        until: new Date(Date.now() + 3_600_000),
      }),
    );
    expect(delegate.code).toBe("NOT_FOUND");
    h.clock.set(new Date(Date.now() + 1000 * 3_600_000));
    const escalated = await adminB.escalateOverdue.mutate();
    h.clock.reset();
    expect(escalated.escalated.some((e) => e.taskId === taskA.id)).toBe(false);
    const stillA = await h.client(a.admin.token).processes.get.query({ id: process.id });
    expect(stillA.tasks[0]?.assigneeId).toBe(a.pm.userId);
  });

  test("every workflow table has row-level security enabled and forced, and the app role cannot bypass it", async () => {
    const tables = await h.sql<{ relname: string; enabled: boolean; forced: boolean }[]>`
      select c.relname, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'workflow' and c.relkind = 'r' and c.relname not in ('outbox', 'inbox')
      order by c.relname`;
    expect(tables.map((t) => t.relname)).toEqual([
      "assignments",
      "definitions",
      "delegations",
      "known_users",
      "processes",
      "tasks",
      "transitions",
    ]);
    expect(tables.every((t) => t.enabled && t.forced)).toBe(true);
    const visible = await h.sql.begin(async (tx) => {
      await tx`select set_config('role', 'vextrus_app', true)`;
      return tx<{ n: number }[]>`select count(*)::int as n from workflow.processes`;
    });
    expect(visible[0]?.n).toBe(0);
    const outbox = await h.sql
      .begin(async (tx) => {
        await tx`select set_config('role', 'vextrus_app', true)`;
        return tx`select * from workflow.outbox limit 1`;
      })
      .catch((error: { code?: string }) => error.code);
    expect(outbox).toBe("42501");
  });
});

describe("bad input never 5xx", () => {
  const post = async (path: string, body: unknown, token?: string, lang = "en") =>
    h.app.fetch(
      new Request(`http://workflow.test/trpc/${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "accept-language": lang,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: typeof body === "string" ? body : JSON.stringify(superjson.serialize(body)),
      }),
    );

  test("garbage inputs answer 4xx naming the field, in English and Bengali", async () => {
    const token = a.engineer.token;
    const cases: [string, unknown, string][] = [
      ["processes.start", { ...input(a), amount: "12.345" }, "amount"],
      ["processes.start", { ...input(a), amount: 1e30 }, "amount"],
      ["processes.start", { ...input(a), amount: "-5" }, "amount"],
      ["processes.start", { ...input(a), amount: "0" }, "amount"],
      ["processes.start", { ...input(a), departmentId: "not-a-uuid" }, "departmentId"],
      ["processes.start", { ...input(a), subject: "" }, "subject"],
      ["processes.start", { ...input(a), definitionKey: "DROP TABLE" }, "definitionKey"],
      ["processes.start", { ...input(a), data: "x" }, "data"],
      ["processes.start", { ...input(a), data: { big: "x".repeat(40_000) } }, "data"],
      ["processes.start", null, "(input)"],
      ["tasks.approve", { taskId: "x", expectedVersion: 1 }, "taskId"],
      ["tasks.approve", { taskId: Bun.randomUUIDv7(), expectedVersion: 0 }, "expectedVersion"],
      [
        "tasks.reject",
        { taskId: Bun.randomUUIDv7(), expectedVersion: 1, comment: "x".repeat(3000) },
        "comment",
      ],
      ["tasks.delegate", { all: true, toUserId: "nobody", until: new Date() }, "toUserId"],
      ["tasks.delegate", { all: true, toUserId: Bun.randomUUIDv7(), until: "tomorrow" }, "until"],
      ["processes.resubmit", { processId: Bun.randomUUIDv7() }, "expectedVersion"],
      ["escalateOverdue", { now: "yesterday" }, "(input)"],
      ["definitions.create", { key: "x", name: "x", slaHours: 0 }, "slaHours"],
      [
        "definitions.create",
        { key: "x", name: "x", slaHours: 1, committees: [{ name: "b", members: [] }] },
        "committees.0.members",
      ],
    ];
    for (const [path, body, field] of cases) {
      const admin = path.startsWith("definitions") || path === "escalateOverdue";
      const en = await post(path, body, admin ? a.admin.token : token);
      expect({ path, field, status: en.status }).toEqual({ path, field, status: 400 });
      const json = (await en.json()) as { error: { json: { data: { issues?: { path: string }[] } } } };
      expect(json.error.json.data.issues?.map((i) => i.path)).toContain(field);
      const bn = await post(path, body, admin ? a.admin.token : token, "bn");
      const text = await bn.text();
      expect(text).toMatch(/[\u0980-\u09FF]/);
      expect(text).not.toContain("    at ");
    }
  });

  test("unparsable bodies, unknown ids, no token and bad tokens are never 5xx", async () => {
    const broken = await post("processes.start", "{not json", a.engineer.token);
    expect(broken.status).toBeLessThan(500);
    expect(broken.status).toBeGreaterThanOrEqual(400);
    const missing = await post(
      "tasks.approve",
      { taskId: Bun.randomUUIDv7(), expectedVersion: 1 },
      a.pm.token,
    );
    expect(missing.status).toBe(404);
    expect((await post("processes.start", input(a))).status).toBe(401);
    expect((await post("processes.start", input(a), "not.a.jwt")).status).toBe(401);
    const unknownProc = await post("processes.nope", {}, a.engineer.token);
    expect(unknownProc.status).toBe(404);
  });
});

describe("observability", () => {
  test("/metrics exposes started/completed counters, pending tasks and the approval latency histogram", async () => {
    const { process } = await h.client(b.engineer.token).processes.start.mutate(input(b));
    const task = (await h.client(b.pm.token).tasks.inbox.query({})).find((t) => t.processId === process.id);
    if (!task) {
      throw new Error("no task");
    }
    const pendingBefore = await metric("vextrus_workflow_tasks_pending");
    await h.client(b.pm.token).tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version });
    const pendingAfter = await metric("vextrus_workflow_tasks_pending");
    expect(pendingAfter).toBe(pendingBefore - 1);
    const text = await (await h.app.fetch(new Request("http://workflow.test/metrics"))).text();
    expect(text).toMatch(/vextrus_workflow_processes_started_total\{[^}]*\} [1-9]/);
    expect(text).toMatch(/vextrus_workflow_processes_completed_total\{[^}]*outcome="approved"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /vextrus_workflow_approval_latency_seconds_count\{[^}]*decision="approved"[^}]*\} [1-9]/,
    );
    const ready = await h.app.fetch(new Request("http://workflow.test/health/ready"));
    expect(ready.status).toBe(200);
  });
});

async function metric(name: string): Promise<number> {
  const text = await (await h.app.fetch(new Request("http://workflow.test/metrics"))).text();
  const line = text.split("\n").find((l) => l.startsWith(name));
  return Number(line?.split(" ").at(-1));
}
