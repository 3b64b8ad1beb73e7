/**
 * X-Forwarded-For is believed only from TRUSTED_PROXIES (default: nobody), everywhere it is read.
 * There is one reader: the platform's listen() resolves the client's address from the socket's peer and,
 * only when that peer is a trusted proxy, the header (packages/platform/test/client-address.test.ts
 * proves the resolution; services/auth/test/client-address.test.ts and scripts/start-perimeter.test.ts
 * prove it on a running service). This suite keeps it the only one, and the default empty everywhere.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./test-infra/process.ts";

/** Headers a client can forge to claim another address. */
const ADDRESS_HEADERS =
  /["'`](x-forwarded-for|x-real-ip|forwarded|cf-connecting-ip|true-client-ip|x-client-ip|x-cluster-client-ip|fastly-client-ip)["'`]/gi;

/** The only files that may name one, and what each does with it. */
const ALLOWED: Record<string, string> = {
  // Reads it, through resolveClientAddress, and only for a peer in TRUSTED_PROXIES.
  "packages/platform/src/serve.ts": 'request.headers.get("x-forwarded-for")',
  // Sets it (never copies the caller's) to the address the gateway resolved.
  "services/gateway/src/proxy.ts": 'headers["x-forwarded-for"] = address',
};

function sourceFiles(): string[] {
  return ["packages", "services", "apps"].flatMap((top) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(repoRoot, top));
    } catch {
      return [];
    }
    return entries.flatMap((name) =>
      [...new Bun.Glob("src/**/*.{ts,tsx}").scanSync(join(repoRoot, top, name))].map((file) =>
        join(top, name, file),
      ),
    );
  });
}

test("only the platform's listen() reads a forwarded address header; the gateway only overwrites it", () => {
  const files = sourceFiles();
  expect(files.length).toBeGreaterThan(100);
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(repoRoot, file), "utf8");
    for (const match of text.matchAll(ADDRESS_HEADERS)) {
      const line = text
        .slice(text.lastIndexOf("\n", match.index) + 1, text.indexOf("\n", match.index))
        .trim();
      if (/^(\/\/|\/\*|\*)/.test(line)) {
        continue; // a comment naming the header
      }
      const expected = ALLOWED[file];
      if (!expected || !line.includes(expected)) {
        found.push(`${file}: ${line}`);
      }
    }
  }
  expect(found).toEqual([]);
  // The allowed uses are still there (a rename would otherwise leave this suite checking nothing).
  for (const [file, use] of Object.entries(ALLOWED)) {
    expect(readFileSync(join(repoRoot, file), "utf8")).toContain(use);
  }
});

test("the scan is not blind: a service reading X-Real-IP itself would be reported", () => {
  const sample = 'const ip = c.req.header("X-Real-IP") ?? c.req.header(`forwarded`);';
  expect([...sample.matchAll(ADDRESS_HEADERS)].map((m) => m[1]?.toLowerCase())).toEqual([
    "x-real-ip",
    "forwarded",
  ]);
});

test("every service's TRUSTED_PROXIES defaults to nobody", async () => {
  const services = readdirSync(join(repoRoot, "services"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  for (const name of services) {
    const module: Record<string, unknown> = await import(join(repoRoot, "services", name, "src/env.ts"));
    const schema = Object.entries(module).find(([key]) => key.endsWith("Env"))?.[1] as
      | { shape?: Record<string, { parse: (value: unknown) => unknown }> }
      | undefined;
    const setting = schema?.shape?.TRUSTED_PROXIES;
    expect({ name, has: typeof setting?.parse }).toEqual({ name, has: "function" });
    const trusted = setting?.parse(undefined) as (address: string) => boolean;
    expect({ name, trusted: ["127.0.0.1", "10.0.0.1", "172.30.0.10", "::1"].filter(trusted) }).toEqual({
      name,
      trusted: [],
    });
  }
});
