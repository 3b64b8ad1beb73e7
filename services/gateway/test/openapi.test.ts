/**
 * The REST face and its OpenAPI document, as an outside integrator meets them: the document at
 * `GET /openapi.json` is validated by an OpenAPI 3.1 validator, lists exactly the procedures the
 * routers have, and every GET-able operation plus a sample of mutations is called as a plain HTTP
 * client would (bare JSON, no tRPC envelope); each status is one the document lists and each body
 * matches the schema it gives. Every operation must describe its result (a `.output(…)` on each
 * procedure), so no body is "checked" against the empty schema. Real services, real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { chromium } from "playwright-core";
import { type SeededTenant, seedTenant } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";
import { catalog, type Procedure, validInput } from "./procedures.ts";

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
};

let services: RunningServices;
let gateway: RunningGateway;
let tenant: SeededTenant;
let token: string;
let document: Document;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

beforeAll(async () => {
  services = await startServices("openapi");
  gateway = startGateway(services.table);
  tenant = await seedTenant(gateway, "Openapi");
  token = tenant.registered.accessToken;
  const response = await fetch(`${gateway.url}/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as Document;
  ajv.addSchema(document, "openapi");
}, 180_000); // thirteen services and a seeded tenant: over 60 s on a loaded 2-core machine
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

const ownIds = (_path: string, entity: string) => tenant.ids[entity] ?? Bun.randomUUIDv7();

/** JSON Pointer escaping of one segment. */
const pointer = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

/** Whether `body` with `status` is an answer the document gives for the operation at `path`/`method`. */
function conforms(path: string, method: string, status: number, body: unknown): string | undefined {
  const operation = document.paths[path]?.[method];
  if (!operation) {
    return `${method} ${path} is not in the document`;
  }
  const response = operation.responses[String(status)];
  if (!response) {
    return `${method} ${path}: status ${status} is not documented (${Object.keys(operation.responses)})`;
  }
  const location = response.$ref
    ? `${response.$ref.replace("#", "")}/content/application~1json/schema`
    : `/paths/${pointer(path)}/${method}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(`openapi#${location}`);
  if (!validate) {
    return `no schema at ${location}`;
  }
  return validate(body) ? undefined : `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`;
}

