import { afterAll, expect, test } from "bun:test";
import { createLogger } from "@vextrus/platform";
import { passedHeaders, passedQuery, relay } from "../src/relay.ts";

const log = createLogger({ level: "error", write: () => {} });
const upstream = Bun.serve({
  port: 0,
  fetch: async (req) =>
    new Response(JSON.stringify({ got: await req.text(), secret: req.headers.get("cookie") }), {
      status: 202,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "set-cookie": "a=b",
        "content-disposition": 'attachment; filename="audit-2026-12-07.csv"',
      },
    }),
});
afterAll(() => upstream.stop(true));

test("only the named headers pass, and the answer streams back with its status and content type", async () => {
  const caller = new Headers({ authorization: "Bearer t", cookie: "session=1" });
  const headers = passedHeaders(caller, ["authorization"], { "x-request-id": "r1" });
  expect([...headers.keys()].sort()).toEqual(["authorization", "x-request-id"]);
  const res = await relay(
    `http://127.0.0.1:${upstream.port}/x`,
    { method: "POST", headers, body: "বাংলা" },
    {
      service: "notification",
      what: "test",
      requestId: "r1",
      log,
      answerHeaders: { "cache-control": "no-store" },
    },
  );
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ got: "বাংলা", secret: null });
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("x-request-id")).toBe("r1");
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.headers.get("content-disposition")).toBeNull();
});

test("an answer header named in answerPassed comes back as the service sent it; others stay behind", async () => {
  const res = await relay(
    `http://127.0.0.1:${upstream.port}/x`,
    { headers: passedHeaders(new Headers(), [], { "x-request-id": "r3" }) },
    { service: "audit", what: "test", requestId: "r3", log, answerPassed: ["content-disposition"] },
  );
  expect(res.headers.get("content-disposition")).toBe('attachment; filename="audit-2026-12-07.csv"');
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.headers.get("x-request-id")).toBe("r3");
});

test("a service that does not answer is a 503 naming it, without the transport's error", async () => {
  const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
  const url = `http://127.0.0.1:${closed.port}/x`;
  closed.stop(true);
  const res = await relay(url, {}, { service: "file-storage", what: "test", requestId: "r2", log });
  expect(res.status).toBe(503);
  const body = await res.text();
  expect(JSON.parse(body)).toEqual({
    error: {
      code: "SERVICE_UNAVAILABLE",
      message: "file-storage is not answering; try again shortly",
      requestId: "r2",
    },
  });
  expect(body).not.toMatch(/ECONNREFUSED|Unable to connect|at /);
});

test("only the named query parameters pass, each cut to the length given", () => {
  const caller = new Request(`http://gw.test/x?ticket=${"t".repeat(250)}&lastEventId=7&admin=1`);
  const target = passedQuery(caller, new URL("http://svc.test/inbox/stream"), ["ticket", "lastEventId"], 200);
  expect([...target.searchParams.keys()]).toEqual(["ticket", "lastEventId"]);
  expect(target.searchParams.get("ticket")).toBe("t".repeat(200));
  expect(target.searchParams.get("lastEventId")).toBe("7");
});
