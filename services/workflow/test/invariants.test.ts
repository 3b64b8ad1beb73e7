import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "./expect.ts";
import { buildCompany, type Company, defineProcess, startWorkflow, type WorkflowHarness } from "./harness.ts";

let h: WorkflowHarness;
let co: Company;

beforeAll(async () => {
  h = await startWorkflow("wf_invariants");
  co = await buildCompany(h, "inv");
  await defineProcess(h, co);
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

async function startRequisition(amount = "750000") {
  const { process } = await h.client(co.engineer.token).processes.start.mutate({
    definitionKey: "purchase.requisition",
    subject: "Cement, 400 bags",
    amount,
    departmentId: co.departmentId,
    data: {},
  });
  return process;
}

async function openTask(processId: string) {
  const full = await h.client(co.admin.token).processes.get.query({ id: processId });
  const task = full.tasks.find((t) => t.status === "pending");
  if (!task) {
    throw new Error("no open task");
  }
  return task;
}

describe("invariants", () => {
  test("a process is approved only when every step is", async () => {
    const process = await startRequisition("6000000");
    const approvers = [co.pm, co.director, co.md];
    for (const [i, approver] of approvers.entries()) {
      const task = await openTask(process.id);
      expect(task.assigneeId).toBe(approver.userId);
      const result = await h
        .client(approver.token)
        .tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version });
      expect(result.process.status).toBe(i === approvers.length - 1 ? "approved" : "in_progress");
    }
    const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
    expect(full.tasks.every((t) => t.status === "approved")).toBe(true);
  });

  test("nobody approves their own request, even through a delegation", async () => {
    const process = await startRequisition();
    const task = await openTask(process.id);
    const pm = h.client(co.pm.token);
    const toInitiator = await failure(
      pm.tasks.delegate.mutate({ taskId: task.id, toUserId: co.engineer.userId, until: hoursFromNow(24) }),
    );
    expect(toInitiator.code).toBe("BAD_REQUEST");
    expect(toInitiator.issues?.[0]?.path).toBe("toUserId");
    await pm.tasks.delegate.mutate({ all: true, toUserId: co.engineer.userId, until: hoursFromNow(24) });
    const inbox = await h.client(co.engineer.token).tasks.inbox.query({});
    expect(inbox.find((t) => t.id === task.id)).toBeUndefined();
    const own = await failure(
      h.client(co.engineer.token).tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version }),
    );
    expect(own.code).toBe("FORBIDDEN");
    expect(own.appCode).toBe("workflow.task.own_request");
  });

  test("only the assignee or a current delegate acts; a viewer is FORBIDDEN", async () => {
    const process = await startRequisition();
    const task = await openTask(process.id);
    const viewer = await failure(
      h.client(co.viewer.token).tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version }),
    );
    expect(viewer.code).toBe("FORBIDDEN");
    expect(viewer.appCode).toBe("auth.permission.missing");
    for (const other of [co.outsider, co.director, co.board[0]]) {
      if (!other) {
        continue;
      }
      const error = await failure(
        h.client(other.token).tasks.reject.mutate({ taskId: task.id, expectedVersion: task.version }),
      );
      expect(error.code).toBe("FORBIDDEN");
      expect(error.appCode).toBe("workflow.task.not_assignee");
    }
    const still = await openTask(process.id);
    expect(still.id).toBe(task.id);
    expect(still.version).toBe(task.version);
  });

  test("two concurrent approvals of one task: exactly one wins, the other gets CONFLICT", async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const process = await startRequisition();
      const task = await openTask(process.id);
      const pm = h.client(co.pm.token);
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          pm.tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version }),
        ),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won.length).toBe(1);
      for (const lost of results.filter((r) => r.status === "rejected")) {
        const error = await failure(Promise.reject(lost.reason));
        expect(error.code).toBe("CONFLICT");
      }
      const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
      expect(full.history.filter((t) => t.action === "approved").length).toBe(1);
      expect(full.tasks.filter((t) => t.status === "pending").length).toBe(1);
    }
  });

  test("a stale expectedVersion is CONFLICT", async () => {
    const process = await startRequisition();
    const task = await openTask(process.id);
    const error = await failure(
      h.client(co.pm.token).tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version + 1 }),
    );
    expect(error.code).toBe("CONFLICT");
  });

  test("a rejected process stops its open tasks", async () => {
    const process = await startRequisition("6000000");
    const task = await openTask(process.id);
    const result = await h
      .client(co.pm.token)
      .tasks.reject.mutate({ taskId: task.id, comment: "Over budget", expectedVersion: task.version });
    expect(result.process.status).toBe("rejected");
    const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
    expect(full.tasks.map((t) => t.status)).toEqual(["rejected", "cancelled", "cancelled"]);
    const directorInbox = await h.client(co.director.token).tasks.inbox.query({});
    expect(directorInbox.some((t) => t.processId === process.id)).toBe(false);
    const outcome = await h.sql<{ outcome: string }[]>`
      select event->'data'->>'outcome' as outcome from workflow.outbox
      where event->>'type' = 'vextrus.workflow.instance.completed' and event->>'subject' = ${process.id}`;
    expect(outcome.map((o) => o.outcome)).toEqual(["rejected"]);
  });

  test("a returned process stops its tasks and can be resubmitted as a new round", async () => {
    const process = await startRequisition();
    const pmTask = await openTask(process.id);
    await h.client(co.pm.token).tasks.approve.mutate({ taskId: pmTask.id, expectedVersion: pmTask.version });
    const directorTask = await openTask(process.id);
    const returned = await h.client(co.director.token).tasks.returnForChanges.mutate({
      taskId: directorTask.id,
      comment: "Attach three quotations",
      expectedVersion: directorTask.version,
    });
    expect(returned.process.status).toBe("returned");
    const events = await h.sql<{ type: string }[]>`
      select event->>'type' as type from workflow.outbox where key = ${directorTask.id} order by id`;
    expect(events.map((e) => e.type)).toContain("vextrus.workflow.task.returned");
    expect(events.map((e) => e.type)).not.toContain("vextrus.workflow.task.rejected");
    const late = await failure(
      h.client(co.director.token).tasks.approve.mutate({
        taskId: directorTask.id,
        expectedVersion: returned.task.version,
      }),
    );
    expect(late.code).toBe("PRECONDITION_FAILED");

    const notMine = await failure(
      h.client(co.pm.token).processes.resubmit.mutate({
        processId: process.id,
        expectedVersion: returned.process.version,
      }),
    );
    expect(notMine.code).toBe("FORBIDDEN");
    const resubmitted = await h.client(co.engineer.token).processes.resubmit.mutate({
      processId: process.id,
      expectedVersion: returned.process.version,
      amount: "400000",
      data: { quotations: 3 },
    });
    expect(resubmitted.process.round).toBe(2);
    expect(resubmitted.process.status).toBe("in_progress");
    expect(resubmitted.steps.map((s) => s.approvers[0]?.userId)).toEqual([co.pm.userId]);
    const again = await failure(
      h.client(co.engineer.token).processes.resubmit.mutate({
        processId: process.id,
        expectedVersion: resubmitted.process.version,
      }),
    );
    expect(again.code).toBe("PRECONDITION_FAILED");

    const round2 = await openTask(process.id);
    expect(round2.round).toBe(2);
    const done = await h
      .client(co.pm.token)
      .tasks.approve.mutate({ taskId: round2.id, expectedVersion: round2.version });
    expect(done.process.status).toBe("approved");
    const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
    expect(full.tasks.map((t) => [t.round, t.step, t.status])).toEqual([
      [1, 1, "approved"],
      [1, 2, "returned"],
      [2, 1, "approved"],
    ]);
    expect(full.history.map((t) => t.action)).toContain("resubmitted");
  });
});

test("a resubmission that changes only the amount keeps the request's data", async () => {
  const { process } = await h.client(co.engineer.token).processes.start.mutate({
    definitionKey: "purchase.requisition",
    subject: "Sand, 20 trucks",
    amount: "90000",
    departmentId: co.departmentId,
    data: { vendor: "Meghna Sand", trucks: 20 },
  });
  const task = await openTask(process.id);
  const returned = await h.client(co.pm.token).tasks.returnForChanges.mutate({
    taskId: task.id,
    expectedVersion: task.version,
    comment: "Too many trucks",
  });
  const again = await h.client(co.engineer.token).processes.resubmit.mutate({
    processId: process.id,
    expectedVersion: returned.process.version,
    amount: "60000",
  });
  expect(again.process.amount).toBe("60000.00");
  expect(again.process.data).toEqual({ vendor: "Meghna Sand", trucks: 20 });
});

function hoursFromNow(hours: number) {
  return new Date(Date.now() + hours * 3_600_000);
}
