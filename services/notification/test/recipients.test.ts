import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { smtpChannel } from "../src/channels/email.ts";
import type { Channel } from "../src/channels/types.ts";
import { dispatchOnce } from "../src/domain/dispatch.ts";
import { mailbox, type NotificationHarness, smtpUrl, startNotification } from "./harness.ts";
import { consumeFromKafka, deliveriesOf, dispatcherFor, eventually } from "./kafka.ts";

let h: NotificationHarness;
let bus: Awaited<ReturnType<typeof consumeFromKafka>>;
let smtp: Channel & { close(): void };

beforeAll(async () => {
  h = await startNotification("recipients");
  smtp = smtpChannel(smtpUrl(), "Vextrus <no-reply@vextrus.local>");
  bus = await consumeFromKafka(h, "recipients");
}, 120_000);

afterAll(async () => {
  await bus.stop();
  smtp.close();
  await h.stop();
}, 60_000);

const uuid = () => Bun.randomUUIDv7();
const mail = (name: string) => `${name}-${uuid().slice(-8)}@example.com`;

const contactOf = (tenantId: string, userId: string) =>
  h.db.tenant(tenantId, async (tx) =>
    rowsOf<{ email: string | null; mobile: string | null; active: boolean; version: number }>(
      await tx.execute(
        sql`select email, mobile, active, version from notification.contacts where user_id = ${userId}`,
      ),
    ),
  );

/** A tenant with an initiator, an approver, an accountant (role) and a store keeper (department). */
async function seedTenant() {
  const tenantId = uuid();
  const people = {
    initiator: { id: uuid(), email: mail("initiator") },
    approver: { id: uuid(), email: mail("approver") },
    accountant: { id: uuid(), email: mail("accountant") },
    storeKeeper: { id: uuid(), email: mail("store") },
  };
  const accountsRole = uuid();
  const storesDepartment = uuid();
  await bus.publish(
    {
      type: "vextrus.auth.user.registered",
      tenantId,
      subject: people.initiator.id,
      data: { userId: people.initiator.id, email: people.initiator.email, version: 1, roleIds: [uuid()] },
    },
    ...[people.approver, people.storeKeeper].map((p) => ({
      type: "vextrus.auth.user.invited" as const,
      tenantId,
      subject: p.id,
      data: { userId: p.id, email: p.email, roleIds: [], version: 1 },
    })),
    {
      type: "vextrus.auth.user.invited",
      tenantId,
      subject: people.accountant.id,
      data: {
        userId: people.accountant.id,
        email: people.accountant.email,
        roleIds: [accountsRole],
        version: 1,
      },
    },
    {
      type: "vextrus.organization.membership.created",
      tenantId,
      subject: people.storeKeeper.id,
      data: {
        id: uuid(),
        after: { userId: people.storeKeeper.id, departmentId: storesDepartment, archivedAt: null },
      },
    },
  );
  const ready = async () => {
    const rows = await h.db.tenant(tenantId, async (tx) =>
      rowsOf<{ n: string }>(
        await tx.execute(sql`select
          (select count(*) from notification.contacts) + (select count(*) from notification.memberships) as n`),
      ),
    );
    return Number(rows[0]?.n ?? 0);
  };
  expect(await eventually(ready, (n) => n === 5)).toBe(5);
  return { tenantId, people, accountsRole, storesDepartment };
}

