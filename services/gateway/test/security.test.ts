/**
 * Cross-service security, generated from the routers: every procedure of every service, called
 * through the gateway by tenant A on tenant B's ids, by tokens that must be refused, and by callers
 * who lack the permission it declares. Real services, real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasPermission } from "@vextrus/platform";
import { type SeededTenant, seedTenant, tenantRows } from "./fixtures.ts";
import {
  type RunningGateway,
  type RunningServices,
  rawCall,
  startGateway,
  startServices,
} from "./harness.ts";
import {
  catalog,
  type Procedure,
  PUBLIC,
  ROUTERS,
  requiredPermissions,
  SIGNED_IN,
  singular,
  uuidFields,
  validInput,
} from "./procedures.ts";
import { type AuthKeySigner, authKeySigner, badTokens } from "./tokens.ts";

const PROCEDURES = catalog();
const PERMISSIONS = requiredPermissions(PROCEDURES);

let services: RunningServices;
let gateway: RunningGateway;
let signer: AuthKeySigner;
let a: SeededTenant;
let b: SeededTenant;
/** A's admin: the permissions registration gave it, signed by auth's key (no session to end). */
let aToken: string;
let bRowsBefore: Record<string, Record<string, unknown[]>>;
/** B's ids A has sent in some call: A knows them, and may have stored them in its own rows. */
const knownToA = new Set<string>();

beforeAll(async () => {
  services = await startServices("security");
  gateway = startGateway(services.table);
  [a, b] = await Promise.all([seedTenant(gateway, "Alpha"), seedTenant(gateway, "Bsecret")]);
  // Every event of the seeding recorded (audit, packs) before B's rows are photographed.
  await services.settle();
  signer = await authKeySigner(services.auth.databaseUrl);
  aToken = await signer.sign({
    tenantId: a.registered.tenant.id,
    userId: a.registered.user.id,
    permissions: a.adminPermissions,
  });
  bRowsBefore = await snapshotB();
}, 60_000);
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

const snapshotB = async () =>
  Object.fromEntries(
    await Promise.all(
      services.list.map(
        async (s) => [s.name, await tenantRows(s.databaseUrl, b.registered.tenant.id)] as const,
      ),
    ),
  );

interface Answer {
  status: number;
  code: string | undefined;
  text: string;
}

/** One call through the gateway, as a @trpc/client would send it (superjson envelope). */
async function call(procedure: Procedure, input: unknown, token: string | undefined): Promise<Answer> {
  const envelope = input === undefined ? undefined : JSON.stringify({ json: input });
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res =
    procedure.type === "query"
      ? await rawCall(gateway.url, procedure.path, {
          search: envelope ? `input=${encodeURIComponent(envelope)}` : "",
          headers,
        })
      : await rawCall(gateway.url, procedure.path, {
          method: "POST",
          body: envelope ?? "",
          headers: { "content-type": "application/json", ...headers },
        });
  const code = (res.json as { error?: { json?: { data?: { code?: string } } } } | undefined)?.error?.json
    ?.data?.code;
  return { status: res.status, code, text: res.text };
}

/** The entities a service owns: its top-level routers (`companies` → company). */
function ownedBy(service: string): Set<string> {
  const router = ROUTERS[service];
  const keys = Object.keys((router?._def.record ?? {}) as Record<string, unknown>);
  // rules-engine's evaluate/replay sit at its top level: evaluations are its own too; a service
  // whose procedures sit at its top level (files.get) owns its own entity (file).
  return new Set([...keys.map(singular), singular(service), ...(service === "rules" ? ["evaluation"] : [])]);
}

/** Tenant `t`'s id of `entity`; fails loudly for an entity the fixtures do not seed. */
function idOf(t: SeededTenant, entity: string, procedure: Procedure, path: string): string {
  const id = entity === "" ? t.ids.company : t.ids[entity];
  if (!id) {
    throw new Error(
      `${procedure.path}: no seeded "${entity}" for field ${path}; add one to test/fixtures.ts`,
    );
  }
  return id;
}

describe("every procedure declares who may call it", () => {
  test("each is public, for any signed-in user, or requires a permission — nothing else", () => {
    const undeclared = PROCEDURES.filter(
      (p) => !p.permission && !PUBLIC.has(p.path) && !SIGNED_IN.has(p.path),
    );
    expect(undeclared.map((p) => p.path)).toEqual([]);
    expect(PROCEDURES.length).toBeGreaterThan(40);
  });
});

