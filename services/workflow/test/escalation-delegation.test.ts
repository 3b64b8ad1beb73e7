import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "./expect.ts";
import { buildCompany, type Company, defineProcess, startWorkflow, type WorkflowHarness } from "./harness.ts";

let h: WorkflowHarness;
let co: Company;
const HOUR = 3_600_000;

beforeAll(async () => {
  h = await startWorkflow("wf_escalation");
  co = await buildCompany(h, "esc");
  await defineProcess(h, co, "purchase.requisition", { slaHours: 8 });
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

afterEach(() => {
  h.clock.reset();
});

async function start(amount: string) {
  const { process } = await h.client(co.engineer.token).processes.start.mutate({
    definitionKey: "purchase.requisition",
    subject: "Generator rental",
    amount,
    departmentId: co.departmentId,
    data: {},
  });
  const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
  const task = full.tasks.find((t) => t.status === "pending");
  if (!task) {
    throw new Error("no open task");
  }
  return { process, task };
}

describe("escalation", () => {
  test("a task past its SLA moves to the next person up the chain, with the reason recorded", async () => {
    const { process, task } = await start("300000");
    expect(task.assigneeId).toBe(co.pm.userId);
    const dueAt = task.dueAt ?? new Date(0);
    expect(dueAt.getTime() - (task.activatedAt ?? new Date(0)).getTime()).toBe(8 * HOUR);

    h.clock.set(new Date(dueAt.getTime() - 1000));
    const early = await h.client(co.admin.token).escalateOverdue.mutate();
    expect(early.escalated.find((e) => e.taskId === task.id)).toBeUndefined();

    const now = new Date(dueAt.getTime() + 2 * HOUR);
    h.clock.set(now);
    const result = await h.client(co.admin.token).escalateOverdue.mutate({});
    expect(result.escalated).toContainEqual({
      taskId: task.id,
      fromUserId: co.pm.userId,
      toUserId: co.director.userId,
    });

    const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
    const moved = full.tasks.find((t) => t.id === task.id);
    expect(moved?.assigneeId).toBe(co.director.userId);
    expect(moved?.escalations).toBe(1);
    expect(moved?.dueAt?.getTime()).toBe(now.getTime() + 8 * HOUR);
    const why = full.history.find((t) => t.action === "escalated");
    expect(why?.details).toMatchObject({ fromUserId: co.pm.userId, toUserId: co.director.userId });
    expect(JSON.stringify(why?.details)).toContain("8 h SLA");
    expect(full.assignments.filter((a) => a.taskId === task.id).map((a) => [a.userId, a.reason])).toEqual([
      [co.pm.userId, "routed"],
      [co.director.userId, "escalated"],
    ]);

    const pmNow = await failure(
      h.client(co.pm.token).tasks.approve.mutate({ taskId: task.id, expectedVersion: moved?.version ?? 0 }),
    );
    expect(pmNow.code).toBe("FORBIDDEN");
    const approved = await h
      .client(co.director.token)
      .tasks.approve.mutate({ taskId: task.id, expectedVersion: moved?.version ?? 0 });
    expect(approved.process.status).toBe("approved");
    const events = await h.sql<{ n: number }[]>`
      select count(*)::int as n from workflow.outbox
      where event->>'type' = 'vextrus.workflow.task.escalated' and event->>'subject' = ${task.id}`;
    expect(events[0]?.n).toBe(1);
  });

  test("a caller cannot pass the time: a task not yet overdue stays, with nothing false in its trail", async () => {
    const { process, task } = await start("250000");
    const admin = h.client(co.admin.token);
    // The issue's attack: "now" in 2031 escalated a task that was not overdue.
    const refused = await failure(admin.escalateOverdue.mutate({ now: new Date("2031-01-01") } as never));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("now");
    const judged = await admin.escalateOverdue.mutate({});
    expect(judged.escalated.some((e) => e.taskId === task.id)).toBe(false);
    const full = await admin.processes.get.query({ id: process.id });
    expect(full.tasks.find((t) => t.id === task.id)?.assigneeId).toBe(co.pm.userId);
    expect(full.history.some((t) => t.action === "escalated")).toBe(false);
    expect(full.history.every((t) => t.at.getTime() <= Date.now())).toBe(true);
  });

  test("the top of the chain stays put and is reported stuck; escalation needs its permission", async () => {
    const { task } = await start("6000000");
    const due = task.dueAt ?? new Date(0);
    const far = new Date(due.getTime() + 100 * HOUR);
    // PM → director → MD; then nobody above the MD.
    h.clock.set(far);
    await h.client(co.admin.token).escalateOverdue.mutate();
    h.clock.set(new Date(far.getTime() + 9 * HOUR));
    await h.client(co.admin.token).escalateOverdue.mutate();
    h.clock.set(new Date(far.getTime() + 18 * HOUR));
    const third = await h.client(co.admin.token).escalateOverdue.mutate();
    expect(third.stuck).toContain(task.id);
    const denied = await failure(h.client(co.engineer.token).escalateOverdue.mutate({}));
    expect(denied.code).toBe("FORBIDDEN");
  });
});

describe("delegation", () => {
  test("a delegate sees the task in their inbox and may act on it until the delegation ends", async () => {
    const { process, task } = await start("200000");
    const pm = h.client(co.pm.token);
    const delegate = h.client(co.outsider.token);
    const before = await failure(
      delegate.tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version }),
    );
    expect(before.code).toBe("FORBIDDEN");

    await pm.tasks.delegate.mutate({
      taskId: task.id,
      toUserId: co.outsider.userId,
      until: new Date(Date.now() + HOUR),
    });
    const inbox = await delegate.tasks.inbox.query({});
    const seen = inbox.find((t) => t.id === task.id);
    expect(seen?.via).toBe("delegated");
    expect(seen?.process.subject).toBe("Generator rental");

    const done = await delegate.tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version });
    expect(done.process.status).toBe("approved");
    expect(done.task.decidedBy).toBe(co.outsider.userId);
    const full = await h.client(co.admin.token).processes.get.query({ id: process.id });
    const decision = full.history.find((t) => t.action === "approved");
    expect(decision?.details).toMatchObject({ onBehalfOf: co.pm.userId });
    expect(full.history.map((t) => t.action)).toContain("delegated");
    const [announced] = await h.sql<{ event: { data: Record<string, unknown>; actorid: string } }[]>`
      select event from workflow.outbox where event->>'type' = 'vextrus.workflow.task.delegated' and key = ${task.id}`;
    expect(announced?.event.actorid).toBe(co.pm.userId);
    expect(announced?.event.data).toMatchObject({
      id: task.id,
      fromUserId: co.pm.userId,
      toUserId: co.outsider.userId,
    });
  });

  test("a delegation for one task does not cover others; an expired one covers nothing", async () => {
    const first = await start("100000");
    const second = await start("100000");
    const pm = h.client(co.pm.token);
    await pm.tasks.delegate.mutate({
      taskId: first.task.id,
      toUserId: co.board[0]?.userId ?? "",
      until: new Date(Date.now() + HOUR),
    });
    const member = h.client(co.board[0]?.token);
    const other = await failure(
      member.tasks.approve.mutate({ taskId: second.task.id, expectedVersion: second.task.version }),
    );
    expect(other.code).toBe("FORBIDDEN");

    // An expired delegation: written as if it ended a minute ago.
    await h.sql`
      insert into workflow.delegations (id, tenant_id, from_user_id, to_user_id, task_id, valid_until)
      values (${Bun.randomUUIDv7()}, ${co.tenantId}, ${co.pm.userId}, ${co.board[1]?.userId ?? ""}, null,
              now() - interval '1 minute')`;
    const expired = await failure(
      h
        .client(co.board[1]?.token)
        .tasks.approve.mutate({ taskId: second.task.id, expectedVersion: second.task.version }),
    );
    expect(expired.code).toBe("FORBIDDEN");
    expect((await h.client(co.board[1]?.token).tasks.inbox.query({})).length).toBe(0);
  });

  test("delegating to yourself, into the past, or someone else's task is refused", async () => {
    const { task } = await start("100000");
    const pm = h.client(co.pm.token);
    const self = await failure(
      pm.tasks.delegate.mutate({ all: true, toUserId: co.pm.userId, until: new Date(Date.now() + HOUR) }),
    );
    expect(self.issues?.[0]?.path).toBe("toUserId");
    const past = await failure(
      pm.tasks.delegate.mutate({
        all: true,
        toUserId: co.outsider.userId,
        until: new Date(Date.now() - HOUR),
      }),
    );
    expect(past.issues?.[0]?.path).toBe("until");
    const both = await failure(
      pm.tasks.delegate.mutate({
        taskId: task.id,
        all: true,
        toUserId: co.outsider.userId,
        until: new Date(),
      }),
    );
    expect(both.code).toBe("BAD_REQUEST");
    const notYours = await failure(
      h.client(co.director.token).tasks.delegate.mutate({
        taskId: task.id,
        toUserId: co.outsider.userId,
        until: new Date(Date.now() + HOUR),
      }),
    );
    expect(notYours.code).toBe("FORBIDDEN");
  });
});
