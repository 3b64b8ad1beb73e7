import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "./expect.ts";
import {
  buildCompany,
  type Company,
  defineProcess,
  type Person,
  startWorkflow,
  type WorkflowHarness,
} from "./harness.ts";

let h: WorkflowHarness;
let co: Company;
const HOUR = 3_600_000;

beforeAll(async () => {
  h = await startWorkflow("wf_separation", { withRules: true });
  co = await buildCompany(h, "sod");
  await defineProcess(h, co, "purchase.requisition", { ruleSets: ["purchase.approval"], slaHours: 8 });
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

afterEach(() => {
  h.clock.reset();
});

const start = async (amount: string) =>
  (
    await h.client(co.engineer.token).processes.start.mutate({
      definitionKey: "purchase.requisition",
      subject: "Steel for tower C",
      amount,
      departmentId: co.departmentId,
      data: { category: "construction" },
    })
  ).process.id;

/** `person`'s open task on the process assigned to `assignee` (their own, or delegated to them). */
async function taskFor(person: Person, processId: string, assignee: Person) {
  const task = (await h.client(person.token).tasks.inbox.query({})).find(
    (t) => t.processId === processId && t.assigneeId === assignee.userId,
  );
  if (!task) {
    throw new Error(`no open task of ${assignee.userId} for ${person.userId}`);
  }
  return task;
}

async function approve(person: Person, processId: string, assignee: Person = person) {
  const task = await taskFor(person, processId, assignee);
  return h.client(person.token).tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version });
}

const delegateAll = (from: Person, to: Person) =>
  h
    .client(from.token)
    .tasks.delegate.mutate({ all: true, toUserId: to.userId, until: new Date(Date.now() + HOUR) });

describe("one person decides at most one step of a process, whoever delegated to them", () => {
  test("the director, the PM's delegate, approves the PM's step but not his own as well", async () => {
    await delegateAll(co.pm, co.director);
    const id = await start("750000");
    const first = await approve(co.director, id, co.pm);
    expect(first.process.status).toBe("in_progress");

    const own = await taskFor(co.director, id, co.director);
    const refused = await failure(
      h.client(co.director.token).tasks.approve.mutate({ taskId: own.id, expectedVersion: own.version }),
    );
    expect(refused).toMatchObject({ code: "FORBIDDEN", appCode: "workflow.task.second_decision" });
    expect(refused.message).toContain("step 1");
    const bn = await h
      .client(co.director.token, "bn")
      .tasks.approve.mutate({ taskId: own.id, expectedVersion: own.version })
      .catch((e: Error) => e.message);
    expect(bn).toContain("ধাপ ১-এ");
    const rejected = await failure(
      h.client(co.director.token).tasks.reject.mutate({ taskId: own.id, expectedVersion: own.version }),
    );
    expect(rejected.appCode).toBe("workflow.task.second_decision");

    // Overdue, the step escalates past the director to the managing director, who decides it.
    h.clock.set(new Date((own.dueAt ?? new Date()).getTime() + HOUR));
    const escalated = await h.client(co.admin.token).escalateOverdue.mutate();
    expect(escalated.escalated).toContainEqual({
      taskId: own.id,
      fromUserId: co.director.userId,
      toUserId: co.md.userId,
    });
    expect((await approve(co.md, id)).process.status).toBe("approved");
    const full = await h.client(co.admin.token).processes.get.query({ id });
    expect(full.tasks.map((t) => t.decidedBy)).toEqual([co.director.userId, co.md.userId]);
  });

  test("a board member casts one vote in a 2-of-3, not a second one for the member who delegated to him", async () => {
    const [first, second] = co.board;
    if (!first || !second) {
      throw new Error("board");
    }
    await delegateAll(second, first);
    const id = await start("6000000");
    for (const approver of [co.pm, co.director, co.md]) {
      await approve(approver, id);
    }
    expect((await approve(first, id)).process.status).toBe("in_progress");
    const theirs = await taskFor(first, id, second);
    const refused = await failure(
      h.client(first.token).tasks.approve.mutate({ taskId: theirs.id, expectedVersion: theirs.version }),
    );
    expect(refused.appCode).toBe("workflow.task.second_decision");
    expect(refused.message).toContain("step 4");
    const after = await h.client(co.admin.token).processes.get.query({ id });
    expect(after.process.status).toBe("in_progress");
    expect(after.tasks.filter((t) => t.kind === "committee" && t.status === "approved")).toHaveLength(1);
    expect((await approve(second, id)).process.status).toBe("approved");
  });
});
