import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "./expect.ts";
import {
  buildCompany,
  type Company,
  defineProcess,
  EMPLOYEE,
  type Person,
  startWorkflow,
  type WorkflowHarness,
} from "./harness.ts";

let h: WorkflowHarness;
let co: Company;

beforeAll(async () => {
  h = await startWorkflow("wf_rules", { withRules: true });
  co = await buildCompany(h, "rules");
  await defineProcess(h, co, "purchase.requisition", { ruleSets: ["tax.vat", "purchase.approval"] });
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

const requisition = (amount: string, data: Record<string, unknown> = {}) => ({
  definitionKey: "purchase.requisition",
  subject: "Steel for tower B",
  amount,
  departmentId: co.departmentId,
  data: { category: "construction", ...data },
});

async function decide(person: Person, processId: string, how: "approve" | "reject" = "approve") {
  const task = (await h.client(person.token).tasks.inbox.query({})).find((t) => t.processId === processId);
  if (!task) {
    throw new Error(`no task for ${person.userId}`);
  }
  return h.client(person.token).tasks[how].mutate({ taskId: task.id, expectedVersion: task.version });
}

describe("with the real rules engine", () => {
  test("7,50,000 BDT: the rules ask for level 3, the route is PM then director, taxes are computed", async () => {
    const engineer = h.client(co.engineer.token);
    const preview = await engineer.processes.preview.query(requisition("750000"));
    expect(preview.rules.requiredRank).toBe(3);
    expect(preview.rules.outputs.vat).toBe("112500.00");
    const started = await engineer.processes.start.mutate(requisition("750000"));
    expect(started.steps.map((s) => s.approvers[0]?.userId)).toEqual([co.pm.userId, co.director.userId]);
    expect(started.process.rules.evaluations.map((e) => e.ruleSet)).toEqual(["tax.vat", "purchase.approval"]);
    expect((await decide(co.pm, started.process.id)).process.status).toBe("in_progress");
    expect((await decide(co.director, started.process.id)).process.status).toBe("approved");
  });

  test("40,000 BDT needs one level: the PM", async () => {
    const started = await h.client(co.engineer.token).processes.start.mutate(requisition("40000"));
    expect(started.steps.map((s) => s.approvers[0]?.userId)).toEqual([co.pm.userId]);
  });

  test("above 50,00,000 BDT: up to the MD, then a 2-of-3 board step", async () => {
    const started = await h.client(co.engineer.token).processes.start.mutate(requisition("6000000"));
    expect(started.steps.map((s) => s.kind)).toEqual(["approver", "approver", "approver", "committee"]);
    expect(started.steps[3]).toMatchObject({ committee: "board", required: 2, of: 3 });
    const id = started.process.id;
    await decide(co.pm, id);
    await decide(co.director, id);
    const [first, second, third] = co.board;
    if (!first || !second || !third) {
      throw new Error("board");
    }
    const early = await failure(
      h.client(first.token).tasks.approve.mutate({
        taskId: (await h.client(co.admin.token).processes.get.query({ id })).tasks.find(
          (t) => t.assigneeId === first.userId,
        )?.id as string,
        expectedVersion: 1,
      }),
    );
    expect(early.code).toBe("PRECONDITION_FAILED");
    expect((await decide(co.md, id)).process.status).toBe("in_progress");
    expect((await decide(first, id)).process.status).toBe("in_progress");
    expect((await decide(second, id)).process.status).toBe("approved");
    const full = await h.client(co.admin.token).processes.get.query({ id });
    const board = full.tasks.filter((t) => t.kind === "committee");
    expect(board.map((t) => t.status).sort()).toEqual(["approved", "approved", "cancelled"]);
    expect((await h.client(third.token).tasks.inbox.query({})).some((t) => t.processId === id)).toBe(false);
  });

  test("a committee survives one rejection but not two", async () => {
    const [first, second, third] = co.board;
    if (!first || !second || !third) {
      throw new Error("board");
    }
    const survive = (await h.client(co.engineer.token).processes.start.mutate(requisition("7000000"))).process
      .id;
    for (const p of [co.pm, co.director, co.md]) {
      await decide(p, survive);
    }
    expect((await decide(first, survive, "reject")).process.status).toBe("in_progress");
    expect((await decide(second, survive)).process.status).toBe("in_progress");
    expect((await decide(third, survive)).process.status).toBe("approved");

    const fail = (await h.client(co.engineer.token).processes.start.mutate(requisition("7000000"))).process
      .id;
    for (const p of [co.pm, co.director, co.md]) {
      await decide(p, fail);
    }
    expect((await decide(first, fail, "reject")).process.status).toBe("in_progress");
    expect((await decide(second, fail, "reject")).process.status).toBe("rejected");
  });

  test("the caller's own permissions apply at the rules engine and organization", async () => {
    const noRules = await h.token(
      co.tenantId,
      co.engineer.userId,
      EMPLOYEE.filter((p) => p !== "rules:evaluation:run"),
    );
    const rulesDenied = await failure(h.client(noRules).processes.start.mutate(requisition("1000")));
    expect(rulesDenied.code).toBe("FORBIDDEN");
    expect(rulesDenied.message).toContain("rules-engine");
    const noChain = await h.token(
      co.tenantId,
      co.engineer.userId,
      EMPLOYEE.filter((p) => p !== "organization:chain:read"),
    );
    const chainDenied = await failure(h.client(noChain).processes.preview.query(requisition("1000")));
    expect(chainDenied.code).toBe("FORBIDDEN");
    expect(chainDenied.message).toContain("organization");
  });

  test("a fact the rules engine refuses is a 400 on data, never a 5xx", async () => {
    const error = await failure(
      h.client(co.engineer.token).processes.start.mutate(requisition("1000", { date: "not-a-date" })),
    );
    expect(error.httpStatus).toBe(400);
    expect(error.issues?.[0]?.path).toBe("data");
  });
});
