import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildCompany, type Company, defineProcess, startWorkflow, type WorkflowHarness } from "./harness.ts";

let h: WorkflowHarness;
let co: Company;

beforeAll(async () => {
  h = await startWorkflow("wf_free_form");
  co = await buildCompany(h, "freeform");
  await defineProcess(h, co);
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

interface Answer {
  status: number;
  message: string;
  issues: { path: string; code: string; message: string }[];
  requestId: string;
}

/**
 * `processes.start` with the input written as raw JSON text, as an attacker sends it: the typed
 * client (superjson) refuses to send `constructor` or `__proto__` keys at all.
 */
async function startRaw(inputJson: string, locale = "en"): Promise<Answer> {
  const res = await h.app.fetch(
    new Request("http://workflow.test/trpc/processes.start", {
      method: "POST",
      headers: {
        authorization: `Bearer ${co.engineer.token}`,
        "content-type": "application/json",
        "accept-language": locale,
      },
      body: `{"json":${inputJson}}`,
    }),
  );
  const body = (await res.json()) as {
    error?: { json: { message: string; data: { issues?: Answer["issues"]; requestId: string } } };
  };
  return {
    status: res.status,
    message: body.error?.json.message ?? "",
    issues: body.error?.json.data.issues ?? [],
    requestId: body.error?.json.data.requestId ?? "",
  };
}

const withData = (data: string, subject = '"Tiles"') =>
  `{"definitionKey":"purchase.requisition","subject":${subject},"amount":"1000","departmentId":"${co.departmentId}","data":${data}}`;

const processCount = async () =>
  (await h.sql<{ n: number }[]>`select count(*)::int as n from workflow.processes`)[0]?.n;

describe("free-form data is validated before it is stored", () => {
  test("a constructor.prototype key is a 400 naming it, and nothing is stored", async () => {
    const before = await processCount();
    const refused = await startRaw(withData('{ "constructor": { "prototype": { "x": 1 } } }'));
    expect(refused.status).toBe(400);
    expect(refused.issues[0]).toMatchObject({ path: "data.constructor", code: "input.key.forbidden" });
    expect(refused.message).toBe('data.constructor: "constructor" is not allowed as a key');
    expect(await processCount()).toBe(before);
  });

  test("a bare __proto__ key is refused, not silently dropped; nested prototype keys too", async () => {
    const bare = await startRaw(withData('{ "__proto__": { "admin": true }, "vendor": "BSRM" }'), "bn");
    expect(bare.status).toBe(400);
    expect(bare.issues[0]?.path).toBe("data.__proto__");
    expect(bare.message).toMatch(/^data\.__proto__: .*[\u0980-\u09FF]/);
    const nested = await startRaw(withData('{ "lines": [{ "item": "rod", "prototype": 1 }] }'));
    expect(nested.issues[0]?.path).toBe("data.lines.0.prototype");
  });

  test("NUL in the subject or in data, data too deep or too large: 400 naming the field", async () => {
    const nulSubject = await startRaw(withData("{}", '"Tiles\\u0000"'));
    expect(nulSubject.status).toBe(400);
    expect(nulSubject.issues[0]).toMatchObject({ path: "subject", code: "input.nul" });
    const nulData = await startRaw(withData('{ "vendor": "BS\\u0000RM" }'));
    expect(nulData.issues[0]).toMatchObject({ path: "data.vendor", code: "input.nul" });
    const deep = await startRaw(withData(`${'{"a":'.repeat(9)}1${"}".repeat(9)}`));
    expect(deep.status).toBe(400);
    expect(deep.issues[0]?.code).toBe("input.too_deep");
    const large = await startRaw(withData(`{ "notes": "${"x".repeat(33_000)}" }`));
    expect(large.status).toBe(400);
    expect(large.issues[0]).toMatchObject({ path: "data", code: "input.too_large" });
  });

  test("a row stored before these checks cannot break the process list, its reads or its decisions", async () => {
    const engineer = h.client(co.engineer.token);
    const { process, tasks } = await engineer.processes.start.mutate({
      definitionKey: "purchase.requisition",
      subject: "Cement",
      amount: "1000",
      departmentId: co.departmentId,
      data: { vendor: "Shah Cement" },
    });
    await h.sql`update workflow.processes
      set data = '{"constructor":{"prototype":{"x":1}},"vendor":"Shah Cement"}'::jsonb
      where id = ${process.id}`;
    const listed = await h.client(co.admin.token).processes.list.query({});
    expect(listed.items.find((p) => p.id === process.id)?.data).toEqual({ vendor: "Shah Cement" });
    const got = await h.client(co.admin.token).processes.get.query({ id: process.id });
    expect(got.process.data).toEqual({ vendor: "Shah Cement" });
    const task = tasks[0];
    if (!task) {
      throw new Error("no open task");
    }
    const decided = await h
      .client(co.pm.token)
      .tasks.approve.mutate({ taskId: task.id, expectedVersion: task.version });
    expect(decided.process.status).toBe("approved");
    const stored = await h.sql<
      { data: unknown }[]
    >`select data from workflow.processes where id = ${process.id}`;
    expect(JSON.stringify(stored[0]?.data)).toContain("constructor");
  });
});
