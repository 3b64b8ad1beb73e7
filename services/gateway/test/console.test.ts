/**
 * The console's static files at `/`: files with the right caching, index.html for the app's screens
 * (with a CSP), and never in the way of the API, health, metrics or docs paths.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@vextrus/platform";
import { createGateway } from "../src/app.ts";
import { pagePolicy } from "../src/console.ts";

const dir = mkdtempSync(join(tmpdir(), "vextrus-console-"));
mkdirSync(join(dir, "assets"));
writeFileSync(join(dir, "index.html"), "<!doctype html><title>console</title>");
writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log('app')");
writeFileSync(join(dir, "favicon.svg"), "<svg/>");
const secret = mkdtempSync(join(tmpdir(), "vextrus-secret-"));
writeFileSync(join(secret, "key.txt"), "do not serve");
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(secret, { recursive: true, force: true });
});

const gateway = (consoleDir: string | undefined) =>
  createGateway({
    services: { organization: "http://127.0.0.1:9" },
    log: createLogger({ level: "error" }),
    consoleDir,
  });
const app = gateway(dir);
const get = (path: string, init?: RequestInit) => app.fetch(new Request(`http://gateway.test${path}`, init));

describe("the console at /", () => {
  test("/ and every screen path answer index.html, revalidated, with a same-origin CSP", async () => {
    for (const path of ["/", "/inbox", "/processes/0193b2c4-0000-7000-8000-000000000000", "/login?next=x"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toStartWith("text/html");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await response.text()).toContain("<title>console</title>");
    }
  });

  test("a page's inline scripts are allowed by their SHA-256 and nothing else inline; no inline script, no hash", () => {
    const body = "window.early = 1;";
    const hash = new Bun.CryptoHasher("sha256").update(body).digest("base64");
    const policy = pagePolicy(
      `<html><head><script>${body}</script><script type="module" src="/a.js"></script>`,
    );
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}';`);
    expect(policy).not.toContain("unsafe-inline");
    expect(pagePolicy('<html><script src="/a.js"></script>')).toContain("script-src 'self';");
  });

  test("hashed assets are immutable; other files revalidate; HEAD works", async () => {
    const asset = await get("/assets/index-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(await asset.text()).toBe("console.log('app')");
    expect((await get("/favicon.svg")).headers.get("cache-control")).toBe("no-cache");
    expect((await get("/", { method: "HEAD" })).status).toBe(200);
  });

  test("a missing file is a 404, not the page; nothing outside the folder is served", async () => {
    const missing = await get("/assets/gone-123.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/json");
    for (const path of [
      `/..%2f${secret.split("/").pop()}%2fkey.txt`,
      "/%2e%2e/%2e%2e/etc/passwd",
      "/a%00b",
    ]) {
      const body = await (await get(path)).text();
      expect(body).not.toContain("do not serve");
      expect(body).not.toContain("root:");
    }
  });

  test("API, health, metrics and docs paths are never the console's", async () => {
    expect((await get("/health/live")).headers.get("content-type")).toContain("application/json");
    expect((await get("/metrics")).headers.get("content-type")).toContain("text/plain");
    // The gateway's own pages answer for themselves: the API reference and its document.
    for (const path of ["/docs", "/openapi.json"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.text()).not.toContain("<title>console</title>");
    }
    for (const path of [
      "/api/anything",
      "/docs/x",
      "/health/nope",
      "/files/abc",
      "/notifications/x",
      "/trpc",
    ]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
    }
    // A POST to a screen path is not a page either.
    expect((await get("/inbox", { method: "POST" })).status).toBe(404);
  });

  test("an unbuilt console says how to build it; without a folder the gateway serves the API only", async () => {
    const empty = mkdtempSync(join(tmpdir(), "vextrus-unbuilt-"));
    try {
      const response = await gateway(empty).fetch(new Request("http://gateway.test/"));
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("npm install");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect((await gateway(undefined).fetch(new Request("http://gateway.test/"))).status).toBe(404);
  });
});
