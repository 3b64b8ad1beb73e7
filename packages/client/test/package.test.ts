// The published shape of @vextrus/client, tried exactly as an integrator outside this repo would: build it,
// `npm pack`, `npm install <tarball>` into an empty folder, import it from plain Node 20 (.mjs) against a
// real tRPC server over HTTP (superjson Dates, token refresh), and type-check a TypeScript consumer against
// the installed package with TypeScript 5 and 7.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildClient } from "../build/build.ts";

const repo = join(import.meta.dir, "../../..");
const dist = join(import.meta.dir, "../dist");
let work = "";
let consumer = "";

async function run(cmd: string[], cwd: string): Promise<string> {
  const child = Bun.spawn(cmd, {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) {
    throw new Error(`${cmd.join(" ")} exited ${code}\n${stdout}\n${stderr}`);
  }
  return stdout;
}

beforeAll(async () => {
  await buildClient();
  work = await mkdtemp(join(tmpdir(), "vextrus-client-"));
  consumer = join(work, "consumer");
  await run(["mkdir", "-p", consumer], work);
  const packed = JSON.parse(await run(["npm", "pack", "--json", "--pack-destination", work], dist)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const tarball = join(work, packed[0]?.filename ?? "missing.tgz");
  await writeFile(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", tarball], consumer);
}, 600_000);

afterAll(async () => {
  if (work) {
    await rm(work, { recursive: true, force: true });
  }
});

test("the tarball holds JavaScript and one .d.ts that names no @vextrus/* package", async () => {
  const installed = join(consumer, "node_modules/@vextrus/client");
  expect((await readdir(installed)).sort()).toEqual(["README.md", "index.d.ts", "index.js", "package.json"]);
  const types = await readFile(join(installed, "index.d.ts"), "utf8");
  const code = await readFile(join(installed, "index.js"), "utf8");
  expect(types).not.toMatch(/@vextrus\/(?!client\b)/);
  expect(code).not.toMatch(/@vextrus\/(?!client\b)/);
  expect(types).not.toMatch(/from "\.\//);
  // Every service of the gateway is in the inlined router type.
  for (const service of [
    "auth",
    "organization",
    "masterData",
    "workflow",
    "rules",
    "audit",
    "notification",
    "webhooks",
  ]) {
    expect(types).toMatch(new RegExp(`^  ${service}: \\{$`, "m"));
  }
  const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  expect(Object.keys(manifest.dependencies as object).sort()).toEqual([
    "@trpc/client",
    "@trpc/server",
    "superjson",
  ]);
});

test("plain Node imports it and calls a tRPC server: superjson Dates both ways, one token refresh", async () => {
  await writeFile(
    join(consumer, "call.mjs"),
    `import { initTRPC, TRPCError } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import superjson from "superjson";
import { createVextrusClient, TRPCClientError } from "@vextrus/client";

const t = initTRPC.context().create({ transformer: superjson });
const refreshed = [];
const router = t.router({
  auth: t.router({
    refresh: t.procedure.input((raw) => raw).mutation(({ input }) => {
      refreshed.push(input.refreshToken);
      return { accessToken: "access-2", refreshToken: "refresh-2" };
    }),
  }),
  organization: t.router({
    companies: t.router({
      get: t.procedure.input((raw) => raw).query(({ ctx, input }) => {
        if (ctx.authorization !== "Bearer access-2") throw new TRPCError({ code: "UNAUTHORIZED" });
        return { id: input.id, since: input.since, createdAt: new Date("2026-01-02T03:04:05.000Z") };
      }),
    }),
  }),
});
const server = createHTTPServer({
  router,
  basePath: "/trpc/",
  createContext: ({ req }) => ({ authorization: req.headers.authorization }),
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = "http://127.0.0.1:" + server.address().port;
const saved = [];
const api = createVextrusClient({ url, token: "access-1", refreshToken: "refresh-1", onTokens: (pair) => saved.push(pair) });
const company = await api.organization.companies.get.query({ id: "c1", since: new Date("2025-12-31T00:00:00.000Z") });
const anonymous = createVextrusClient({ url, batch: false });
const refused = await anonymous.organization.companies.get.query({ id: "c1" }).catch((error) => error);
server.close();
console.log(JSON.stringify({
  node: process.version,
  createdAtIsDate: company.createdAt instanceof Date,
  createdAt: company.createdAt.toISOString(),
  sinceIsDate: company.since instanceof Date,
  refreshed,
  saved,
  refusedIsClientError: refused instanceof TRPCClientError,
  refusedCode: refused.data?.code,
}));
`,
  );
  const out = JSON.parse(await run(["node", "call.mjs"], consumer)) as Record<string, unknown>;
  expect(out.node).toStartWith("v20.");
  expect(out).toMatchObject({
    createdAtIsDate: true,
    createdAt: "2026-01-02T03:04:05.000Z",
    sinceIsDate: true,
    refreshed: ["refresh-1"],
    saved: [{ accessToken: "access-2", refreshToken: "refresh-2" }],
    refusedIsClientError: true,
    refusedCode: "UNAUTHORIZED",
  });
}, 60_000);

test("a TypeScript consumer type-checks against the installed package (TypeScript 5 and 7), and wrong calls do not", async () => {
  await writeFile(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
        lib: ["ESNext", "DOM"],
      },
      files: ["use.ts"],
    }),
  );
  await writeFile(
    join(consumer, "use.ts"),
    `import { createVextrusClient, type RouterInputs, type RouterOutputs, type VextrusClientError } from "@vextrus/client";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exact = <T extends true>(value: T) => value;

exact<Equal<RouterOutputs["organization"]["companies"]["get"]["createdAt"], Date>>(true);
exact<Equal<RouterOutputs["organization"]["companies"]["get"]["name"], string>>(true);
exact<Equal<RouterInputs["organization"]["companies"]["get"], { id: string }>>(true);
exact<Equal<RouterOutputs["organization"]["designations"]["create"]["approvalLimit"], string>>(true);
exact<Equal<RouterInputs["auth"]["refresh"], { refreshToken: string }>>(true);
exact<Equal<RouterInputs["workflow"]["tasks"]["approve"]["expectedVersion"], number>>(true);
exact<Equal<RouterOutputs["audit"]["events"]["list"]["items"][number]["time"], Date>>(true);

export async function use(error: VextrusClientError) {
  const api = createVextrusClient({ url: "http://localhost:3000", token: "t", locale: "bn" });
  const company = await api.organization.companies.get.query({ id: "x" });
  const year: number = company.createdAt.getFullYear();
  const code: string | undefined = error.data?.code;
  // @ts-expect-error a company's name is a string
  await api.organization.companies.create.mutate({ name: 5 });
  // @ts-expect-error there is no such procedure
  await api.organization.companies.destroy.mutate({ id: "x" });
  // @ts-expect-error a query is not a mutation
  await api.auth.me.mutate();
  return { year, code };
}
`,
  );
  await run(["node", join(repo, "node_modules/typescript5/bin/tsc"), "-p", "tsconfig.json"], consumer);
  await run([join(repo, "node_modules/.bin/tsc"), "-p", "tsconfig.json"], consumer);
  // The same consumer with one wrong line fails: the check is real.
  await writeFile(
    join(consumer, "use.ts"),
    `${await readFile(join(consumer, "use.ts"), "utf8")}\nexact<Equal<RouterOutputs["organization"]["companies"]["get"]["createdAt"], string>>(true);\n`,
  );
  const failed = await run(
    ["node", join(repo, "node_modules/typescript5/bin/tsc"), "-p", "tsconfig.json"],
    consumer,
  ).catch((e: unknown) => String(e));
  expect(failed).toMatch(/use\.ts\(\d+,\d+\): error TS\d+/);
}, 600_000);