describe("tenant A on tenant B's ids: NOT_FOUND or FORBIDDEN, never B's data", () => {
  for (const procedure of PROCEDURES) {
    test(procedure.path, async () => {
      const fields = uuidFields(procedure);
      const owned = ownedBy(procedure.service);
      // All of B's ids at once, then each of B's ids among A's own.
      const variants: { input: unknown; bFields: string[] }[] = [];
      if (fields.length === 0) {
        variants.push({ input: validInput(procedure, () => a.ids.company ?? ""), bFields: [] });
      } else {
        variants.push({
          input: validInput(procedure, (path, entity) => idOf(b, entity, procedure, path)),
          bFields: fields.map((f) => f.path),
        });
        for (const target of fields) {
          variants.push({
            input: validInput(procedure, (path, entity) =>
              idOf(path === target.path ? b : a, entity, procedure, path),
            ),
            bFields: [target.path],
          });
        }
      }
      for (const { input, bFields } of variants) {
        const sent = JSON.stringify(input ?? null);
        for (const id of b.allIds) {
          if (sent.includes(id)) {
            knownToA.add(id);
          }
        }
        const answer = await call(procedure, input, aToken);
        const context = `${procedure.path} ${sent} → ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, context).toBeLessThan(500);
        expect(answer.text.includes(b.marker), context).toBe(false);
        for (const id of b.allIds) {
          if (!knownToA.has(id)) {
            expect(answer.text.includes(id), `${context} leaks ${id}`).toBe(false);
          }
        }
        const targetsB = fields.some(
          (f) => bFields.includes(f.path) && f.entity !== "" && owned.has(f.entity),
        );
        const fetchesOne = procedure.local.endsWith(".get") || procedure.local === "replay";
        if (targetsB && (procedure.type === "mutation" || fetchesOne)) {
          expect(["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST"], context).toContain(answer.code ?? "OK");
        }
      }
    });
  }

  test("the probes had something to find: B's own calls answer with B's seeded data", async () => {
    const asB = gateway.client({ token: b.adminToken });
    const [log, process, rule, evaluation, file] = await Promise.all([
      asB.audit.events.list.query({}),
      asB.workflow.processes.get.query({ id: b.ids.process ?? "" }),
      asB.rules.rules.get.query({ id: b.ids.rule ?? "" }),
      asB.rules.replay.query({ evaluationId: b.ids.evaluation ?? "" }),
      asB.files.get.query({ id: b.ids.file ?? "" }),
    ]);
    expect(file.name).toContain(b.marker);
    expect(file.attachedTo).toEqual([{ service: "workflow", type: "process", id: b.ids.process ?? "" }]);
    expect(log.items.length).toBeGreaterThan(5);
    expect(process.process.subject).toContain(b.marker);
    expect(process.tasks.map((t) => t.id)).toContain(b.ids.task ?? "");
    expect(rule.versions[0]?.name).toContain(b.marker);
    expect(evaluation.identical).toBe(true);
  });

  test("B's rows in every service are exactly as they were", async () => {
    await services.settle();
    expect(await snapshotB()).toEqual(bRowsBefore);
  });
});

describe("tokens: none, expired, forged, alg:none and friends are UNAUTHORIZED everywhere", () => {
  for (const procedure of PROCEDURES.filter((p) => !PUBLIC.has(p.path))) {
    test(procedure.path, async () => {
      const input = validInput(procedure, (path, entity) => idOf(a, entity, procedure, path));
      const tokens = await badTokens(signer, {
        tenantId: a.registered.tenant.id,
        userId: a.registered.user.id,
        permissions: ["*"],
      });
      const answers = await Promise.all([
        call(procedure, input, undefined).then((answer) => ["no token", answer] as const),
        ...Object.entries(tokens).map(
          async ([kind, token]) => [kind, await call(procedure, input, token)] as const,
        ),
      ]);
      for (const [kind, answer] of answers) {
        expect(`${kind}: ${answer.code}`).toBe(`${kind}: UNAUTHORIZED`);
        expect(answer.status).toBe(401);
      }
    });
  }
});

describe("permissions: a caller without the declared permission is FORBIDDEN", () => {
  const guarded = PROCEDURES.filter((p) => p.permission);
  for (const procedure of guarded) {
    test(`${procedure.path} needs ${procedure.permission}`, async () => {
      const required = procedure.permission ?? "";
      const others = PERMISSIONS.filter((p) => p !== required && !hasPermission([p], required));
      const token = await signer.sign({
        tenantId: a.registered.tenant.id,
        userId: a.registered.user.id,
        permissions: others,
      });
      const input = validInput(procedure, (path, entity) => idOf(a, entity, procedure, path));
      const answer = await call(procedure, input, token);
      expect(answer.code, answer.text.slice(0, 300)).toBe("FORBIDDEN");
    });
  }

  test("a viewer (every :read permission) can call no procedure that writes", async () => {
    const reads = PERMISSIONS.filter((p) => p.endsWith(":read"));
    const token = await signer.sign({
      tenantId: a.registered.tenant.id,
      userId: a.registered.user.id,
      permissions: reads,
    });
    const writes = guarded.filter((p) => !reads.some((r) => hasPermission([r], p.permission ?? "")));
    // A preview answers "who would approve this?" under the permission to start, and writes nothing.
    const previews = new Set(["workflow.processes.preview"]);
    expect(writes.filter((p) => p.type !== "mutation" && !previews.has(p.path)).map((p) => p.path)).toEqual(
      [],
    );
    for (const procedure of writes) {
      const input = validInput(procedure, (path, entity) => idOf(a, entity, procedure, path));
      const answer = await call(procedure, input, token);
      expect(`${procedure.path}: ${answer.code}`).toBe(`${procedure.path}: FORBIDDEN`);
    }
  });
});
