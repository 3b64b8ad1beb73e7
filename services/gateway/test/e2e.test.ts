import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Tokens, TRPCClientError, type VextrusClient } from "@vextrus/client";
import { tokenFromFolder } from "@vextrus/platform/testing";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";

let services: RunningServices;
let gateway: RunningGateway;

beforeAll(async () => {
  services = await startServices("e2e");
  gateway = startGateway(services.table);
});
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

const password = () => `Jute-Harbour-Monsoon-${Bun.randomUUIDv7().slice(-6)}`;

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

/** A company signs up through the gateway and its admin signs in. */
async function signUp(hint: string) {
  const slug = `${hint}-${Bun.randomUUIDv7().slice(-8)}`;
  const email = `admin@${slug}.com.bd`;
  const secret = password();
  const anonymous = gateway.client();
  const registered = await anonymous.auth.registerTenant.mutate({
    tenant: { slug, legalName: `${hint} Builders Ltd` },
    admin: { name: "Farhana Islam", email, password: secret },
  });
  const login = await anonymous.auth.login.mutate({ tenantSlug: slug, identifier: email, password: secret });
  return { slug, email, registered, login, anonymous };
}

/** A person invited by the admin, with the given roles, who accepts and signs in. */
async function invite(
  admin: VextrusClient,
  anonymous: VextrusClient,
  slug: string,
  name: string,
  roleIds: string[],
) {
  const email = `${name.toLowerCase().replaceAll(" ", ".")}@${slug}.com.bd`;
  const invited = await admin.auth.users.invite.mutate({ name, email, roleIds });
  const secret = password();
  // The link reaches the invited address only: read it from the mail notification wrote.
  const token = await tokenFromFolder(services.mailDir, email, "accept-invite");
  await anonymous.auth.invites.accept.mutate({ token, password: secret });
  const login = await anonymous.auth.login.mutate({ tenantSlug: slug, identifier: email, password: secret });
  return { user: invited.user, login };
}

