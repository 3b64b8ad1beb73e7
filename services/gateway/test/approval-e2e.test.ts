/**
 * The approval story end to end, all through @vextrus/client and the gateway: a tenant signs up, builds
 * its hierarchy (engineer → project manager → director → managing director), invites its people, and a
 * purchase requisition travels through rules-engine and workflow while audit records every step.
 * Real auth, organization, rules-engine, workflow and audit services over real HTTP, each on its own
 * real PostgreSQL database; events flow on the in-process bus `npm start` uses.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError, type VextrusClient } from "@vextrus/client";
import { tokenFromFolder } from "@vextrus/platform/testing";
import { strongPassword } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";

let services: RunningServices;
let gateway: RunningGateway;

/** What an ordinary employee may do: raise requests, decide and delegate their own tasks. */
const EMPLOYEE = [
  "workflow:process:start",
  "workflow:process:read",
  "workflow:task:read",
  "workflow:task:decide",
  "workflow:task:delegate",
  "workflow:definition:read",
  "organization:chain:read",
  "organization:department:read",
  "rules:evaluation:run",
];
const VIEWER = ["workflow:process:read", "workflow:task:read", "workflow:definition:read"];

interface Person {
  userId: string;
  api: VextrusClient;
}

let admin: VextrusClient;
let departmentId: string;
let engineer: Person;
let pm: Person;
let director: Person;
let md: Person;
let board: Person[];
let viewer: Person;
/** The workflow service's injected clock, moved by the escalation test (null: the system clock). */
let workflowNow: Date | null = null;
/** Whether the tenant-created event installed the packs before anyone asked. */
let packsByEvent = false;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return String((error.data as { code?: string } | undefined)?.code);
    }
    throw error;
  }
}

beforeAll(async () => {
  services = await startServices("approval", { workflowClock: () => workflowNow ?? new Date() });
  gateway = startGateway(services.table);
  const anonymous = gateway.client();
  const slug = `rupayan-${Bun.randomUUIDv7().slice(-8)}`;
  const adminEmail = `admin@${slug}.com.bd`;
  const adminPassword = strongPassword();
  await anonymous.auth.registerTenant.mutate({
    tenant: { slug, legalName: "Rupayan Housing Ltd" },
    admin: { name: "Farhana Islam", email: adminEmail, password: adminPassword },
  });
  const adminLogin = await anonymous.auth.login.mutate({
    tenantSlug: slug,
    identifier: adminEmail,
    password: adminPassword,
  });
  admin = gateway.client({ token: adminLogin.accessToken, refreshToken: adminLogin.refreshToken });

  // organization.tenant.created reaches rules-engine on the bus, which installs the built-in packs.
  await services.settle();
  const sets = (await admin.rules.ruleSets.list.query()).map((set) => set.key);
  packsByEvent = sets.includes("purchase.approval") && sets.includes("tax.vat");
  if (!packsByEvent) {
    await admin.rules.packs.install.mutate();
  }

  const company = await admin.organization.companies.create.mutate({
    name: "Rupayan Housing",
    bin: "000123456-0101",
  });
  const site = await admin.organization.departments.create.mutate({
    companyId: company.id,
    name: "Site A, Purbachal",
  });
  departmentId = site.id;
  const designation = (name: string, rank: number, approvalLimit: string) =>
    admin.organization.designations.create.mutate({ name, rank, approvalLimit });
  const [engineerD, pmD, directorD, mdD] = await Promise.all([
    designation("Site Engineer", 1, "0"),
    designation("Project Manager", 2, "500000"),
    designation("Director", 3, "5000000"),
    designation("Managing Director", 4, "50000000"),
  ]);
  const [employeeRole, viewerRole] = await Promise.all([
    admin.auth.roles.create.mutate({ name: "Requisitioner", permissions: EMPLOYEE }),
    admin.auth.roles.create.mutate({ name: "Workflow viewer", permissions: VIEWER }),
  ]);

  /** A person invited by the admin, who accepts, signs in and gets a client of their own. */
  const person = async (name: string, roleId: string): Promise<Person> => {
    const email = `${name.toLowerCase().replaceAll(" ", ".")}@${slug}.com.bd`;
    const invited = await admin.auth.users.invite.mutate({ name, email, roleIds: [roleId] });
    const password = strongPassword();
    const token = await tokenFromFolder(services.mailDir, email, "accept-invite");
    await anonymous.auth.invites.accept.mutate({ token, password });
    const login = await anonymous.auth.login.mutate({ tenantSlug: slug, identifier: email, password });
    return {
      userId: invited.user.id,
      api: gateway.client({ token: login.accessToken, refreshToken: login.refreshToken }),
    };
  };
  [engineer, pm, director, md, viewer, ...board] = await Promise.all([
    person("Engineer Hasan", employeeRole.id),
    person("Manager Karim", employeeRole.id),
    person("Director Rahman", employeeRole.id),
    person("Chairman Chowdhury", employeeRole.id),
    person("Viewer Nasrin", viewerRole.id),
    person("Board Ahmed", employeeRole.id),
    person("Board Begum", employeeRole.id),
    person("Board Sarkar", employeeRole.id),
  ]);
  const join = (p: Person, designationId: string, reportsTo?: Person) =>
    admin.organization.memberships.create.mutate({
      userId: p.userId,
      companyId: company.id,
      departmentId,
      designationId,
      ...(reportsTo ? { reportsToUserId: reportsTo.userId } : {}),
    });
  await join(md, mdD.id);
  await join(director, directorD.id, md);
  await join(pm, pmD.id, director);
  await join(engineer, engineerD.id, pm);

  await admin.workflow.definitions.create.mutate({
    key: "purchase.requisition",
    name: "Purchase requisition",
    nameBn: "ক্রয় অনুরোধ",
    ruleSets: ["purchase.approval", "tax.vat"],
    slaHours: 24,
    committees: [{ name: "board", members: board.map((b) => b.userId) }],
  });
}, 60_000);