describe("recipients resolved from events (real Kafka, real SMTP)", () => {
  test("a task mails its approver and the subscribed role; the outcome reaches the initiator and the subscribed department", async () => {
    const t = await seedTenant();
    const admin = await h.user(t.tenantId, uuid(), [
      "notification:subscription:read",
      "notification:subscription:manage",
    ]);
    await admin.api.subscriptions.add.mutate({
      templateKey: "task_assigned",
      kind: "role",
      targetId: t.accountsRole,
    });
    await admin.api.subscriptions.add.mutate({
      templateKey: "process_approved",
      kind: "department",
      targetId: t.storesDepartment,
    });
    await expect(
      admin.api.subscriptions.add.mutate({
        templateKey: "task_assigned",
        kind: "role",
        targetId: t.accountsRole,
      }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    expect((await admin.api.subscriptions.list.query()).map((s) => s.templateKey)).toEqual([
      "process_approved",
      "task_assigned",
    ]);

    const processId = uuid();
    const taskId = uuid();
    await bus.publish({
      type: "vextrus.workflow.instance.started",
      tenantId: t.tenantId,
      subject: processId,
      data: {
        id: processId,
        definitionId: uuid(),
        subject: "Cement for Block C",
        startedBy: t.people.initiator.id,
      },
    });
    await eventually(
      () =>
        h.db.tenant(t.tenantId, async (tx) =>
          rowsOf(await tx.execute(sql`select 1 from notification.processes`)),
        ),
      (rows) => rows.length === 1,
    );
    const [assigned = ""] = await bus.publish({
      type: "vextrus.workflow.task.assigned",
      tenantId: t.tenantId,
      subject: taskId,
      data: { id: taskId, instanceId: processId, assigneeId: t.people.approver.id },
    });
    const rows = await eventually(
      () => deliveriesOf(h, assigned),
      (r) => r.length === 4,
    );
    expect(rows.map((r) => [r.channel, r.address])).toEqual(
      [
        ["email", t.people.accountant.email],
        ["email", t.people.approver.email],
        ["in_app", t.people.accountant.id],
        ["in_app", t.people.approver.id],
      ].sort(),
    );
    expect(rows.every((r) => r.subject === "A task is waiting for your approval: Cement for Block C")).toBe(
      true,
    );

    expect(await dispatchOnce(dispatcherFor(h, smtp))).toBe(2);
    const approverMail = await eventually(
      () => mailbox(t.people.approver.email),
      (m) => m.length === 1,
    );
    expect(approverMail[0]?.subject).toBe("A task is waiting for your approval: Cement for Block C");
    expect(await mailbox(t.people.accountant.email)).toHaveLength(1);
    expect(await mailbox(t.people.storeKeeper.email)).toHaveLength(0);

    // Approved: the initiator and the stores department hear it; the approver does not.
    const [completed = ""] = await bus.publish({
      type: "vextrus.workflow.instance.completed",
      tenantId: t.tenantId,
      subject: processId,
      data: { id: processId, outcome: "approved" },
    });
    const outcome = await eventually(
      () => deliveriesOf(h, completed),
      (r) => r.length === 4,
    );
    expect(outcome.filter((r) => r.channel === "email").map((r) => r.address)).toEqual(
      [t.people.initiator.email, t.people.storeKeeper.email].sort(),
    );
    expect(outcome[0]?.template_key).toBe("process_approved");
    expect(await dispatchOnce(dispatcherFor(h, smtp))).toBe(2);
    const initiatorMail = await eventually(
      () => mailbox(t.people.initiator.email),
      (m) => m.length === 1,
    );
    expect(initiatorMail[0]?.subject).toBe("Approved: Cement for Block C");

    // Another tenant sees none of it.
    const stranger = await h.user(uuid(), uuid(), ["notification:subscription:read"]);
    expect(await stranger.api.subscriptions.list.query()).toEqual([]);
  }, 120_000);

  test("returned: the initiator gets the comment; an unknown process tells nobody", async () => {
    const t = await seedTenant();
    const processId = uuid();
    await bus.publish({
      type: "vextrus.workflow.instance.started",
      tenantId: t.tenantId,
      subject: processId,
      data: { id: processId, definitionId: uuid(), subject: "Steel rods", startedBy: t.people.initiator.id },
    });
    await eventually(
      () =>
        h.db.tenant(t.tenantId, async (tx) =>
          rowsOf(await tx.execute(sql`select 1 from notification.processes`)),
        ),
      (rows) => rows.length === 1,
    );
    const taskId = uuid();
    const [returned = "", unknown = ""] = await bus.publish(
      {
        type: "vextrus.workflow.task.returned",
        tenantId: t.tenantId,
        subject: taskId,
        data: {
          id: taskId,
          instanceId: processId,
          decidedBy: t.people.approver.id,
          comment: "Attach the quotation",
        },
      },
      {
        type: "vextrus.workflow.task.returned",
        tenantId: t.tenantId,
        subject: taskId,
        data: { id: taskId, instanceId: uuid(), decidedBy: t.people.approver.id },
      },
    );
    const rows = await eventually(
      () => deliveriesOf(h, returned),
      (r) => r.length === 2,
    );
    expect(rows.map((r) => [r.channel, r.recipient_id, r.template_key])).toEqual([
      ["email", t.people.initiator.id, "process_returned"],
      ["in_app", t.people.initiator.id, "process_returned"],
    ]);
    const initiator = await h.user(t.tenantId, t.people.initiator.id);
    const [item] = (await initiator.api.inbox.list.query({})).items;
    expect(item?.body).toContain("Attach the quotation");
    expect(item?.body).toContain(`https://erp.example.com.bd/processes/${processId}`);
    expect(await deliveriesOf(h, unknown)).toEqual([]);
  }, 120_000);

  test("contacts follow auth: a changed address is used, an older event does not undo a newer one, a deactivated user is told nothing", async () => {
    const t = await seedTenant();
    const user = t.people.approver.id;
    const newEmail = mail("approver-new");
    await bus.publish(
      {
        type: "vextrus.auth.user.updated",
        tenantId: t.tenantId,
        subject: user,
        data: {
          userId: user,
          before: {},
          after: {
            name: "Rahim",
            email: t.people.approver.email,
            mobile: "+8801712345678",
            status: "active",
          },
          version: 3,
        },
      },
      // Late and older: ignored.
      {
        type: "vextrus.auth.user.updated",
        tenantId: t.tenantId,
        subject: user,
        data: {
          userId: user,
          before: {},
          after: { email: mail("stale"), mobile: null, status: "active" },
          version: 2,
        },
      },
      {
        type: "vextrus.auth.user.contact_changed",
        tenantId: t.tenantId,
        subject: user,
        data: {
          userId: user,
          channel: "email",
          previous: "ap***@example.com",
          current: "ap***@example.com",
          address: newEmail,
          deliveryAddress: t.people.approver.email,
          by: "self",
        },
      },
    );
    const contact = await eventually(
      () => contactOf(t.tenantId, user),
      (rows) => rows[0]?.email === newEmail,
    );
    expect(contact).toEqual([{ email: newEmail, mobile: "+8801712345678", active: true, version: 3 }]);

    const taskId = uuid();
    const [assigned = ""] = await bus.publish({
      type: "vextrus.workflow.task.assigned",
      tenantId: t.tenantId,
      subject: taskId,
      data: { id: taskId, instanceId: uuid(), assigneeId: user },
    });
    const rows = await eventually(
      () => deliveriesOf(h, assigned),
      (r) => r.length === 2,
    );
    expect(rows.find((r) => r.channel === "email")?.address).toBe(newEmail);

    await bus.publish({
      type: "vextrus.auth.user.deactivated",
      tenantId: t.tenantId,
      subject: user,
      data: { userId: user, version: 4 },
    });
    await eventually(
      () => contactOf(t.tenantId, user),
      (r) => r[0]?.active === false,
    );
    const again = uuid();
    const [second = ""] = await bus.publish({
      type: "vextrus.workflow.task.assigned",
      tenantId: t.tenantId,
      subject: again,
      data: { id: again, instanceId: uuid(), assigneeId: user },
    });
    // Let the consumer apply it (a marker event after it on the same partition key proves it was read).
    const [marker = ""] = await bus.publish({
      type: "vextrus.workflow.task.assigned",
      tenantId: t.tenantId,
      subject: again,
      data: { id: again, instanceId: uuid(), assigneeId: t.people.storeKeeper.id },
    });
    await eventually(
      () => deliveriesOf(h, marker),
      (r) => r.length === 2,
    );
    expect(await deliveriesOf(h, second)).toEqual([]);
  }, 120_000);

  test("a department's members and a designation's holders are told; a moved or removed member stops; another tenant's department names nobody", async () => {
    const tenantId = uuid();
    const site = uuid();
    const office = uuid();
    const engineer = uuid();
    const clerk = uuid();
    const people = {
      rahim: { id: uuid(), email: mail("rahim"), membership: uuid() },
      karim: { id: uuid(), email: mail("karim"), membership: uuid() },
      salma: { id: uuid(), email: mail("salma"), membership: uuid() },
    };
    const place = { rahim: [site, engineer], karim: [site, clerk], salma: [office, engineer] } as const;
    await bus.publish(
      ...Object.values(people).map((p) => ({
        type: "vextrus.auth.user.invited" as const,
        tenantId,
        subject: p.id,
        data: { userId: p.id, email: p.email, roleIds: [], version: 1 },
      })),
      ...(Object.keys(people) as (keyof typeof people)[]).map((name) => ({
        type: "vextrus.organization.membership.created" as const,
        tenantId,
        subject: people[name].membership,
        data: {
          id: people[name].membership,
          after: {
            userId: people[name].id,
            departmentId: place[name][0],
            designationId: place[name][1],
            archivedAt: null,
          },
        },
      })),
    );
    const directory = () =>
      h.db.tenant(tenantId, async (tx) =>
        rowsOf<{ user_id: string; department_id: string; designation_id: string; archived: boolean }>(
          await tx.execute(sql`select m.user_id, m.department_id, m.designation_id, m.archived
            from notification.memberships m join notification.contacts c using (tenant_id, user_id)
            order by m.user_id`),
        ),
      );
    expect(await eventually(directory, (rows) => rows.length === 3)).toHaveLength(3);
    const admin = await h.user(tenantId, uuid(), ["notification:subscription:manage"]);
    await admin.api.subscriptions.add.mutate({
      templateKey: "task_assigned",
      kind: "department",
      targetId: site,
    });
    await admin.api.subscriptions.add.mutate({
      templateKey: "task_escalated",
      kind: "designation",
      targetId: engineer,
    });
    // Someone outside the directory holds the task: only their in-app message besides the subscribers'.
    const assignee = uuid();
    const mailed = async (type: "assigned" | "escalated", tenant = tenantId, expected = 0) => {
      const id = uuid();
      const data =
        type === "assigned"
          ? { id, instanceId: uuid(), assigneeId: assignee }
          : { id, instanceId: uuid(), fromUserId: uuid(), toUserId: assignee };
      const [eventId = ""] = await bus.publish({
        type: `vextrus.workflow.task.${type}`,
        tenantId: tenant,
        subject: id,
        data,
      } as Parameters<typeof bus.publish>[0]);
      // The assignee's in-app message, plus an e-mail and an in-app message per subscriber.
      const rows = await eventually(
        () => deliveriesOf(h, eventId),
        (r) => r.length === 1 + 2 * expected,
      );
      return rows
        .filter((r) => r.channel === "email")
        .map((r) => r.address)
        .sort();
    };
    const { rahim, karim, salma } = people;
    expect(await mailed("assigned", tenantId, 2)).toEqual([rahim.email, karim.email].sort());
    expect(await mailed("escalated", tenantId, 2)).toEqual([rahim.email, salma.email].sort());

    // Rahim moves to the office (still an engineer), Karim's membership is archived.
    await bus.publish(
      {
        type: "vextrus.organization.membership.updated",
        tenantId,
        subject: rahim.membership,
        data: {
          id: rahim.membership,
          before: {},
          after: { userId: rahim.id, departmentId: office, designationId: engineer, archivedAt: null },
        },
      },
      {
        type: "vextrus.organization.membership.archived",
        tenantId,
        subject: karim.membership,
        data: {
          id: karim.membership,
          before: {},
          after: {
            userId: karim.id,
            departmentId: site,
            designationId: clerk,
            archivedAt: new Date().toISOString(),
          },
        },
      },
    );
    await eventually(directory, (rows) =>
      rows.every((r) => r.department_id === office || (r.user_id === karim.id && r.archived)),
    );
    expect(await mailed("assigned", tenantId, 0)).toEqual([]);
    expect(await mailed("escalated", tenantId, 2)).toEqual([rahim.email, salma.email].sort());

    // Salma leaves: only Rahim holds the designation now.
    await bus.publish({
      type: "vextrus.organization.membership.archived",
      tenantId,
      subject: salma.membership,
      data: {
        id: salma.membership,
        before: {},
        after: { userId: salma.id, departmentId: office, designationId: engineer, archivedAt: "2026-06-15" },
      },
    });
    await eventually(directory, (rows) => rows.find((r) => r.user_id === salma.id)?.archived === true);
    expect(await mailed("escalated", tenantId, 1)).toEqual([rahim.email]);

    // Another tenant subscribing the same department and designation ids resolves none of these people.
    const stranger = await h.user(uuid(), uuid(), ["notification:subscription:manage"]);
    await stranger.api.subscriptions.add.mutate({
      templateKey: "task_assigned",
      kind: "department",
      targetId: office,
    });
    await stranger.api.subscriptions.add.mutate({
      templateKey: "task_escalated",
      kind: "designation",
      targetId: engineer,
    });
    expect(await mailed("assigned", stranger.tenantId, 0)).toEqual([]);
    expect(await mailed("escalated", stranger.tenantId, 0)).toEqual([]);
  }, 120_000);

  test("subscriptions: permission needed, bad input named, removal", async () => {
    const reader = await h.user(undefined, undefined, ["notification:subscription:read"]);
    await expect(
      reader.api.subscriptions.add.mutate({ templateKey: "task_assigned", kind: "role", targetId: uuid() }),
    ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    const manager = await h.user(reader.tenantId, undefined, [
      "notification:subscription:read",
      "notification:subscription:manage",
    ]);
    await expect(
      manager.api.subscriptions.add.mutate({
        templateKey: "password_reset" as "task_assigned",
        kind: "role",
        targetId: uuid(),
      }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    const added = await manager.api.subscriptions.add.mutate({
      templateKey: "process_rejected",
      kind: "department",
      targetId: uuid(),
    });
    const other = await h.user(undefined, undefined, ["notification:subscription:manage"]);
    await expect(other.api.subscriptions.remove.mutate({ id: added.id })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect(await manager.api.subscriptions.remove.mutate({ id: added.id })).toEqual({
      id: added.id,
      removed: true,
    });
    expect(await manager.api.subscriptions.list.query()).toEqual([]);
  });
});
