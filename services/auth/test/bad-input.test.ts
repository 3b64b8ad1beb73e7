import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { superjsonCanSend } from "@vextrus/platform/testing";
import fc from "fast-check";
import superjson from "superjson";
import type { z } from "zod";
import { ApiKeyIdInput, CreateApiKeyInput } from "../src/domain/api-keys.ts";
import { ChangeOwnContactInput, ChangeUserContactInput } from "../src/domain/contacts.ts";
import { LoginInput } from "../src/domain/login.ts";
import { ChangePasswordInput, CompleteResetInput, RequestResetInput } from "../src/domain/passwords-flow.ts";
import { RefreshInput } from "../src/domain/refresh.ts";
import { RegisterTenantInput } from "../src/domain/registration.ts";
import { CreateRoleInput, RoleIdInput, UpdateRoleInput } from "../src/domain/roles.ts";
import { ListSessionsInput, RevokeSessionInput } from "../src/domain/sessions.ts";
import { AssignRolesInput, DeactivateUserInput } from "../src/domain/user-access.ts";
import { GetUserInput, InviteUserInput, ListUsersInput, UpdateUserInput } from "../src/domain/users.ts";
import { RequestVerificationInput, VerifyContactInput } from "../src/domain/verification.ts";
import { type AuthHarness, freshIp, startAuth } from "./harness.ts";

let h: AuthHarness;
let adminToken = "";
beforeAll(async () => {
  h = await startAuth("badinput");
  adminToken = (await h.register("bad")).accessToken;
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

const uuid = "0195f3a0-0000-7000-8000-000000000001";

/** Every procedure that takes input, with its schema and one valid input to mutate. */
const PROCEDURES: {
  path: string;
  kind: "query" | "mutation";
  auth: boolean;
  schema: z.ZodType;
  valid: Record<string, unknown>;
}[] = [
  {
    path: "registerTenant",
    kind: "mutation",
    auth: false,
    schema: RegisterTenantInput,
    valid: {
      tenant: { slug: "valid-slug", legalName: "Valid Ltd", bin: "000123456-0101" },
      admin: {
        name: "Valid",
        email: "valid@example.com",
        mobile: "01712345678",
        password: "Jute-Harbour-Monsoon",
      },
    },
  },
  {
    path: "login",
    kind: "mutation",
    auth: false,
    schema: LoginInput,
    valid: { tenantSlug: "valid-slug", identifier: "a@example.com", password: "x" },
  },
  { path: "refresh", kind: "mutation", auth: false, schema: RefreshInput, valid: { refreshToken: "x.y.z" } },
  {
    path: "passwordReset.request",
    kind: "mutation",
    auth: false,
    schema: RequestResetInput,
    valid: { tenantSlug: "valid-slug", identifier: "a@example.com" },
  },
  {
    path: "passwordReset.complete",
    kind: "mutation",
    auth: false,
    schema: CompleteResetInput,
    valid: { token: "x", password: "Jute-Harbour-Monsoon" },
  },
  {
    path: "invites.accept",
    kind: "mutation",
    auth: false,
    schema: CompleteResetInput,
    valid: { token: "x", password: "Jute-Harbour-Monsoon" },
  },
  {
    path: "changePassword",
    kind: "mutation",
    auth: true,
    schema: ChangePasswordInput,
    valid: { currentPassword: "x", newPassword: "Jute-Harbour-Monsoon" },
  },
  {
    path: "users.list",
    kind: "query",
    auth: true,
    schema: ListUsersInput,
    valid: { limit: 10, status: "active" },
  },
  { path: "users.get", kind: "query", auth: true, schema: GetUserInput, valid: { id: uuid } },
  {
    path: "users.invite",
    kind: "mutation",
    auth: true,
    schema: InviteUserInput,
    valid: { name: "N", email: "n@example.com", mobile: "01712345678", roleIds: [uuid] },
  },
  {
    path: "users.update",
    kind: "mutation",
    auth: true,
    schema: UpdateUserInput,
    valid: { id: uuid, name: "N", expectedVersion: 1 },
  },
  {
    path: "users.changeContact",
    kind: "mutation",
    auth: true,
    schema: ChangeUserContactInput,
    valid: { id: uuid, email: "n@example.com", mobile: "01712345678", expectedVersion: 1 },
  },
  {
    path: "changeContact",
    kind: "mutation",
    auth: true,
    schema: ChangeOwnContactInput,
    valid: { currentPassword: "x", email: "n@example.com", mobile: null, expectedVersion: 1 },
  },
  {
    path: "requestContactVerification",
    kind: "mutation",
    auth: true,
    schema: RequestVerificationInput,
    valid: { channel: "mobile" },
  },
  {
    path: "verifyContact",
    kind: "mutation",
    auth: false,
    schema: VerifyContactInput,
    valid: { token: "x.y.z" },
  },
  {
    path: "users.deactivate",
    kind: "mutation",
    auth: true,
    schema: DeactivateUserInput,
    valid: { id: uuid, reason: "r" },
  },
  {
    path: "users.assignRoles",
    kind: "mutation",
    auth: true,
    schema: AssignRolesInput,
    valid: { userId: uuid, roleIds: [uuid] },
  },
  { path: "roles.get", kind: "query", auth: true, schema: RoleIdInput, valid: { id: uuid } },
  {
    path: "roles.create",
    kind: "mutation",
    auth: true,
    schema: CreateRoleInput,
    valid: { name: "r", description: "d", permissions: ["auth:user:read"] },
  },
  {
    path: "roles.update",
    kind: "mutation",
    auth: true,
    schema: UpdateRoleInput,
    valid: { id: uuid, name: "r", permissions: ["auth:user:read"], expectedVersion: 1 },
  },
  { path: "roles.delete", kind: "mutation", auth: true, schema: RoleIdInput, valid: { id: uuid } },
  {
    path: "sessions.list",
    kind: "query",
    auth: true,
    schema: ListSessionsInput,
    valid: { userId: uuid, includeEnded: true },
  },
  {
    path: "sessions.revoke",
    kind: "mutation",
    auth: true,
    schema: RevokeSessionInput,
    valid: { sessionId: uuid },
  },
  {
    path: "apiKeys.create",
    kind: "mutation",
    auth: true,
    schema: CreateApiKeyInput,
    valid: { name: "k", permissions: ["auth:user:read"], expiresInDays: 30 },
  },
  { path: "apiKeys.revoke", kind: "mutation", auth: true, schema: ApiKeyIdInput, valid: { id: uuid } },
];

const junk = fc.oneof(
  fc.anything(),
  fc.string({ maxLength: 400 }),
  fc.constantFrom("", " ", "💥", "<script>", "' or 1=1 --", "-1", "1e309", "null", "../../etc/passwd"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 5 }),
);

/** Leaf paths of a valid input ("tenant.slug", "roleIds", …). */
function leafPaths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? leafPaths(v as Record<string, unknown>, [...prefix, key])
      : [[...prefix, key]],
  );
}

