// OpenTelemetry settings and export: the standard OTEL_* variables parsed in the env schema, tracing
// off unless an endpoint is set, and spans reaching an OTLP/HTTP collector (a fake one on localhost:
// the collector is the outside world) with the trace the caller sent.
import { afterAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import {
  createLogger,
  createMetrics,
  createService,
  createServiceClient,
  EnvError,
  initServiceTrpc,
  readEnv,
  ServiceEnv,
  startTracing,
  TelemetryEnv,
  tracesEndpoint,
  tracingOn,
} from "../src/index.ts";

const parse = (raw: Record<string, string>) => readEnv(TelemetryEnv, raw);

describe("settings", () => {
  test("no endpoint: tracing off; the base endpoint gets /v1/traces; the traces endpoint wins; disabled wins", () => {
    expect(tracesEndpoint(parse({}))).toBeUndefined();
    expect(tracesEndpoint(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }))).toBe(
      "http://collector:4318/v1/traces",
    );
    expect(
      tracesEndpoint(
        parse({
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://other:9999/traces",
        }),
      ),
    ).toBe("http://other:9999/traces");
    expect(
      tracesEndpoint(
        parse({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }),
      ),
    ).toBeUndefined();
  });

  test("headers and resource attributes are k=v lists (values URL-decoded); a bad one names the variable", () => {
    const env = parse({
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=abc%3D%3D, x-team=ops",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod",
    });
    expect(env.OTEL_EXPORTER_OTLP_HEADERS).toEqual({ "api-key": "abc==", "x-team": "ops" });
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toEqual({ "deployment.environment": "prod" });
    for (const [name, value] of [
      ["OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"],
      ["OTEL_EXPORTER_OTLP_ENDPOINT", "not a url"],
      ["OTEL_TRACES_SAMPLER", "sometimes"],
      ["OTEL_TRACES_SAMPLER_ARG", "2"],
    ] as const) {
      try {
        readEnv(ServiceEnv, { [name]: value });
        throw new Error(`${name}=${value} was accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(EnvError);
        expect((error as EnvError).problems.join("\n")).toContain(name);
      }
    }
  });

  test("every service's env reads them (they are part of ServiceEnv)", () => {
    const env = readEnv(ServiceEnv, { OTEL_SERVICE_NAME: "organization-a" });
    expect(env.OTEL_SERVICE_NAME).toBe("organization-a");
    expect(env.OTEL_TRACES_SAMPLER).toBe("parentbased_always_on");
  });

  test("without an endpoint startTracing does nothing", async () => {
    expect(await startTracing("off", { env: parse({}) })).toBeUndefined();
    expect(tracingOn()).toBe(false);
  });
});

describe("OTLP export", () => {
  const received: { path: string; headers: Headers; body: unknown }[] = [];
  const collector = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      received.push({
        path: new URL(request.url).pathname,
        headers: request.headers,
        body: await request.json(),
      });
      return Response.json({});
    },
  });
  afterAll(() => collector.stop(true));

  const { router, publicProcedure } = initServiceTrpc<Record<string, never>>();
  const quiet = createLogger({ level: "error", write: () => {} });
  const serve = (app: { fetch: (request: Request) => Response | Promise<Response> }) =>
    Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  const inner = serve(
    createService({
      name: "inner",
      version: "0",
      router: router({ ping: publicProcedure.query(() => "pong") }),
      deps: {},
      log: quiet,
      metrics: createMetrics("inner"),
      checks: {},
    }),
  );
  const innerClient = createServiceClient({
    service: "inner",
    url: inner.url.origin,
    timeoutMs: 2_000,
    caller: "outer",
  });
  const outer = serve(
    createService({
      name: "outer",
      version: "0",
      router: router({
        relay: publicProcedure.query(({ ctx }) => innerClient.query("ping", undefined, z.string(), ctx)),
      }),
      deps: {},
      log: quiet,
      metrics: createMetrics("outer"),
      checks: {},
    }),
  );
  afterAll(() => {
    inner.stop(true);
    outer.stop(true);
  });

  test("a request's spans in two services reach the collector as one trace, with the configured headers", async () => {
    const tracing = await startTracing("outer", {
      env: parse({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`,
        OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=s3cret",
        OTEL_SERVICE_NAME: "vextrus-test",
      }),
    });
    expect(tracing).toBeDefined();
    expect(tracingOn()).toBe(true);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const answer = await fetch(`${outer.url.origin}/trpc/relay`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(answer.status).toBe(200);
    await tracing?.stop(); // flushes the batch
    expect(tracingOn()).toBe(false);

    expect(received.length).toBeGreaterThan(0);
    expect(received[0]?.path).toBe("/v1/traces");
    expect(received[0]?.headers.get("x-collector-key")).toBe("s3cret");
    type Otlp = {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { scope: { name: string }; spans: { traceId: string; name: string; kind: number }[] }[];
      }[];
    };
    const batches = received.map((r) => r.body as Otlp).flatMap((body) => body.resourceSpans);
    const serviceName = batches[0]?.resource.attributes.find((a) => a.key === "service.name")?.value
      .stringValue;
    expect(serviceName).toBe("vextrus-test");
    const spans = batches.flatMap((b) =>
      b.scopeSpans.flatMap((s) => s.spans.map((span) => ({ scope: s.scope.name, ...span }))),
    );
    // OTLP/JSON carries ids as hex strings.
    const ours = spans.filter((span) => span.traceId === traceId).map((span) => `${span.scope} ${span.name}`);
    expect(ours.sort()).toEqual(
      ["vextrus.inner GET /trpc/ping", "vextrus.outer GET /trpc/relay", "vextrus.outer inner/ping"].sort(),
    );
  });

  test("with tracing off again, nothing more reaches the collector", async () => {
    const before = received.length;
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const answer = await fetch(`${outer.url.origin}/trpc/relay`, {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(answer.status).toBe(200);
    await Bun.sleep(50);
    expect(received.length).toBe(before);
  });
});
