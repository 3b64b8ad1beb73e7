/**
 * The perimeter of `npm start`, run as users run it: every service listens on loopback only and
 * believes X-Forwarded-For only from the gateway in the same process, so per-address limits (auth's
 * sign-in limit) key on the client the gateway resolved; a service bounds tRPC batches itself.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { EMBEDDED_SERVICES, embeddedPorts, portVariable } from "./embedded-ports.ts";

const dataDir = mkdtempSync(join(tmpdir(), "vextrus-perimeter-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** An address of this machine that is not loopback, when it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((info) => info && info.family === "IPv4" && !info.internal)?.address;

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );

/**
 * A failed sign-in through the gateway as the client `address` (a proxy in front of it says so),
 * each for another account, so only the address limit can refuse it.
 */
async function signInAs(gateway: string, address: string): Promise<string> {
  const response = await fetch(`${gateway}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({
      json: {
        tenantSlug: "no-such-company",
        identifier: `spray-${Bun.randomUUIDv7()}@example.com`,
        password: "Spring2025!!x",
      },
    }),
  });
  const body = (await response.json()) as { error?: { json: { data: { appCode: string } } } };
  return body.error?.json.data.appCode ?? `status ${response.status}`;
}

test("npm start: services on loopback only, per-address limits through the gateway, batches bounded at a service", async () => {
  const ports = await embeddedPorts();
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...inherited } = process.env;
  const proc = Bun.spawn([process.execPath, "scripts/start.ts"], {
    env: {
      ...inherited,
      ...ports,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      LOGIN_IP_MAX_FAILURES: "5",
      // A reverse proxy on this machine in front of the gateway: its X-Forwarded-For is believed.
      TRUSTED_PROXIES: "127.0.0.1",
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  const gateway = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
  try {
    let ready = false;
    for (let i = 0; i < 900 && !ready; i++) {
      ready = await fetch(`${gateway}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) {
        await Bun.sleep(100);
      }
    }
    expect(ready).toBe(true);

    for (const service of EMBEDDED_SERVICES) {
      const port = ports[portVariable(service)];
      expect(await answers(`http://127.0.0.1:${port}/health/live`)).toBe(true);
      if (lanAddress) {
        expect({ service, reachable: await answers(`http://${lanAddress}:${port}/health/live`) }).toEqual({
          service,
          reachable: false,
        });
      }
    }

    // The gateway passes on the client it resolved and auth believes it from the gateway alone: the
    // client at .7 is limited after 5 failures, the client at .8 is not.
    const first = [];
    for (let i = 0; i < 6; i++) {
      first.push(await signInAs(gateway, "198.51.100.7"));
    }
    expect(first).toEqual([...Array(5).fill("auth.login.invalid"), "auth.login.ip_limited"]);
    expect(await signInAs(gateway, "198.51.100.8")).toBe("auth.login.invalid");

    // 150 calls in one batch straight to a service: refused before any call runs.
    const batch = await fetch(
      `http://127.0.0.1:${ports.ORGANIZATION_PORT}/trpc/${Array(150).fill("companies.list").join(",")}?batch=1`,
      { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
    );
    expect(batch.status).toBe(400);
    const refused = (await batch.json()) as { error: { json: { data: { appCode: string } } } };
    expect(refused.error.json.data.appCode).toBe("request.batch.too_large");
  } finally {
    proc.kill("SIGINT");
    const code = await proc.exited;
    if (code !== 0) {
      console.error(await new Response(proc.stderr).text());
    }
    expect(code).toBe(0);
  }
}, 180_000);
