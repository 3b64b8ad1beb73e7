/**
 * What the workflow and tenants benchmarks share: the server side (organization, rules-engine,
 * workflow and the gateway on ephemeral ports, on PostgreSQL), a tRPC call helper, and a tenant
 * seeded with engineer → project manager → director, the built-in rule packs and one definition.
 */
import { bootGateway } from "@vextrus/gateway/boot";
import { GatewayEnv } from "@vextrus/gateway/env";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger } from "@vextrus/platform";
import type { createTestSigner } from "@vextrus/platform/testing";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import { bootWorkflow } from "@vextrus/workflow/boot";
import { WorkflowEnv } from "@vextrus/workflow/env";
import postgres from "postgres";
import superjson from "superjson";

/**
 * The server side: every service a workflow round trip touches, on ephemeral ports; prints
 * `READY {urls}`. `gatewayEnv` adds gateway settings (rate limits; limits are off by default).
 */
export async function serveWorkflowStack(gatewayEnv: Record<string, string> = {}) {
  const log = createLogger({ level: "error" });
  const common = {
    DATABASE_URL: process.env.DATABASE_URL,
    JWT_PUBLIC_KEY: process.env.JWT_PUBLIC_KEY,
    LOG_LEVEL: "error",
  };
  const organization = await bootOrganization({ ...OrganizationEnv.parse(common), PORT: 0 }, { log });
  const rules = await bootRulesEngine({ ...RulesEngineEnv.parse(common), PORT: 0 }, { log });
  const workflow = await bootWorkflow(
    {
      ...WorkflowEnv.parse({ ...common, ORGANIZATION_URL: organization.url, RULES_URL: rules.url }),
      PORT: 0,
    },
    { log },
  );
  const gateway = await bootGateway(
    {
      ...GatewayEnv.parse({
        LOG_LEVEL: "error",
        RATE_LIMIT_TENANT_PER_SECOND: "0",
        RATE_LIMIT_IP_PER_SECOND: "0",
        ...gatewayEnv,
      }),
      PORT: 0,
    },
    { services: { organization: organization.url, rules: rules.url, workflow: workflow.url }, log },
  );
  process.on("SIGTERM", () => process.exit(0));
  console.log(
    `READY ${JSON.stringify({ gateway: gateway.url, workflow: workflow.url, organization: organization.url, rules: rules.url })}`,
  );
}

export interface Urls {
  gateway: string;
  workflow: string;
  organization: string;
  rules: string;
}

export async function readyUrls(stdout: ReadableStream<Uint8Array>): Promise<Urls> {
  const reader = stdout.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error("bench server exited before it was ready");
    }
    text += new TextDecoder().decode(value);
    const match = /READY (\{.*\})/.exec(text);
    if (match?.[1]) {
      return JSON.parse(match[1]) as Urls;
    }
  }
}

export async function call<T>(
  base: string,
  path: string,
  token: string,
  input: unknown,
  method: "query" | "mutation",
) {
  const body = JSON.stringify(superjson.serialize(input));
  const res =
    method === "mutation"
      ? await fetch(`${base}/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body,
        })
      : await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(body)}`, {
          headers: { authorization: `Bearer ${token}` },
        });
  const json = (await res.json()) as { result?: { data: never }; error?: unknown };
  if (!res.ok || !json.result) {
    throw new Error(`${path} → ${res.status} ${JSON.stringify(json.error).slice(0, 300)}`);
  }
  return superjson.deserialize<T>(json.result.data);
}

export interface Seeded {
  tenantId: string;
  /** A token with every permission of the tenant. */
  admin: string;
  engineer: string;
  pm: string;
  companyId: string;
  departmentId: string;
}

/** A tenant with engineer → project manager → director, the built-in rule packs and one definition. */
export async function seed(
  urls: Urls,
  signer: Awaited<ReturnType<typeof createTestSigner>>,
  databaseUrl: string,
): Promise<Seeded> {
  const operator = await signer.sign({
    tenantId: Bun.randomUUIDv7(),
    permissions: ["platform:tenant:create"],
    expiresIn: "1h",
  });
  const tenant = await call<{ id: string }>(
    urls.organization,
    "tenants.create",
    operator,
    { slug: `bench-${Date.now()}-${Math.floor(Math.random() * 1e9)}`, legalName: "Bench Builders Ltd" },
    "mutation",
  );
  const adminToken = await signer.sign({ tenantId: tenant.id, permissions: ["*"], expiresIn: "1h" });
  const org = <T>(path: string, input: unknown) =>
    call<T>(urls.organization, path, adminToken, input, "mutation");
  await call(urls.rules, "packs.install", adminToken, undefined, "mutation");
  const company = await org<{ id: string }>("companies.create", { name: "Bench Co" });
  const department = await org<{ id: string }>("departments.create", { companyId: company.id, name: "Site" });
  const designation = (name: string, rank: number, approvalLimit: string) =>
    org<{ id: string }>("designations.create", { name, rank, approvalLimit });
  const [engineerD, pmD, directorD] = [
    await designation("Site Engineer", 1, "0"),
    await designation("Project Manager", 2, "500000"),
    await designation("Director", 3, "5000000"),
  ];
  const [engineerId, pmId, directorId] = [Bun.randomUUIDv7(), Bun.randomUUIDv7(), Bun.randomUUIDv7()];
  // No auth runs here: the three people are made known to organization as auth's events would.
  const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  for (const userId of [engineerId, pmId, directorId]) {
    await db`insert into organization.known_users (tenant_id, user_id, status, version)
      values (${tenant.id}, ${userId}, 'active', 1)`;
  }
  await db.end();
  const join = (userId: string, designationId: string, reportsToUserId?: string) =>
    org("memberships.create", {
      userId,
      companyId: company.id,
      departmentId: department.id,
      designationId,
      ...(reportsToUserId ? { reportsToUserId } : {}),
    });
  await join(directorId, directorD.id);
  await join(pmId, pmD.id, directorId);
  await join(engineerId, engineerD.id, pmId);
  await call(
    urls.workflow,
    "definitions.create",
    adminToken,
    {
      key: "purchase.requisition",
      name: "Purchase requisition",
      ruleSets: ["tax.vat", "purchase.approval"],
      slaHours: 24,
    },
    "mutation",
  );
  const employee = [
    "workflow:process:start",
    "workflow:task:decide",
    "organization:chain:read",
    "organization:department:read",
    "rules:evaluation:run",
  ];
  const sign = (userId: string) =>
    signer.sign({ tenantId: tenant.id, userId, permissions: employee, expiresIn: "1h" });
  return {
    tenantId: tenant.id,
    admin: adminToken,
    engineer: await sign(engineerId),
    pm: await sign(pmId),
    companyId: company.id,
    departmentId: department.id,
  };
}
