// Outbound webhook attempts against a real HTTP receiver on localhost that verifies each signature with the
// `standardwebhooks` package (the reference implementation receivers use); the SSRF guard; the retry
// schedule and event-type patterns.
import { afterAll, describe, expect, test } from "bun:test";
import { AppError } from "@vextrus/platform";
import { Webhook } from "standardwebhooks";
import { matches, nextAttemptAt, RETRY_WINDOW_MS, sendWebhook } from "../src/domain/webhooks/send.ts";
import { newSecret, secretKey, sign } from "../src/domain/webhooks/signing.ts";
import { checkTarget, isBlockedAddress } from "../src/domain/webhooks/target.ts";

const secret = newSecret();
const receiver = new Webhook(secret);
const received: { verified: unknown; error: string | null; headers: Record<string, string> }[] = [];
let answer = 204;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const body = await req.text();
    const headers = Object.fromEntries(req.headers.entries());
    const url = new URL(req.url);
    if (url.pathname === "/redirect") {
      return Response.redirect("http://169.254.169.254/latest/meta-data/", 302);
    }
    try {
      received.push({ verified: receiver.verify(body, headers), error: null, headers });
    } catch (error) {
      received.push({ verified: null, error: String(error), headers });
    }
    return new Response(null, { status: answer });
  },
});
const url = `http://127.0.0.1:${server.port}/hooks`;
afterAll(() => server.stop(true));

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as AppError,
  );