function withAt(value: unknown, path: string[], replacement: unknown, remove: boolean): unknown {
  const [head, ...rest] = path;
  if (head === undefined || value === null || typeof value !== "object") {
    return replacement;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && remove) {
    delete copy[head];
  } else {
    copy[head] = withAt(copy[head], rest, replacement, remove);
  }
  return copy;
}

/** Malformed inputs: anything at all, or the valid input with one field replaced by junk or removed. */
const malformed = (procedure: (typeof PROCEDURES)[number]) =>
  fc
    .oneof(
      junk,
      fc
        .tuple(fc.constantFrom(...leafPaths(procedure.valid)), junk, fc.boolean())
        .map(([path, value, remove]) => withAt(procedure.valid, path, value, remove)),
    )
    .filter((input) => superjsonCanSend(input) && !procedure.schema.safeParse(input).success);

async function call(procedure: (typeof PROCEDURES)[number], input: unknown) {
  const headers: Record<string, string> = {
    "x-forwarded-for": freshIp(),
    "content-type": "application/json",
  };
  if (procedure.auth) {
    headers.authorization = `Bearer ${adminToken}`;
  }
  const body = JSON.stringify(superjson.serialize(input));
  const url = `${h.authUrl}/trpc/${procedure.path}`;
  const res =
    procedure.kind === "query"
      ? await fetch(`${url}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(url, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

async function rowCounts() {
  const [row] = await h.authSql`select
    (select count(*) from auth.tenants)::int tenants, (select count(*) from auth.users)::int users,
    (select count(*) from auth.credentials)::int credentials, (select count(*) from auth.roles)::int roles,
    (select count(*) from auth.role_permissions)::int role_permissions, (select count(*) from auth.user_roles)::int user_roles,
    (select count(*) from auth.sessions)::int sessions, (select count(*) from auth.refresh_tokens)::int refresh_tokens,
    (select count(*) from auth.api_keys)::int api_keys, (select count(*) from auth.login_attempts)::int login_attempts,
    (select count(*) from auth.password_reset_tokens)::int resets, (select count(*) from auth.outbox)::int outbox,
    (select count(*) from auth.contact_verifications)::int verifications`;
  const [org] = await h.orgSql`select count(*)::int n from organization.tenants`;
  return { ...row, orgTenants: org?.n };
}

describe("malformed input", () => {
  test("every auth procedure answers malformed input with a 400 naming the field paths; nothing is written", async () => {
    const before = await rowCounts();
    let calls = 0;
    for (const procedure of PROCEDURES) {
      await fc.assert(
        fc.asyncProperty(malformed(procedure), async (input) => {
          const { status, text } = await call(procedure, input);
          calls++;
          const body = JSON.parse(text) as {
            error?: {
              json?: { data?: { httpStatus?: number; issues?: { path: string; message: string }[] } };
            };
          };
          const issues = body.error?.json?.data?.issues ?? [];
          if (
            status !== 400 ||
            issues.length === 0 ||
            issues.some((i) => typeof i.path !== "string" || !i.message)
          ) {
            throw new Error(`${procedure.path} answered ${status}: ${text.slice(0, 300)}`);
          }
          expect(text).not.toMatch(/\bat \/|\.ts:\d|stack/);
        }),
        { numRuns: 30 },
      );
    }
    expect(calls).toBeGreaterThanOrEqual(PROCEDURES.length * 30);
    expect(await rowCounts()).toEqual(before);
  });

  test("field paths name the offending field, nested ones with dots, in English or Bengali", async () => {
    const registerTenant = PROCEDURES[0];
    if (!registerTenant) {
      throw new Error("no registerTenant");
    }
    const input = withAt(
      withAt(registerTenant.valid, ["tenant", "slug"], "NO SPACES", false),
      ["admin", "email"],
      "nope",
      false,
    );
    const res = await fetch(`${h.authUrl}/trpc/registerTenant`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "bn", "x-forwarded-for": freshIp() },
      body: JSON.stringify(superjson.serialize(input)),
    });
    const body = (await res.json()) as {
      error: { json: { data: { issues: { path: string; message: string }[] } } };
    };
    expect(res.status).toBe(400);
    expect(body.error.json.data.issues.map((i) => i.path).sort()).toEqual(["admin.email", "tenant.slug"]);
    for (const issue of body.error.json.data.issues) {
      expect(issue.message).toMatch(/[\u0980-\u09FF]/);
    }
  });
});
