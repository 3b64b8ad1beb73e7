import { expect, test } from "bun:test";
import {
  createVextrusClient,
  type RouterInputs,
  type RouterOutputs,
  TRPCClientError,
  type VextrusClient,
} from "../src/index.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exact = <T extends true>(value: T) => value;

// The types are the services' own: precise inputs and outputs, Dates as Dates, money as strings.
type Company = RouterOutputs["organization"]["companies"]["get"];
exact<Equal<Company["createdAt"], Date>>(true);
exact<Equal<Company["name"], string>>(true);
exact<Equal<RouterInputs["organization"]["companies"]["get"], { id: string }>>(true);
exact<Equal<RouterOutputs["organization"]["designations"]["create"]["approvalLimit"], string>>(true);
exact<Equal<RouterOutputs["auth"]["login"]["accessToken"], string>>(true);
exact<Equal<RouterInputs["auth"]["refresh"], { refreshToken: string }>>(true);
// rules-engine, workflow and audit are in the type too, as precisely.
type Started = RouterOutputs["workflow"]["processes"]["start"];
exact<Equal<Started["process"]["amount"], string>>(true);
exact<Equal<Started["process"]["createdAt"], Date>>(true);
exact<Equal<RouterInputs["workflow"]["processes"]["get"], { id: string }>>(true);
exact<Equal<RouterInputs["workflow"]["tasks"]["approve"]["expectedVersion"], number>>(true);
// The server owns the clock: escalateOverdue takes no time from the caller.
type EscalateInput = RouterInputs["workflow"]["escalateOverdue"];
exact<Equal<{ now: Date } extends EscalateInput ? true : false, false>>(true);
exact<Equal<RouterOutputs["rules"]["evaluate"]["evaluationId"], string>>(true);
exact<Equal<RouterInputs["rules"]["replay"], { evaluationId: string }>>(true);
exact<Equal<RouterOutputs["audit"]["events"]["list"]["items"][number]["time"], Date>>(true);
exact<Equal<RouterOutputs["audit"]["verify"]["ok"], boolean>>(true);

/** Never run: tsc must refuse each marked line. */
export function refusedByTheCompiler(api: VextrusClient) {
  // @ts-expect-error a company's name is a string
  void api.organization.companies.create.mutate({ name: 5 });
  // @ts-expect-error there is no such procedure
  void api.organization.companies.destroy.mutate({ id: "x" });
  // @ts-expect-error there is no such service
  void api.inventory.items.list.query();
  // @ts-expect-error a query is not a mutation
  void api.auth.me.mutate();
  const subject = 5;
  // @ts-expect-error a process subject is a string
  void api.workflow.processes.start.mutate({ definitionKey: "p", subject, amount: "1", departmentId: "x" });
  // @ts-expect-error evaluate is a mutation
  void api.rules.evaluate.query({ ruleSet: "tax.vat", facts: {} });
  // @ts-expect-error the audit log cannot be written through the API
  void api.audit.events.append.mutate({});
}

test("the client calls <gateway>/trpc/<service>.<procedure>, with the token and language asked for", async () => {
  const seen: { url: string; headers: Headers }[] = [];
  const api = createVextrusClient({
    url: "http://gateway.test:3000/",
    token: "access-token",
    locale: "bn",
    batch: false,
    fetch: async (url, init) => {
      seen.push({ url: String(url), headers: new Headers(init?.headers) });
      throw new TypeError("no network in this test");
    },
  });
  const error = await api.organization.companies.get
    .query({ id: "0198a4c2-0000-7000-8000-000000000001" })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  expect(seen[0]?.url).toStartWith("http://gateway.test:3000/trpc/organization.companies.get?input=");
  expect(seen[0]?.headers.get("authorization")).toBe("Bearer access-token");
  expect(seen[0]?.headers.get("accept-language")).toBe("bn");
});

test("rules-engine, workflow and audit are reached as rules.*, workflow.* and audit.*", async () => {
  const seen: string[] = [];
  const api = createVextrusClient({
    url: "http://gateway.test:3000",
    batch: false,
    fetch: async (url) => {
      seen.push(String(url));
      throw new TypeError("no network in this test");
    },
  });
  await Promise.allSettled([
    api.rules.ruleSets.get.query({ key: "purchase.approval" }),
    api.workflow.tasks.inbox.query({}),
    api.audit.events.list.query({}),
  ]);
  expect(seen.map((url) => new URL(url).pathname).sort()).toEqual([
    "/trpc/audit.events.list",
    "/trpc/rules.ruleSets.get",
    "/trpc/workflow.tasks.inbox",
  ]);
});

test("the bundle holds no server code: every service enters as types only", async () => {
  const built = await Bun.build({ entrypoints: [`${import.meta.dir}/../src/index.ts`], target: "browser" });
  expect(built.success).toBe(true);
  const code = (await Promise.all(built.outputs.map((output) => output.text()))).join("\n");
  expect(code).toContain("httpBatchLink");
  for (const serverOnly of [
    "drizzle-orm",
    "postgres",
    "kafkajs",
    "@vextrus/",
    "tenant_isolation",
    "Bun.password",
  ]) {
    expect(code.includes(serverOnly), serverOnly).toBe(false);
  }
});