describe("a delivery attempt", () => {
  test("is signed so the standardwebhooks verifier accepts it; the same message id on every attempt", async () => {
    received.length = 0;
    const body = JSON.stringify({
      type: "vextrus.workflow.task.approved",
      data: { id: "t1", amount: "1250000.00" },
    });
    const base = { url, secret, messageId: "msg_0193", body, timeoutMs: 5_000, allowPrivate: true };
    const first = await sendWebhook({ ...base, at: new Date() });
    expect(first).toMatchObject({ ok: true, status: 204, error: null });
    const second = await sendWebhook({ ...base, at: new Date() });
    expect(second.ok).toBe(true);
    expect(received.map((r) => r.error)).toEqual([null, null]);
    expect(received[0]?.verified).toEqual(JSON.parse(body));
    expect(received.map((r) => r.headers["webhook-id"])).toEqual(["msg_0193", "msg_0193"]);
    expect(received[0]?.headers["content-type"]).toBe("application/json");
  });

  test("signed with another secret, or tampered, or stale, the receiver refuses it", async () => {
    const body = JSON.stringify({ hello: "world" });
    const wrong = sign(newSecret(), "msg_1", new Date(), body);
    expect(() => receiver.verify(body, wrong as unknown as Record<string, string>)).toThrow();
    const right = sign(secret, "msg_1", new Date(), body);
    expect(() => receiver.verify(`${body} `, right as unknown as Record<string, string>)).toThrow();
    const stale = sign(secret, "msg_1", new Date(Date.now() - 3_600_000), body);
    expect(() => receiver.verify(body, stale as unknown as Record<string, string>)).toThrow();
    expect(receiver.verify(body, right as unknown as Record<string, string>)).toEqual({ hello: "world" });
  });

  test("a non-2xx answer, a refused connection and a redirect are failures with what happened", async () => {
    answer = 503;
    const base = {
      secret,
      messageId: "msg_2",
      body: "{}",
      at: new Date(),
      timeoutMs: 5_000,
      allowPrivate: true,
    };
    expect(await sendWebhook({ ...base, url })).toMatchObject({
      ok: false,
      status: 503,
      error: "answered 503",
    });
    answer = 204;
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const closedUrl = `http://127.0.0.1:${closed.port}/`;
    closed.stop(true);
    const refused = await sendWebhook({ ...base, url: closedUrl });
    expect(refused.ok).toBe(false);
    expect(refused.status).toBeNull();
    expect(refused.error).toBeTruthy();
    // Redirects are not followed (they could lead inside our network): the 302 is the outcome.
    const redirected = await sendWebhook({ ...base, url: `http://127.0.0.1:${server.port}/redirect` });
    expect(redirected).toMatchObject({ ok: false, status: 302 });
  });

  test("in production mode, an attempt to a loopback target is refused before any request", async () => {
    received.length = 0;
    const outcome = await sendWebhook({
      url,
      secret,
      messageId: "msg_3",
      body: "{}",
      at: new Date(),
      timeoutMs: 5_000,
      allowPrivate: false,
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain("127.0.0.1");
    expect(received).toEqual([]);
  });
});

describe("the SSRF guard (production mode)", () => {
  test("refuses loopback, link-local, private and mapped addresses, naming the field in English and Bengali", async () => {
    for (const target of [
      "http://127.0.0.1:8080/x",
      "http://localhost/x",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.1.2.3/",
      "http://172.20.0.5/",
      "http://192.168.1.10/",
      "http://100.64.0.1/",
      "http://[::1]/",
      "http://[fe80::1]/",
      "http://[fd00::5]/",
      "http://[::ffff:10.0.0.1]/",
      "http://0.0.0.0/",
    ]) {
      const error = await refusal(checkTarget(target, { allowPrivate: false }));
      expect(error, target).toBeInstanceOf(AppError);
      expect(error?.kind).toBe("VALIDATION");
      expect(error?.field).toBe("url");
      expect(error?.code).toBe("webhooks.url.refused");
      expect(error?.text.en).toContain("private");
      expect(error?.text.bn).toContain("প্রাইভেট");
    }
  });

  test("refuses other schemes and credentials in the URL; a public address passes; tests may allow localhost", async () => {
    for (const target of [
      "ftp://example.com/",
      "file:///etc/passwd",
      "not a url",
      "https://user:pw@example.com/",
    ]) {
      expect((await refusal(checkTarget(target, { allowPrivate: false })))?.field, target).toBe("url");
    }
    expect(await checkTarget("https://93.184.215.14/hooks", { allowPrivate: false })).toBe(
      "https://93.184.215.14/hooks",
    );
    expect(await checkTarget(url, { allowPrivate: true })).toBe(url);
    expect(isBlockedAddress("8.8.8.8")).toBe(false);
    expect(isBlockedAddress("2606:4700:4700::1111")).toBe(false);
    expect(isBlockedAddress("not-an-ip")).toBe(true);
  });

  test("a malformed secret is a 400 on `secret`", () => {
    for (const bad of ["", "whsec_", "whsec_c2hvcnQ=", "secret-without-prefix-but-long-enough-000000"]) {
      expect(() => secretKey(bad)).toThrow(AppError);
    }
    expect(secretKey(newSecret())).toHaveLength(32);
  });
});

describe("retries and patterns", () => {
  test("back off 5 s, 5 min, 30 min, 2 h, 5 h, 10 h … and stop 24 h after the first attempt", () => {
    const first = new Date("2026-12-07T00:00:00Z");
    let now = first;
    const waits: number[] = [];
    for (let failures = 1; failures < 20; failures++) {
      const next = nextAttemptAt(first, failures, now);
      if (!next) {
        break;
      }
      waits.push(next.getTime() - now.getTime());
      now = next;
    }
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000]);
    expect(now.getTime() - first.getTime()).toBeLessThanOrEqual(RETRY_WINDOW_MS);
  });

  test("an exact type, a prefix with .*, or * match; nothing else does", () => {
    expect(matches("vextrus.workflow.task.approved", "vextrus.workflow.task.approved")).toBe(true);
    expect(matches("vextrus.workflow.*", "vextrus.workflow.task.approved")).toBe(true);
    expect(matches("*", "vextrus.auth.user.created")).toBe(true);
    expect(matches("vextrus.workflow.*", "vextrus.workflowx.task.approved")).toBe(false);
    expect(matches("vextrus.workflow.task", "vextrus.workflow.task.approved")).toBe(false);
  });
});
