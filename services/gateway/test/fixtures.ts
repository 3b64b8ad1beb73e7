import type { VextrusClient } from "@vextrus/client";
import postgres from "postgres";
import type { RunningGateway } from "./harness.ts";

export const strongPassword = () => `Jute-Harbour-Monsoon-${Bun.randomUUIDv7().slice(-6)}`;

/**
 * A tenant registered through the gateway with one of everything (company, branch, departments,
 * designation, an invited user, a membership, a role, an API key, a second session). Every name
 * carries `marker`, so another tenant's answers can be searched for it.
 */
export async function seedTenant(gateway: RunningGateway, marker: string) {
  const slug = `${marker.toLowerCase()}-${Bun.randomUUIDv7().slice(-8)}`;
  const email = `admin@${slug}.com.bd`;
  const password = strongPassword();
  const anonymous = gateway.client();
  const registered = await anonymous.auth.registerTenant.mutate({
    tenant: { slug, legalName: `${marker} Holdings Ltd` },
    admin: { name: `${marker} Admin`, email, password },
  });
  const api: VextrusClient = gateway.client({ token: registered.accessToken });
  const company = await api.organization.companies.create.mutate({ name: `${marker} Company` });
  const branch = await api.organization.branches.create.mutate({
    companyId: company.id,
    name: `${marker} Branch`,
  });
  const department = await api.organization.departments.create.mutate({
    companyId: company.id,
    name: `${marker} Finance`,
  });
  const designation = await api.organization.designations.create.mutate({
    name: `${marker} CFO`,
    rank: 5,
    approvalLimit: "750000.00",
  });
  const role = await api.auth.roles.create.mutate({
    name: `${marker} Auditors`,
    permissions: ["organization:company:read"],
  });
  const invited = await api.auth.users.invite.mutate({
    name: `${marker} Person`,
    email: `person@${slug}.com.bd`,
    roleIds: [role.id],
  });
  const membership = await api.organization.memberships.create.mutate({
    userId: invited.user.id,
    companyId: company.id,
    departmentId: department.id,
    designationId: designation.id,
  });
  const apiKey = await api.auth.apiKeys.create.mutate({
    name: `${marker} Integration`,
    permissions: ["organization:company:read"],
  });
  const login = await anonymous.auth.login.mutate({ tenantSlug: slug, identifier: email, password });
  const party = await api.masterData.parties.create.mutate({
    name: `${marker} Cement Ltd`,
    nameBn: `${marker} সিমেন্ট`,
    roles: ["supplier", "customer"],
    mobiles: ["01712345678"],
    addresses: [{ line1: `${marker} Tower, Motijheel`, divisionId: 6, districtId: 47, postcode: "1000" }],
  });
  const units = await api.masterData.units.installDefaults.mutate();
  const bag = units.find((u) => u.code === "bag");
  if (!bag) {
    throw new Error(`${marker}: the default units have no bag`);
  }
  const [account] = await api.masterData.accounts.installTemplate.mutate({ companyId: company.id });
  if (!account) {
    throw new Error(`${marker}: the account template installed nothing`);
  }
  const project = await api.masterData.projects.create.mutate({
    companyId: company.id,
    code: "TWR-1",
    kind: "real_estate",
    name: `${marker} Heights`,
    plotSize: "5",
    plotUnit: "katha",
  });
  const flat = await api.masterData.flats.create.mutate({
    projectId: project.id,
    floor: 3,
    flatNo: "3A",
    sizeSft: "1250",
    price: "9500000",
  });
  const costCentre = await api.masterData.costCentres.create.mutate({
    companyId: company.id,
    code: "SITE",
    name: `${marker} Site`,
  });
  const series = await api.masterData.series.create.mutate({
    companyId: company.id,
    key: "PO",
    name: `${marker} purchase orders`,
    pattern: "PO/{FY}/{SEQ:6}",
  });
  const itemGroup = await api.masterData.itemGroups.create.mutate({ code: "CEM", name: `${marker} Cement` });
  const item = await api.masterData.items.create.mutate({
    code: "OPC-50",
    name: `${marker} OPC cement`,
    groupId: itemGroup.id,
    baseUnitId: bag.id,
  });
  const work = await seedWork(api, marker, {
    adminId: registered.user.id,
    approverId: invited.user.id,
    companyId: company.id,
    departmentId: department.id,
    designationId: designation.id,
  });
  const job = await api.scheduler.jobs.create.mutate({
    name: `${marker} nightly digest`,
    schedule: { kind: "cron", cron: "0 2 * * *" },
    target: { kind: "event", data: { digest: marker } },
  });
  // A webhook for auth's user events (the contact change below), delivered to a receiver that accepts it,
  // so the delivery settles and the tenant's rows stay still while the suites compare them.
  const webhook = await api.webhooks.create.mutate({
    url: webhookReceiver(),
    events: ["vextrus.auth.user.*"],
  });
  // The admin adds a mobile number: notification tells them in-app (delivered through the event bus).
  await api.auth.changeContact.mutate({
    currentPassword: password,
    mobile: "01812345678",
    expectedVersion: (await api.auth.users.get.query({ id: registered.user.id })).version,
  });
  const message = await seedMessage(api, marker);
  // Approved processes are also told to the role's holders.
  const subscription = await api.notification.subscriptions.add.mutate({
    templateKey: "process_approved",
    kind: "role",
    targetId: role.id,
  });
  const delivery = await seedWebhookDelivery(api, marker, webhook.id);
  const { imported, exported } = await seedSpreadsheets(api, marker);
  const document = await seedDocument(api, marker);
  const batch = await seedBatch(api, marker);
  /** Entity name (as the input generator names them) → this tenant's id of one. */
  const ids: Record<string, string> = {
    tenant: registered.tenant.id,
    company: company.id,
    branch: branch.id,
    department: department.id,
    designation: designation.id,
    membership: membership.id,
    user: invited.user.id,
    role: role.id,
    apiKey: apiKey.apiKey.id,
    session: login.sessionId,
    rule: work.rule.id,
    evaluation: work.evaluation.evaluationId,
    process: work.process.id,
    task: work.task.id,
    party: party.id,
    file: (await seedFile(api, marker, work.process.id)).id,
    unit: bag.id,
    itemGroup: itemGroup.id,
    item: item.id,
    account: account.id,
    project: project.id,
    flat: flat.id,
    series: series.id,
    costCentre: costCentre.id,
    job: job.id,
    message: message.id,
    import: imported.id,
    export: exported.id,
    document: document.id,
    batch: batch.id,
    webhook: webhook.id,
    delivery: delivery.id,
    subscription: subscription.id,
  };
  return {
    marker,
    slug,
    registered,
    ids,
    /** Every id of this tenant, including its admin's. */
    allIds: [...Object.values(ids), registered.user.id],
    adminToken: registered.accessToken,
    adminPermissions: registered.permissions,
  };
}