async function call(
  method: "GET" | "POST",
  path: string,
  options: {
    body?: string;
    query?: URLSearchParams;
    headers?: Record<string, string>;
    token?: string | null;
  } = {},
) {
  const bearer = options.token === null ? undefined : (options.token ?? token);
  const response = await fetch(`${gateway.url}${path}${options.query?.size ? `?${options.query}` : ""}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...options.headers,
    },
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown, text };
}

const post = (path: string, input: unknown, options: Parameters<typeof call>[2] = {}) =>
  call("POST", path, { ...options, body: input === undefined ? undefined : JSON.stringify(input) });

describe("the document", () => {
  test("is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)", async () => {
    expect(document.openapi).toStartWith("3.1");
    const result = await new Validator().validate(
      structuredClone(document) as unknown as Parameters<Validator["validate"]>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test("has POST /api/<service>/<procedure> for exactly the procedures the routers have", () => {
    const documented = Object.entries(document.paths)
      .map(([path, item]) => {
        expect(item.post?.operationId).toBe(path.slice("/api/".length).replace("/", "."));
        return item.post?.operationId;
      })
      .sort();
    expect(documented).toEqual(
      catalog()
        .map((p) => p.path)
        .sort(),
    );
  });

  test("offers GET for queries only, and names their auth and error answers", () => {
    const byPath = new Map(catalog().map((p) => [p.path, p]));
    let gets = 0;
    for (const item of Object.values(document.paths)) {
      const procedure = byPath.get(item.post?.operationId ?? "");
      if (item.get) {
        gets++;
        expect(procedure?.type).toBe("query");
      }
      expect(item.post?.responses["400"]).toEqual({ $ref: "#/components/responses/BadRequest" });
    }
    expect(gets).toBeGreaterThan(20);
    const create = document.paths["/api/organization/companies.create"]?.post as unknown as {
      security: unknown[];
      description: string;
    };
    expect(create.security).toEqual([{ accessToken: [] }, { apiKey: [] }]);
    expect(create.description).toContain("organization:company:");
    const login = document.paths["/api/auth/login"]?.post as unknown as { security: unknown[] };
    expect(login.security).toEqual([]);
  });
  test("describes results field by field: required fields, null, Dates as date-time", () => {
    // The check is real: a body without the company's fields does not conform.
    expect(conforms("/api/organization/companies.get", "post", 200, { id: "x" })).toContain("required");
    type Schema = { type?: string; required?: string[]; properties?: Record<string, unknown> };
    const result = (path: string, method = "post") =>
      structuredClone(
        document.paths[path]?.[method]?.responses["200"]?.content?.["application/json"]?.schema,
      ) as Schema;
    const company = result("/api/organization/companies.get");
    expect(company.type).toBe("object");
    for (const field of ["id", "name", "createdAt", "version"]) {
      expect(company.required).toContain(field);
    }
    expect(company.properties?.createdAt).toEqual({ type: "string", format: "date-time", "x-date": true });
    const archivedAt = company.properties?.archivedAt as { anyOf?: { type?: string }[] } | undefined;
    expect((archivedAt?.anyOf ?? []).map((option) => option.type)).toContain("null");
    expect(result("/api/organization/companies.get", "get")).toEqual(company);
    expect(result("/api/organization/departments.list").required).toEqual(["items", "nextCursor"]);
  });

  test("describes money inputs as decimal strings, with an example", () => {
    type Body = { properties: Record<string, { type?: string; examples?: unknown[] }> };
    const body = document.paths["/api/organization/designations.create"]?.post as unknown as {
      requestBody: { content: { "application/json": { schema: Body } } };
    };
    const limit = body.requestBody.content["application/json"].schema.properties.approvalLimit;
    expect(limit?.type).toBe("string");
    expect(limit?.examples).toEqual(["1250000.00"]);
  });

  test("describes the result of every operation (each procedure declares `.output(…)`)", () => {
    // A procedure without `.output(…)` gets the empty schema `{}`, which any body matches: the body
    // checks below would pass without checking anything, so none may be left without one.
    const undescribed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(
          ([, op]) =>
            Object.keys(op.responses["200"]?.content?.["application/json"]?.schema ?? {}).length === 0,
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(undescribed).toEqual([]);
    expect(Object.keys(document.paths).length).toBe(catalog().length);
  });
});

describe("every GET-able operation, called with query parameters", () => {
  test("answers a documented status with a body matching the document", async () => {
    const byPath = new Map(catalog().map((p) => [p.path, p]));
    const failures: string[] = [];
    const statuses: Record<number, number> = {};
    for (const [path, item] of Object.entries(document.paths)) {
      if (!item.get) {
        continue;
      }
      const procedure = byPath.get(item.get.operationId.replace(/\.get$/, "")) as Procedure;
      // The tenant's own ids where the field names an entity it has one of; random ids elsewhere.
      const input = validInput(procedure, ownIds) as Record<string, unknown> | undefined;
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(input ?? {})) {
        query.set(name, String(value));
      }
      const answer = await call("GET", path, { query });
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const problem = conforms(path, "get", answer.status, answer.body);
      if (problem) {
        failures.push(problem);
      }
      if (answer.status >= 500) {
        failures.push(`GET ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
      }
      if (answer.status === 400) {
        failures.push(
          `GET ${path}?${query}: a generated valid input was refused: ${answer.text.slice(0, 300)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    // Lists and reads of the caller's own tenant answer; random ids are 404; platform-only ones 403.
    expect(statuses[200] ?? 0).toBeGreaterThan(20);
  }, 60_000);
});

describe("every other query, POSTed with a bare JSON body", () => {
  test("answers a documented status with a body matching the document (its result schema included)", async () => {
    const failures: string[] = [];
    let ok = 0;
    for (const procedure of catalog()) {
      const path = `/api/${procedure.path.replace(".", "/")}`;
      if (procedure.type !== "query" || document.paths[path]?.get) {
        continue;
      }
      const answer = await post(path, validInput(procedure, ownIds));
      ok += answer.status === 200 ? 1 : 0;
      const problem = conforms(path, "post", answer.status, answer.body);
      if (problem) {
        failures.push(problem);
      }
      if (answer.status >= 500) {
        failures.push(`POST ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(5);
  }, 120_000);
});

