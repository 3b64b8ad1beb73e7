/**
 * A NUL character in any string of any procedure's input is a 400 naming that field, generated for
 * every procedure behind the gateway (PostgreSQL cannot store NUL: before the platform refused it,
 * six procedures answered 500 and one a misleading 503). Nothing is written.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError, type VextrusClient } from "@vextrus/client";
import { seedTenant } from "./fixtures.ts";
import {
  type RunningGateway,
  type RunningServices,
  rowCounts,
  startGateway,
  startServices,
} from "./harness.ts";
import { catalog, type Procedure, validInput } from "./procedures.ts";
import { authKeySigner } from "./tokens.ts";

const PROCEDURES = catalog();

let services: RunningServices;
let gateway: RunningGateway;
let ids: Record<string, string>;
let client: VextrusClient;

beforeAll(async () => {
  services = await startServices("nulinput");
  gateway = startGateway(services.table);
  const tenant = await seedTenant(gateway, "Nul");
  ids = tenant.ids;
  const signer = await authKeySigner(services.auth.databaseUrl);
  const token = await signer.sign({
    tenantId: tenant.registered.tenant.id,
    userId: tenant.registered.user.id,
    permissions: ["*"],
  });
  client = gateway.client({ token, batch: false });
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

/** The path of the first string in `value` (depth first), or undefined. */
function firstString(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === "string") {
    return path;
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const found = firstString(item, [...path, Array.isArray(value) ? Number(key) : key]);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

/** A valid input with a NUL added to its first string (or a new field holding one), and that field's path. */
function withNul(procedure: Procedure): { input: unknown; path: string } {
  const base = validInput(procedure, (_path, entity) => ids[entity] ?? ids.company ?? "");
  if (typeof base !== "object" || base === null) {
    return { input: { note: "a\0b" }, path: "note" };
  }
  const input = structuredClone(base) as Record<string | number, unknown>;
  const path = firstString(input);
  if (!path || path.length === 0) {
    return { input: { ...input, note: "a\0b" }, path: "note" };
  }
  let holder = input;
  for (const segment of path.slice(0, -1)) {
    holder = holder[segment] as Record<string | number, unknown>;
  }
  const last = path.at(-1) as string | number;
  holder[last] = `${holder[last] as string}\0`;
  return { input, path: path.join(".") };
}

async function send(procedure: Procedure, input: unknown) {
  let node: unknown = client;
  for (const segment of procedure.path.split(".")) {
    node = Reflect.get(node as object, segment);
  }
  const caller = node as { query(i: unknown): Promise<unknown>; mutate(i: unknown): Promise<unknown> };
  try {
    await (procedure.type === "query" ? caller.query(input) : caller.mutate(input));
    return "accepted";
  } catch (error) {
    if (!(error instanceof TRPCClientError)) {
      throw error;
    }
    const data = error.data as { httpStatus: number; issues?: { path: string; code: string }[] };
    return { status: data.httpStatus, issues: data.issues ?? [], message: error.message };
  }
}

const allRows = async () => {
  await services.settle();
  return Object.fromEntries(
    await Promise.all(services.list.map(async (s) => [s.name, await rowCounts(s.databaseUrl)])),
  );
};

describe("a NUL in any string input is a 400 naming the field, for every procedure", () => {
  test("every procedure", async () => {
    const before = await allRows();
    const wrong: string[] = [];
    for (const procedure of PROCEDURES) {
      const { input, path } = withNul(procedure);
      const answer = await send(procedure, input);
      const issue = answer === "accepted" ? undefined : answer.issues[0];
      if (
        answer === "accepted" ||
        answer.status !== 400 ||
        issue?.path !== path ||
        issue.code !== "input.nul"
      ) {
        wrong.push(`${procedure.path} (${path}): ${JSON.stringify(answer)}`);
      } else {
        expect(answer.message).toStartWith(`${path}: `);
      }
    }
    expect(wrong).toEqual([]);
    expect(await allRows()).toEqual(before);
  });

  test("the fields the issue found 500s in", async () => {
    const cases: [string, unknown, string][] = [
      ["organization.companies.create", { name: "Rupayan\0" }, "name"],
      ["organization.departments.create", { companyId: ids.company, name: "Site\0A" }, "name"],
      ["audit.events.list", { subjectId: "x\0" }, "subjectId"],
      ["audit.events.list", { actorId: "\0" }, "actorId"],
      ["auth.users.list", { search: "far\0" }, "search"],
      ["rules.evaluate", { ruleSet: "tax.vat", facts: { category: "\0" } }, "facts.category"],
    ];
    for (const [path, input, field] of cases) {
      const procedure = PROCEDURES.find((p) => p.path === path);
      if (!procedure) {
        throw new Error(`no procedure ${path}`);
      }
      const answer = await send(procedure, input);
      expect(answer, path).not.toBe("accepted");
      if (answer !== "accepted") {
        expect(`${answer.status} ${answer.issues[0]?.path} ${answer.issues[0]?.code}`, path).toBe(
          `400 ${field} input.nul`,
        );
      }
    }
  });
});