/** The outside world for the seeded webhooks: an endpoint that accepts every delivery. */
let receiver: ReturnType<typeof Bun.serve> | undefined;
function webhookReceiver(): string {
  receiver ??= Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response(null, { status: 204 }),
  });
  receiver.unref();
  return `http://127.0.0.1:${receiver.port}/hooks`;
}

/** The webhook's first delivery, once every delivery of the tenant has reached the receiver. */
async function seedWebhookDelivery(api: VextrusClient, marker: string, subscriptionId: string) {
  const until = Date.now() + 30_000;
  for (;;) {
    const items = (await api.webhooks.deliveries.list.query({ subscriptionId })).items;
    const [first] = items;
    if (first && items.every((item) => item.status === "succeeded")) {
      return first;
    }
    if (Date.now() > until) {
      throw new Error(`${marker}: no webhook delivery succeeded within 30 s`);
    }
    await Bun.sleep(100);
  }
}

/** The admin's first in-app message, once the event that causes it has reached notification. */
async function seedMessage(api: VextrusClient, marker: string) {
  const until = Date.now() + 30_000;
  for (;;) {
    const [first] = (await api.notification.inbox.list.query({})).items;
    if (first) {
      return first;
    }
    if (Date.now() > until) {
      throw new Error(`${marker}: no in-app message reached the admin within 30 s`);
    }
    await Bun.sleep(100);
  }
}