afterAll(async () => {
  gateway?.stop();
  await services?.stop();
});

const requisition = (amount: string, subject: string) => ({
  definitionKey: "purchase.requisition",
  subject,
  amount,
  departmentId,
  data: {
    vendor: "Bashundhara Cement Ltd",
    vendorBin: "000123456-0101",
    category: "construction",
    tdsCategory: "supply_general",
    hasPsr: true,
  },
});

/** The caller's open task on `processId`, or a loud failure. */
async function taskOf(person: Person, processId: string) {
  const task = (await person.api.workflow.tasks.inbox.query({})).find((t) => t.processId === processId);
  if (!task) {
    throw new Error(`no open task on ${processId} for ${person.userId}`);
  }
  return task;
}

const approve = async (person: Person, processId: string) => {
  const task = await taskOf(person, processId);
  return person.api.workflow.tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version });
};

const routeOf = (steps: readonly { approvers?: readonly { userId: string }[] }[]) =>
  steps.map((step) => (step.approvers ?? []).map((a) => a.userId));

/** Set by the first story, read by the replay and audit checks. */
let main: { processId: string; evaluations: { ruleSet: string; evaluationId: string }[] } | undefined;
/** The process whose task the escalation story moved up the chain. */
let escalatedProcessId: string | undefined;

describe("a 7,50,000 BDT purchase requisition, engineer → PM → director", () => {
  test("VAT and TDS are worked out; the route is PM then director; the PM alone does not finish it", async () => {
    expect(packsByEvent).toBe(true);
    const input = requisition("750000.00", "Cement for Site A: 4,000 bags");

    const preview = await engineer.api.workflow.processes.preview.query(input);
    expect(routeOf(preview.steps)).toEqual([[pm.userId], [director.userId]]);

    const started = await engineer.api.workflow.processes.start.mutate(input);
    expect(started.process.amount).toBe("750000.00");
    expect(routeOf(started.steps)).toEqual(routeOf(preview.steps));
    const outputs = started.rules.outputs;
    expect(outputs.vat).toBe("112500.00");
    expect(outputs.total).toBe("862500.00");
    const tdsRate = Number(outputs.tdsRate);
    expect(tdsRate).toBeGreaterThan(0);
    expect(outputs.tds).toBe((Math.round(750_000 * tdsRate) / 100).toFixed(2));
    expect(outputs.approvalLevel).toBe(3);
    expect(outputs).toEqual(preview.rules.outputs);

    const processId = started.process.id;
    // The director has nothing until the PM has decided.
    expect((await director.api.workflow.tasks.inbox.query({})).some((t) => t.processId === processId)).toBe(
      false,
    );
    const afterPm = await approve(pm, processId);
    expect(afterPm.process.status).toBe("in_progress");

    // A viewer sees the process but may not decide its task.
    const directorTask = await taskOf(director, processId);
    expect(
      await codeOf(
        viewer.api.workflow.tasks.approve.mutate({
          taskId: directorTask.id,
          expectedVersion: directorTask.version,
        }),
      ),
    ).toBe("FORBIDDEN");
    expect((await viewer.api.workflow.processes.get.query({ id: processId })).process.status).toBe(
      "in_progress",
    );

    const afterDirector = await approve(director, processId);
    expect(afterDirector.process.status).toBe("approved");

    const full = await engineer.api.workflow.processes.get.query({ id: processId });
    expect(full.process.completedAt).toBeInstanceOf(Date);
    expect(full.tasks.map((t) => [t.step, t.assigneeId, t.status])).toEqual([
      [1, pm.userId, "approved"],
      [2, director.userId, "approved"],
    ]);
    expect(full.history.map((t) => t.action)).toEqual([
      "started",
      "assigned",
      "approved",
      "assigned",
      "approved",
      "completed",
    ]);
    main = { processId, evaluations: full.process.rules.evaluations };
    expect(main.evaluations.map((e) => e.ruleSet).sort()).toEqual(["purchase.approval", "tax.vat"]);
  });
});

