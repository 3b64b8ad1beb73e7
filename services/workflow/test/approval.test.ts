import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "./expect.ts";
import { buildCompany, type Company, defineProcess, startWorkflow, type WorkflowHarness } from "./harness.ts";

let h: WorkflowHarness;
let co: Company;

beforeAll(async () => {
  h = await startWorkflow("wf_approval");
  co = await buildCompany(h, "approval");
  await defineProcess(h, co);
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

const requisition = (amount: string) => ({
  definitionKey: "purchase.requisition",
  subject: `Rebar for Site A (${amount} BDT)`,
  amount,
  departmentId: co.departmentId,
  data: { category: "materials", vendor: "BSRM" },
});

describe("routing up the hierarchy", () => {
  test("7,50,000 BDT goes to the PM then the director; the PM alone does not finish it", async () => {
    const engineer = h.client(co.engineer.token);
    const started = await engineer.processes.start.mutate(requisition("750000"));
    expect(started.process.amount).toBe("750000.00");
    expect(started.steps.map((s) => s.approvers.map((a) => a.userId))).toEqual([
      [co.pm.userId],
      [co.director.userId],
    ]);

    const directorInboxBefore = await h.client(co.director.token).tasks.inbox.query({});
    expect(directorInboxBefore.find((t) => t.processId === started.process.id)).toBeUndefined();

    const pmTask = (await h.client(co.pm.token).tasks.inbox.query({})).find(
      (t) => t.processId === started.process.id,
    );
    expect(pmTask?.via).toBe("assigned");
    if (!pmTask) {
      throw new Error("the PM has no task");
    }
    const afterPm = await h.client(co.pm.token).tasks.approve.mutate({
      taskId: pmTask.id,
      comment: "Quantities checked",
      expectedVersion: pmTask.version,
    });
    expect(afterPm.process.status).toBe("in_progress");

    const directorTask = (await h.client(co.director.token).tasks.inbox.query({})).find(
      (t) => t.processId === started.process.id,
    );
    if (!directorTask) {
      throw new Error("the director has no task after the PM approved");
    }
    const afterDirector = await h
      .client(co.director.token)
      .tasks.approve.mutate({ taskId: directorTask.id, expectedVersion: directorTask.version });
    expect(afterDirector.process.status).toBe("approved");

    const full = await engineer.processes.get.query({ id: started.process.id });
    expect(full.process.completedAt).toBeInstanceOf(Date);
    expect(full.tasks.map((t) => [t.step, t.assigneeId, t.status])).toEqual([
      [1, co.pm.userId, "approved"],
      [2, co.director.userId, "approved"],
    ]);
    expect(full.history.map((t) => t.action)).toEqual([
      "started",
      "assigned",
      "approved",
      "assigned",
      "approved",
      "completed",
    ]);
    expect(full.history[2]?.comment).toBe("Quantities checked");

    const events = await h.sql<{ type: string }[]>`
      select event->>'type' as type from workflow.outbox
      where event->'data'->>'instanceId' = ${started.process.id} or event->'data'->>'id' = ${started.process.id}
      order by id`;
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.workflow.instance.started",
      "vextrus.workflow.task.assigned",
      "vextrus.workflow.task.approved",
      "vextrus.workflow.task.assigned",
      "vextrus.workflow.task.approved",
      "vextrus.workflow.instance.completed",
    ]);
  });

  test("a small amount needs only the PM", async () => {
    const started = await h.client(co.engineer.token).processes.start.mutate(requisition("45000.50"));
    expect(started.steps.map((s) => s.approvers[0]?.userId)).toEqual([co.pm.userId]);
  });

  test("preview answers who will approve without creating anything", async () => {
    const engineer = h.client(co.engineer.token);
    const before = await h.sql<{ n: number }[]>`select count(*)::int as n from workflow.processes`;
    const preview = await engineer.processes.preview.query(requisition("6000000"));
    expect(preview.steps.map((s) => s.approvers[0]?.userId)).toEqual([
      co.pm.userId,
      co.director.userId,
      co.md.userId,
    ]);
    expect(preview.steps[2]?.approvers[0]).toMatchObject({ approvalLimit: "50000000.00", rank: 4 });
    const after = await h.sql<{ n: number }[]>`select count(*)::int as n from workflow.processes`;
    expect(after[0]?.n).toBe(before[0]?.n ?? -1);
  });

  test("nobody in the chain with enough authority → PRECONDITION_FAILED saying so", async () => {
    const error = await failure(h.client(co.engineer.token).processes.start.mutate(requisition("60000000")));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.appCode).toBe("workflow.route.no_authority");
    expect(error.message).toContain("6,00,00,000.00 BDT");
    expect(error.message).toContain("up to 5,00,00,000.00 BDT");
    // In Bengali: Bengali digits, lakh/crore grouping, the taka sign; no Latin digit anywhere.
    const bn = await failure(
      h.client(co.engineer.token, "bn").processes.start.mutate(requisition("60000000")),
    );
    expect(bn.message).toContain("৳৬,০০,০০,০০০.০০");
    expect(bn.message).toContain("৳৫,০০,০০,০০০.০০");
    expect(bn.message).not.toMatch(/[0-9]/);
  });

  test("a requester outside the hierarchy cannot start one", async () => {
    const error = await failure(h.client(co.outsider.token).processes.start.mutate(requisition("1000")));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.appCode).toBe("workflow.route.no_membership");
  });

  test("an unknown definition is NOT_FOUND; a rules-backed one fails cleanly while rules are unreachable", async () => {
    const unknown = await failure(
      h.client(co.engineer.token).processes.start.mutate({ ...requisition("1000"), definitionKey: "nope" }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    await defineProcess(h, co, "needs.rules", { ruleSets: ["purchase.approval"] });
    const down = await failure(
      h
        .client(co.engineer.token)
        .processes.start.mutate({ ...requisition("1000"), definitionKey: "needs.rules" }),
    );
    expect(down.code).toBe("SERVICE_UNAVAILABLE");
    expect(down.httpStatus).toBe(503);
  });

  test("definitions are versioned: a change is a new version", async () => {
    const admin = h.client(co.admin.token);
    const v1 = await admin.definitions.get.query({ key: "purchase.requisition" });
    const v2 = await defineProcess(h, co, "purchase.requisition", { slaHours: 48 });
    expect(v2.version).toBe(v1.version + 1);
    expect((await admin.definitions.get.query({ key: "purchase.requisition" })).slaHours).toBe(48);
    expect(
      (await admin.definitions.get.query({ key: "purchase.requisition", version: v1.version })).slaHours,
    ).toBe(24);
    const listed = await admin.definitions.list.query({ key: "purchase.requisition" });
    expect(listed.items.map((d) => d.version)).toEqual([v2.version, v1.version]);
  });

  test("processes.list filters by status and by mine", async () => {
    const mine = await h.client(co.engineer.token).processes.list.query({ mine: true });
    expect(mine.items.length).toBeGreaterThanOrEqual(2);
    expect(mine.items.every((p) => p.initiatorId === co.engineer.userId)).toBe(true);
    const approved = await h.client(co.viewer.token).processes.list.query({ status: "approved" });
    expect(approved.items.every((p) => p.status === "approved")).toBe(true);
    expect(approved.items.length).toBeGreaterThanOrEqual(1);
  });
});