/**
 * One of everything in rules-engine and workflow: a draft rule, a stored evaluation, a definition and
 * a process whose first task waits for `approverId` (the admin reports to them).
 */
async function seedWork(
  api: VextrusClient,
  marker: string,
  org: {
    adminId: string;
    approverId: string;
    companyId: string;
    departmentId: string;
    designationId: string;
  },
) {
  await api.rules.packs.install.mutate();
  const rule = await api.rules.rules.create.mutate({
    ruleSet: "purchase.approval",
    key: `${marker.toLowerCase()}-probe`,
    name: `${marker} probe rule`,
    priority: 1,
    status: "draft",
    effectiveFrom: "2025-07-01",
    reference: { authority: "internal", section: `${marker} policy 1` },
    when: { all: [] },
    actions: [{ kind: "flag", flag: "probe" }],
  });
  const evaluation = await api.rules.evaluate.mutate({
    ruleSet: "tax.vat",
    facts: { value: "10000.00" },
  });
  await api.organization.memberships.create.mutate({
    userId: org.adminId,
    companyId: org.companyId,
    departmentId: org.departmentId,
    designationId: org.designationId,
    reportsToUserId: org.approverId,
  });
  const definition = await api.workflow.definitions.create.mutate({
    key: "purchase.requisition",
    name: `${marker} requisition`,
    slaHours: 24,
  });
  const started = await api.workflow.processes.start.mutate({
    definitionKey: definition.key,
    subject: `${marker} cement`,
    amount: "1000.00",
    departmentId: org.departmentId,
  });
  const full = await api.workflow.processes.get.query({ id: started.process.id });
  const task = full.tasks[0];
  if (!task) {
    throw new Error(`${marker}: the seeded process has no task`);
  }
  return { rule, evaluation, definition, process: started.process, task };
}

/** A Mushak-6.3 tax invoice issued by the document generator (taxes by the tax.vat pack, PDF in file-storage). */
function seedDocument(api: VextrusClient, marker: string) {
  return api.documents.issue.mutate({
    template: "mushak-6.3",
    locale: "bn",
    data: {
      number: `${marker}-INV-1`,
      seller: { name: `${marker} Builders Ltd`, bin: "0001234560101", address: `${marker} Tower, Motijheel` },
      buyer: { name: `${marker} Cement Ltd`, bin: "0009876540202", address: "Agrabad, Chattogram" },
      destination: `${marker} Heights site`,
      lines: [{ description: `${marker} OPC cement`, unit: "bag", quantity: 100, unitPrice: "540.00" }],
      officer: { name: `${marker} Admin`, designation: "Accounts officer" },
    },
  });
}

/** A batch of one tax invoice, issued to the end (so nothing of it changes while the suites run). */
async function seedBatch(api: VextrusClient, marker: string) {
  const started = await api.documents.batch.mutate({
    template: "mushak-6.3",
    locale: "bn",
    items: [
      {
        number: `${marker}-INV-2`,
        seller: {
          name: `${marker} Builders Ltd`,
          bin: "0001234560101",
          address: `${marker} Tower, Motijheel`,
        },
        buyer: { name: `${marker} Cement Ltd`, bin: "0009876540202", address: "Agrabad, Chattogram" },
        destination: `${marker} Heights site`,
        lines: [{ description: `${marker} OPC cement`, unit: "bag", quantity: 10, unitPrice: "540.00" }],
        officer: { name: `${marker} Admin`, designation: "Accounts officer" },
      },
    ],
  });
  const until = Date.now() + 60_000;
  for (;;) {
    const batch = await api.documents.batches.get.query({ id: started.id });
    if (batch.status === "completed") {
      return batch;
    }
    if (Date.now() > until) {
      throw new Error(`${marker}: the seeded batch is still ${batch.status}`);
    }
    await Bun.sleep(100);
  }
}