describe("a company signs up and builds its organisation, all through @vextrus/client and the gateway", () => {
  test("register → login → company → departments → designations → memberships → approval chain", async () => {
    const { slug, registered, login, anonymous } = await signUp("rupayan");
    expect(login.user.tenantId).toBe(registered.tenant.id);
    const api = gateway.client({ token: login.accessToken, refreshToken: login.refreshToken });

    const me = await api.auth.me.query();
    expect(me.tenant).toEqual({ id: registered.tenant.id, slug });
    expect(me.user.createdAt).toBeInstanceOf(Date);
    expect((await api.organization.tenants.get.query()).id).toBe(registered.tenant.id);

    const company = await api.organization.companies.create.mutate({
      name: "Rupayan Housing",
      bin: "000123456-0101",
    });
    expect(company.bin).toBe("0001234560101");
    expect(company.createdAt).toBeInstanceOf(Date);
    const projects = await api.organization.departments.create.mutate({
      companyId: company.id,
      name: "Projects",
      nameBn: "প্রকল্প",
    });
    const site = await api.organization.departments.create.mutate({
      companyId: company.id,
      parentId: projects.id,
      name: "Site A",
    });
    const [engineerRank, managerRank, directorRank] = await Promise.all([
      api.organization.designations.create.mutate({ name: "Site Engineer", rank: 1, approvalLimit: "50000" }),
      api.organization.designations.create.mutate({
        name: "Project Manager",
        rank: 2,
        approvalLimit: 500_000,
      }),
      api.organization.designations.create.mutate({ name: "Director", rank: 3, approvalLimit: "5000000.00" }),
    ]);
    expect(managerRank.approvalLimit).toBe("500000.00");

    // The people are real users of the tenant, invited by the admin.
    const roles = await api.auth.roles.list.query();
    const viewerRole = roles.find((role) => role.name === "viewer");
    expect(viewerRole).toBeDefined();
    const [director, manager, engineer] = await Promise.all(
      ["Director Rahman", "Manager Karim", "Engineer Hasan"].map((name) =>
        invite(api, anonymous, slug, name, viewerRole ? [viewerRole.id] : []),
      ),
    );
    if (!director || !manager || !engineer) {
      throw new Error("invitations failed");
    }
    await api.organization.memberships.create.mutate({
      userId: director.user.id,
      companyId: company.id,
      departmentId: projects.id,
      designationId: directorRank.id,
    });
    await api.organization.memberships.create.mutate({
      userId: manager.user.id,
      companyId: company.id,
      departmentId: projects.id,
      designationId: managerRank.id,
      reportsToUserId: director.user.id,
    });
    await api.organization.memberships.create.mutate({
      userId: engineer.user.id,
      companyId: company.id,
      departmentId: site.id,
      designationId: engineerRank.id,
      reportsToUserId: manager.user.id,
    });

    const chain = await api.organization.chain.forUser.query({ userId: engineer.user.id });
    expect(chain.chain.map((link) => [link.level, link.userId, link.designation.approvalLimit])).toEqual([
      [0, engineer.user.id, "50000.00"],
      [1, manager.user.id, "500000.00"],
      [2, director.user.id, "5000000.00"],
    ]);
    const tree = await api.organization.departments.tree.query({ companyId: company.id });
    expect(tree.map((node) => [node.name, node.children.map((child) => child.name)])).toEqual([
      ["Projects", ["Site A"]],
    ]);

    // A viewer (the built-in role) reads through the gateway but cannot create.
    const viewer = gateway.client({ token: engineer.login.accessToken });
    expect((await viewer.organization.companies.list.query({})).items.map((c) => c.id)).toEqual([company.id]);
    expect(await codeOf(viewer.organization.companies.create.mutate({ name: "Shadow Ltd" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(viewer.auth.users.invite.mutate({ name: "X", email: `x@${slug}.com.bd` }))).toBe(
      "FORBIDDEN",
    );
  });

  test("calls to two services made together travel as one batch and come back in order (plain and streamed)", async () => {
    const { login } = await signUp("batch");
    for (const batch of [true, "stream"] as const) {
      const api = gateway.client({
        token: login.accessToken,
        batch,
        headers: () => ({ "x-request-id": `b-${batch}` }),
      });
      const [me, companies, designations] = await Promise.all([
        api.auth.me.query(),
        api.organization.companies.list.query({}),
        api.organization.designations.list.query({}),
      ]);
      expect(me.user.id).toBe(login.user.id);
      expect(me.user.createdAt).toBeInstanceOf(Date);
      expect(companies.items).toEqual([]);
      expect(designations.items).toEqual([]);
      const line = gateway.logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === `b-${batch}`);
      expect(line).toMatchObject({ calls: 3, services: ["auth", "organization"], status: 200 });
    }
  });
});

describe("tokens in the client", () => {
  test("on UNAUTHORIZED the client refreshes once (auth.refresh), retries, and hands the new pair to onTokens", async () => {
    const { login } = await signUp("refresh");
    const seen: Tokens[] = [];
    const api = gateway.client({
      token: "not-a-valid-access-token",
      refreshToken: login.refreshToken,
      onTokens: (tokens) => {
        seen.push(tokens);
      },
    });
    // Three calls fail together; one refresh serves all of them (a refresh token works only once).
    const [me, companies, tenant] = await Promise.all([
      api.auth.me.query(),
      api.organization.companies.list.query({}),
      api.organization.tenants.get.query(),
    ]);
    expect(me.user.id).toBe(login.user.id);
    expect(companies.items).toEqual([]);
    expect(tenant.id).toBe(login.user.tenantId);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.refreshToken).not.toBe(login.refreshToken);
    // The new pair is in use: later calls need no refresh.
    await api.organization.companies.list.query({});
    expect(seen).toHaveLength(1);
  });

  test("when the refresh itself is refused, the original UNAUTHORIZED reaches the caller", async () => {
    const seen: Tokens[] = [];
    const api = gateway.client({
      token: "not-a-valid-access-token",
      refreshToken: "not-a-valid-refresh-token",
      onTokens: (tokens) => {
        seen.push(tokens);
      },
    });
    expect(await codeOf(api.organization.companies.list.query({}))).toBe("UNAUTHORIZED");
    expect(seen).toEqual([]);
    // Without a refresh token there is nothing to try.
    expect(await codeOf(gateway.client({ token: "x" }).auth.me.query())).toBe("UNAUTHORIZED");
  });
});

describe("configuration through the gateway", () => {
  test("an admin sets the SLA per company, every caller resolves it with provenance, and audit records before and after", async () => {
    const { registered, login } = await signUp("config");
    const api = gateway.client({ token: login.accessToken });
    const company = await api.organization.companies.create.mutate({ name: "Config Housing" });
    const key = "workflow.sla.hours";
    expect((await api.config.resolve.query({ key })).source).toEqual({ level: "default" });
    await api.config.set.mutate({ key, scope: { level: "tenant" }, value: 36, expectedVersion: 0 });
    const set = await api.config.set.mutate({
      key,
      scope: { level: "company", companyId: company.id },
      value: 12,
      expectedVersion: 0,
    });
    const changed = await api.config.set.mutate({
      key,
      scope: { level: "company", companyId: company.id },
      value: 18,
      expectedVersion: set.version,
    });
    const resolved = await api.config.resolve.query({ key, scope: { companyId: company.id } });
    expect(resolved.value).toBe(18);
    expect(resolved.source).toMatchObject({
      level: "company",
      scopeId: company.id,
      version: 2,
      valueId: changed.id,
    });
    expect(resolved.at).toBeInstanceOf(Date);

    await services.settle();
    const { items } = await api.audit.events.list.query({ typePrefix: "vextrus.config." });
    const ofCompany = items.filter((e) => (e.data as { id?: string } | null)?.id === changed.id);
    expect(ofCompany).toHaveLength(1);
    expect(ofCompany[0]?.actorId).toBe(registered.user.id);
    expect(ofCompany[0]?.data).toMatchObject({
      key,
      scope: { level: "company", id: company.id },
      before: { version: 1, value: 12 },
      after: { version: 2, value: 18 },
    });
    expect(items.filter((e) => e.type === "vextrus.config.setting.changed")).toHaveLength(3);

    // Workflow reads the tenant's SLA from configuration for a definition that sets none, and hears
    // a change through its cache's subscription.
    const definition = await api.workflow.definitions.create.mutate({
      key: "purchase.sla",
      name: "SLA default",
    });
    expect(definition.slaHours).toBe(36);
    const own = await api.workflow.definitions.create.mutate({
      key: "purchase.own",
      name: "Own SLA",
      slaHours: 6,
    });
    expect(own.slaHours).toBe(6);
    await api.config.set.mutate({ key, scope: { level: "tenant" }, value: 40, expectedVersion: 1 });
    await services.settle();
    const next = await api.workflow.definitions.create.mutate({ key: "purchase.sla", name: "SLA default" });
    expect(next.slaHours).toBe(40);
  });
});