describe("above 50,00,000 BDT: the chain to the MD, then 2 of 3 board members", () => {
  test("the board step needs two approvals; the requester's chain signs first", async () => {
    const input = requisition("6000000.00", "Tower crane purchase");
    const preview = await engineer.api.workflow.processes.preview.query(input);
    const started = await engineer.api.workflow.processes.start.mutate(input);
    expect(routeOf(started.steps)).toEqual(routeOf(preview.steps));
    expect(routeOf(started.steps).slice(0, 3)).toEqual([[pm.userId], [director.userId], [md.userId]]);
    const boardStep = started.steps.at(-1);
    expect(boardStep?.kind).toBe("committee");
    expect(boardStep?.required).toBe(2);
    const processId = started.process.id;
    for (const approver of [pm, director, md]) {
      expect((await approve(approver, processId)).process.status).toBe("in_progress");
    }
    const [first, second, third] = board;
    if (!first || !second || !third) {
      throw new Error("the board has three members");
    }
    expect((await approve(first, processId)).process.status).toBe("in_progress");
    expect((await approve(second, processId)).process.status).toBe("approved");
    // Quorum reached: the third member is no longer asked.
    expect((await third.api.workflow.tasks.inbox.query({})).some((t) => t.processId === processId)).toBe(
      false,
    );
  });
});

describe("delegation", () => {
  test("the PM delegates a task to the MD until tomorrow; the MD's approval counts, nobody else's", async () => {
    const started = await engineer.api.workflow.processes.start.mutate(
      requisition("300000.00", "Shuttering plywood"),
    );
    const processId = started.process.id;
    expect(routeOf(started.steps)).toEqual([[pm.userId]]);
    const task = await taskOf(pm, processId);
    await pm.api.workflow.tasks.delegate.mutate({
      taskId: task.id,
      toUserId: md.userId,
      until: new Date(Date.now() + 24 * 3_600_000),
    });
    const delegated = await taskOf(md, processId);
    expect(delegated.via).toBe("delegated");
    // Someone it was not delegated to still may not decide it.
    expect(
      await codeOf(
        director.api.workflow.tasks.approve.mutate({ taskId: task.id, expectedVersion: delegated.version }),
      ),
    ).toBe("FORBIDDEN");
    const decided = await md.api.workflow.tasks.approve.mutate({
      taskId: delegated.id,
      expectedVersion: delegated.version,
    });
    expect(decided.process.status).toBe("approved");
  });
});

describe("replay", () => {
  test("a stored evaluation replays identically after its rule was edited", async () => {
    const evaluationId = main?.evaluations.find((e) => e.ruleSet === "purchase.approval")?.evaluationId;
    if (!evaluationId) {
      throw new Error("the first story did not run");
    }
    const before = await admin.rules.replay.query({ evaluationId });
    expect(before.identical).toBe(true);
    expect(before.outputs.approvalLevel).toBe(3);

    const set = await admin.rules.ruleSets.get.query({ key: "purchase.approval" });
    const level3 = set.rules.find((r) => r.key === "approval.level3");
    if (!level3) {
      throw new Error("approval.level3 is missing from the pack");
    }
    const history = await admin.rules.rules.get.query({ id: level3.ruleId });
    expect(history.versions.map((v) => v.version)).toEqual([level3.version]);
    // From now on three levels start above 10,00,000: the same request would need only two.
    await admin.rules.rules.update.mutate({
      id: level3.ruleId,
      expectedVersion: level3.version,
      name: "Above 10,00,000 BDT: three levels",
      priority: level3.priority,
      status: "active",
      effectiveFrom: level3.effectiveFrom,
      reference: level3.reference,
      when: { fact: "amount", op: "gt", value: "1000000.00" },
      actions: level3.actions,
    });
    expect((await admin.rules.rules.get.query({ id: level3.ruleId })).versions).toHaveLength(2);
    const now = await admin.rules.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "750000.00" },
    });
    expect(now.outputs.approvalLevel).toBe(2);

    const after = await admin.rules.replay.query({ evaluationId });
    expect(after.identical).toBe(true);
    expect(after.outputs).toEqual(before.outputs);
    expect(after.actions).toEqual(before.actions);
    expect(after.outputs.approvalLevel).toBe(3);
  });
});