/** A signed work order uploaded through a presigned URL (to the test run's S3) and attached to the process. */
async function seedFile(api: VextrusClient, marker: string, processId: string) {
  const bytes = new TextEncoder().encode(`%PDF-1.7\n% ${marker} work order\n%%EOF\n`);
  const granted = await api.files.createUpload.mutate({
    fileName: `${marker} work order.pdf`,
    contentType: "application/pdf",
    size: bytes.length,
    sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex"),
    attachTo: { service: "workflow", type: "process", id: processId },
  });
  const target = granted.upload.parts[0];
  const put = await fetch(target?.url ?? "", { method: "PUT", body: bytes, headers: target?.headers });
  if (!put.ok) {
    throw new Error(`${marker}: the seeded file's upload answered ${put.status}`);
  }
  return api.files.completeUpload.mutate({ fileId: granted.file.id });
}

/** An import previewed (not applied) and an export written, each waited for: nothing of them runs later. */
async function seedSpreadsheets(api: VextrusClient, marker: string) {
  const bytes = new TextEncoder().encode(`name,roles\r\n${marker} Imported Traders,customer\r\n`);
  const granted = await api.files.createUpload.mutate({
    fileName: `${marker} parties.csv`,
    contentType: "text/csv",
    size: bytes.length,
    sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex"),
  });
  const target = granted.upload.parts[0];
  const put = await fetch(target?.url ?? "", { method: "PUT", body: bytes, headers: target?.headers });
  if (!put.ok) {
    throw new Error(`${marker}: the seeded spreadsheet's upload answered ${put.status}`);
  }
  const file = await api.files.completeUpload.mutate({ fileId: granted.file.id });
  const started = await api.imports.create.mutate({ entity: "party", fileId: file.id, mode: "create" });
  const queued = await api.exports.create.mutate({
    entity: "party",
    format: "csv",
    filter: { search: marker },
  });
  const until = Date.now() + 30_000;
  for (;;) {
    const [imported, exported] = await Promise.all([
      api.imports.get.query({ id: started.id }),
      api.exports.get.query({ id: queued.id }),
    ]);
    if (imported.status === "ready" && exported.status === "done") {
      return { imported, exported };
    }
    if (imported.status === "failed" || exported.status === "failed" || Date.now() > until) {
      throw new Error(
        `${marker}: the seeded import (${imported.status}) or export (${exported.status}) did not finish`,
      );
    }
    await Bun.sleep(100);
  }
}

export type SeededTenant = Awaited<ReturnType<typeof seedTenant>>;

/** Every row of `tenantId` in every table of the database (tables with tenant_id, and `tenants`). */
export async function tenantRows(databaseUrl: string, tenantId: string): Promise<Record<string, unknown[]>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ qualified: string; column: string }[]>`
      select quote_ident(c.table_schema) || '.' || quote_ident(c.table_name) as qualified,
             quote_ident(c.column_name) as column
      from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
      where t.table_type = 'BASE TABLE'
        and c.table_schema not in ('pg_catalog', 'information_schema', 'drizzle')
        and (c.column_name = 'tenant_id' or (c.table_name = 'tenants' and c.column_name = 'id'))
      order by 1, 2`;
    const rows: Record<string, unknown[]> = {};
    for (const table of tables) {
      const found = await sql.unsafe(
        // Ordered by the whole row: the first column may be tenant_id, the same for every row.
        `select t.* from ${table.qualified} t where t.${table.column} = $1 order by t::text`,
        [tenantId],
      );
      rows[table.qualified] = [...found];
    }
    return rows;
  } finally {
    await sql.end();
  }
}