describe("mutations with a bare JSON body", () => {
  test("create, then read back through GET, with the answer the document describes", async () => {
    const created = await post("/api/organization/companies.create", { name: "Bashundhara Builders" });
    expect(created.status).toBe(200);
    expect(conforms("/api/organization/companies.create", "post", 200, created.body)).toBeUndefined();
    const company = created.body as { id: string; name: string; createdAt: string };
    expect(company.name).toBe("Bashundhara Builders");
    expect(new Date(company.createdAt).toISOString()).toBe(company.createdAt);
    // Slashes and dots name the same procedure.
    const read = await call("GET", "/api/organization/companies/get", {
      query: new URLSearchParams({ id: company.id }),
    });
    expect(read.status).toBe(200);
    expect((read.body as { id: string }).id).toBe(company.id);
  });

  test("bad input: 400 naming the field, in English or Bengali", async () => {
    for (const [language, expected] of [
      ["en", /name/],
      ["bn", /[\u0980-\u09FF]/],
    ] as const) {
      const answer = await post(
        "/api/organization/companies.create",
        {},
        { headers: { "accept-language": language } },
      );
      expect(answer.status).toBe(400);
      expect(conforms("/api/organization/companies.create", "post", 400, answer.body)).toBeUndefined();
      const { error } = answer.body as {
        error: { kind: string; message: string; issues: { path: string }[] };
      };
      expect(error.kind).toBe("VALIDATION");
      expect(error.issues[0]?.path).toBe("name");
      expect(error.message).toMatch(expected);
    }
  });

  test("no token: 401; a stale expectedVersion: 409; both as documented", async () => {
    const anonymous = await post("/api/organization/companies.create", { name: "X" }, { token: null });
    expect(anonymous.status).toBe(401);
    expect(conforms("/api/organization/companies.create", "post", 401, anonymous.body)).toBeUndefined();
    const created = (await post("/api/organization/companies.create", { name: "Stale Ltd" })).body as {
      id: string;
      version: number;
    };
    const stale = await post("/api/organization/companies.update", {
      id: created.id,
      expectedVersion: created.version + 5,
      name: "Stale Ltd 2",
    });
    expect(stale.status).toBe(409);
    expect(conforms("/api/organization/companies.update", "post", 409, stale.body)).toBeUndefined();
  });

  test("a Date field takes an ISO 8601 string (workflow.tasks.delegate)", async () => {
    const answer = await post("/api/workflow/tasks.delegate", {
      all: true,
      toUserId: tenant.ids.user,
      until: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    expect(answer.text).not.toContain('"path":"until"');
    expect(answer.status).toBe(200);
    const bad = await post("/api/workflow/tasks.delegate", {
      all: true,
      toUserId: tenant.ids.user,
      until: "next tuesday",
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe("until");
  });

  test("a sample of generated mutations answers as documented (no 500, no unlisted status)", async () => {
    const sample = [
      "organization.departments.create",
      "masterData.parties.create",
      "auth.roles.create",
      "config.flags.evaluate",
      "notification.inbox.markAllRead",
      "notification.inbox.streamTicket",
      "masterData.units.create",
      "workflow.definitions.create",
      "workflow.escalateOverdue",
      "rules.ruleSets.define",
      "rules.packs.install",
      "scheduler.jobs.create",
      "notification.preferences.set",
      "files.createUpload",
      "files.collect",
      "documents.texts.set",
      "config.set",
      "exports.create",
    ];
    const byPath = new Map(catalog().map((p) => [p.path, p]));
    let ok = 0;
    for (const name of sample) {
      const procedure = byPath.get(name) as Procedure;
      const input = validInput(procedure, ownIds);
      const path = `/api/${name.replace(".", "/")}`;
      const answer = await post(path, input);
      expect([name, answer.status, conforms(path, "post", answer.status, answer.body)]).toEqual([
        name,
        answer.status,
        undefined,
      ]);
      expect(answer.status).toBeLessThan(500);
      ok += answer.status === 200 ? 1 : 0;
    }
    // Generated inputs may be refused (a stale version, an unknown permission), but most are done and
    // their result checked against the document.
    expect(ok).toBeGreaterThanOrEqual(8);
  });
});

describe("what a plain HTTP client gets wrong", () => {
  test("GET on a mutation: 400 saying to POST, with Allow", async () => {
    const answer = await call("GET", "/api/organization/companies.create");
    expect(answer.status).toBe(400);
    expect(answer.headers.get("allow")).toBe("POST");
    expect((answer.body as { error: { message: string } }).error.message).toContain("POST");
  });

  test("a body that is not JSON: 400 input.unparsable", async () => {
    const answer = await call("POST", "/api/organization/companies.create", { body: "{name:" });
    expect(answer.status).toBe(400);
    expect((answer.body as { error: { appCode: string } }).error.appCode).toBe("input.unparsable");
  });

  test("an unknown service or procedure: 404 in the same error body", async () => {
    for (const path of ["/api/nowhere/things.list", "/api/organization/nothing.here"]) {
      const answer = await post(path, {});
      expect(answer.status).toBe(404);
      const { error } = answer.body as { error: { kind: string; requestId: string } };
      expect(error.kind).toBe("NOT_FOUND");
      expect(error.requestId).not.toBe("");
    }
  });
});

describe("a bare JSON body on /trpc", () => {
  test("is refused with what to send instead (not 'this field is required')", async () => {
    for (const language of ["en", "bn"]) {
      const response = await fetch(`${gateway.url}/trpc/organization.companies.create`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "accept-language": language,
        },
        body: JSON.stringify({ name: "Unwrapped Ltd" }),
      });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as {
        error: { json: { message: string; data: { appCode: string; issues: { code: string }[] } } };
      };
      expect(error.json.data.issues[0]?.code).toBe("input.unwrapped");
      expect(error.json.message).toContain('{"json": <input>}');
      expect(error.json.message).toContain("/api/<service>/<procedure>");
    }
    // The envelope itself still works, and so does no input at all.
    const wrapped = await fetch(`${gateway.url}/trpc/organization.companies.create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: { name: "Wrapped Ltd" } }),
    });
    expect(wrapped.status).toBe(200);
  });
});

/** Debian's Chromium (`.ci/run` installs it when missing); playwright's own browser download is not used. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("/docs in a real browser", () => {
  test("loads only our own files, finds a procedure, and its test request succeeds", async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)`,
      );
    }
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const tab = await browser.newPage();
      const elsewhere: string[] = [];
      tab.on("request", (request) => {
        const url = request.url();
        if (!url.startsWith(gateway.url) && !url.startsWith("data:") && !url.startsWith("blob:")) {
          elsewhere.push(url);
        }
      });
      await tab.goto(`${gateway.url}/docs`);
      const tokenInput = tab.locator("input[placeholder='Token']:visible").first();
      await tokenInput.waitFor({ timeout: 60_000 });
      await tokenInput.fill(token);
      // Find the procedure with the page's own search (Ctrl+K), as a reader would.
      await tab.keyboard.press("Control+k");
      await tab.keyboard.type("organization.companies.list");
      await tab
        .getByRole("option")
        .filter({ hasText: /HTTP Method: get[\s\S]*\/api\/organization\/companies\.list$/ })
        .first()
        .click();
      await tab
        .locator('[id$="GET/api/organization/companies.list"]')
        .getByRole("button", { name: /test request/i })
        .first()
        .click();
      const answered = tab.waitForResponse((r) => r.url().includes("/api/organization/companies.list"));
      await tab.getByRole("button", { name: /send/i }).first().click();
      const response = await answered;
      expect(response.status()).toBe(200);
      const body = (await response.json()) as { items: { name: string }[] };
      expect(body.items.map((c) => c.name)).toContain("Openapi Company");
      await tab.getByText("200 OK").first().waitFor();
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