describe("escalation", () => {
  test("a task past its SLA moves up the chain when escalateOverdue runs after the server's clock passes it", async () => {
    const started = await engineer.api.workflow.processes.start.mutate(
      requisition("200000.00", "Scaffolding rental"),
    );
    const processId = started.process.id;
    const task = await taskOf(pm, processId);
    const dueAt = task.dueAt ?? new Date(0);
    expect(dueAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);

    workflowNow = new Date(dueAt.getTime() - 60_000);
    const early = await admin.workflow.escalateOverdue.mutate({});
    expect(early.escalated.some((e) => e.taskId === task.id)).toBe(false);
    workflowNow = new Date(dueAt.getTime() + 3_600_000);
    const late = await admin.workflow.escalateOverdue.mutate({});
    expect(late.escalated).toContainEqual({
      taskId: task.id,
      fromUserId: pm.userId,
      toUserId: director.userId,
    });

    expect((await pm.api.workflow.tasks.inbox.query({})).some((t) => t.processId === processId)).toBe(false);
    expect((await approve(director, processId)).process.status).toBe("approved");
    const full = await engineer.api.workflow.processes.get.query({ id: processId });
    expect(full.history.map((t) => t.action)).toContain("escalated");
    workflowNow = null;
    escalatedProcessId = processId;
  });
});

describe("notification", () => {
  test("workflow's task events reach the approvers' in-app inboxes (Bengali by default), one message per task", async () => {
    const until = Date.now() + 30_000;
    let keys: string[] = [];
    while (Date.now() < until) {
      keys = (await director.api.notification.inbox.list.query({ limit: 100 })).items.map(
        (m) => m.templateKey,
      );
      if (keys.includes("task_escalated")) {
        break;
      }
      await Bun.sleep(200);
    }
    // Assigned after the PM decided (the first requisition, the board one's MD step aside) and
    // escalated to from the PM's overdue task.
    expect(keys).toContain("task_assigned");
    expect(keys).toContain("task_escalated");
    const pmInbox = await pm.api.notification.inbox.list.query({ limit: 100 });
    const pmTasks = await engineer.api.workflow.processes.get.query({ id: main?.processId ?? "" });
    const pmTaskId = pmTasks.tasks.find((t) => t.assigneeId === pm.userId)?.id ?? "";
    const aboutIt = pmInbox.items.filter((m) => m.body.includes(`/tasks/${pmTaskId}`));
    expect(aboutIt).toHaveLength(1);
    // The process's subject, as workflow announced it when the process started.
    expect(aboutIt[0]?.subject).toBe(`একটি কাজ আপনার অনুমোদনের অপেক্ষায়: ${pmTasks.process.subject}`);
    expect((await pm.api.notification.inbox.unreadCount.query()).unread).toBe(pmInbox.items.length);
  });
});

describe("audit", () => {
  test("the audit log holds every step of the first requisition, and its chain verifies", async () => {
    const processId = main?.processId;
    if (!processId) {
      throw new Error("the first story did not run");
    }
    await services.settle();
    const { items } = await admin.audit.events.list.query({ typePrefix: "vextrus.workflow.", limit: 200 });
    const ofProcess = items
      .filter((entry) => {
        const data = entry.data as { id?: string; instanceId?: string } | null;
        return entry.subjectId === processId || data?.instanceId === processId;
      })
      .map((entry) => entry.type)
      .reverse();
    expect(ofProcess).toEqual([
      "vextrus.workflow.instance.started",
      "vextrus.workflow.task.assigned",
      "vextrus.workflow.task.approved",
      "vextrus.workflow.task.assigned",
      "vextrus.workflow.task.approved",
      "vextrus.workflow.instance.completed",
    ]);
    const escalated = items.find(
      (e) =>
        e.type === "vextrus.workflow.task.escalated" &&
        (e.data as { instanceId?: string } | null)?.instanceId === escalatedProcessId,
    );
    expect(escalated?.data).toMatchObject({ fromUserId: pm.userId, toUserId: director.userId });
    const actors = items.filter((e) => e.type === "vextrus.workflow.task.approved").map((e) => e.actorId);
    expect(actors).toContain(pm.userId);
    expect(actors).toContain(director.userId);
    // The organisation built through the gateway is on record too.
    const org = await admin.audit.events.list.query({ typePrefix: "vextrus.organization.membership." });
    expect(org.items.length).toBeGreaterThanOrEqual(4);
    const verified = await admin.audit.verify.query({});
    expect(verified.ok).toBe(true);
    // Reading the log is a permission of its own: the workflow viewer does not hold it.
    expect(await codeOf(viewer.api.audit.events.list.query({}))).toBe("FORBIDDEN");
  });
});
