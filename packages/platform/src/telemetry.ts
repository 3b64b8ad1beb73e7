/**
 * OpenTelemetry traces. Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set: then
 * `startTracing` installs one tracer provider per process (OTLP over HTTP, batched) and every span
 * helper below records. Off, every helper is one `undefined` check and the W3C traceparent still
 * travels (trace.ts), so a request costs what it cost before tracing existed.
 *
 * Context is not OTel's context manager: the current traceparent lives in trace.ts's AsyncLocalStorage
 * (set per request and per event) and each span's parent is built from a traceparent string. So an
 * incoming header, an event envelope and an outgoing call all continue the same trace by text.
 */
import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";
import { z } from "zod";

const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

/** `k=v,k2=v2` (values URL-encoded, as the OTel spec writes them) → a record; a bad pair is an issue. */
const KeyValueList = z
  .string()
  .default("")
  .transform((text, ctx) => {
    const out: Record<string, string> = {};
    for (const pair of text.split(",").filter((part) => part.trim() !== "")) {
      const at = pair.indexOf("=");
      const key = at > 0 ? pair.slice(0, at).trim() : "";
      if (!key) {
        ctx.addIssue({ code: "custom", message: `"${pair}" is not key=value` });
        return z.NEVER;
      }
      try {
        out[key] = decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        ctx.addIssue({ code: "custom", message: `"${pair}" has a badly encoded value` });
        return z.NEVER;
      }
    }
    return out;
  });

/** A URL, or unset; empty counts as unset (compose writes `${OTEL_EXPORTER_OTLP_ENDPOINT:-}` so). */
const OptionalUrl = z
  .union([z.literal(""), z.url({ protocol: /^https?$/ })])
  .optional()
  .transform((value) => value || undefined);

/** The standard OTEL_* settings this platform reads (a part of ServiceEnv; the gateway picks them too). */
export const TelemetryEnv = z.object({
  OTEL_SDK_DISABLED: z
    .enum(["true", "false"])
    .default("false")
    .describe("true: no spans even when an endpoint is set"),
  OTEL_EXPORTER_OTLP_ENDPOINT: OptionalUrl.describe(
    "OTLP/HTTP collector base URL (traces go to <it>/v1/traces); unset: tracing off",
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: OptionalUrl.describe(
    "OTLP/HTTP traces URL, used as is (wins over OTEL_EXPORTER_OTLP_ENDPOINT)",
  ),
  OTEL_EXPORTER_OTLP_HEADERS: KeyValueList.describe("headers sent to the collector, k=v,k2=v2"),
  OTEL_SERVICE_NAME: z
    .string()
    .min(1)
    .optional()
    .describe("service.name of the spans (default: the service)"),
  OTEL_RESOURCE_ATTRIBUTES: KeyValueList.describe("extra resource attributes, k=v,k2=v2"),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default("parentbased_always_on"),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});
export type TelemetryEnv = z.infer<typeof TelemetryEnv>;

/** Where spans go: the OTLP endpoint of the settings, or (tests) an exporter given in code. */
export type TracingTarget = { env: TelemetryEnv } | { exporter: SpanExporter; env?: TelemetryEnv };

let provider: TracerProvider | undefined;
let users = 0;
const tracers = new Map<string, Tracer>();

/** The OTLP traces URL of the settings, or undefined when tracing is off. */
export function tracesEndpoint(env: TelemetryEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED === "true") {
    return undefined;
  }
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  }
  return env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`
    : undefined;
}

export interface Tracing {
  readonly name: string;
  /** Flushes what is buffered; the last user's stop shuts the provider down. */
  stop(): Promise<void>;
}

/**
 * Turns tracing on for this process when the settings (or a test) say so; a no-op otherwise. One
 * provider per process: an embedded start's services share it (its service.name is OTEL_SERVICE_NAME
 * or the first service's; each span names its own service in `vextrus.service` and its scope).
 * The SDK is loaded only here, so a process with tracing off never loads it.
 */
export async function startTracing(service: string, target: TracingTarget): Promise<Tracing | undefined> {
  const env = target.env ?? TelemetryEnv.parse({});
  const url = "exporter" in target ? undefined : tracesEndpoint(env);
  if (!("exporter" in target) && !url) {
    return undefined;
  }
  if (!provider) {
    const sdk = await import("@opentelemetry/sdk-trace");
    const { resourceFromAttributes } = await import("@opentelemetry/resources");
    let processor: InstanceType<typeof sdk.SimpleSpanProcessor> | InstanceType<typeof sdk.BatchSpanProcessor>;
    if ("exporter" in target) {
      // A test's in-memory exporter: every span is there as soon as it ends.
      processor = new sdk.SimpleSpanProcessor({ exporter: target.exporter });
    } else {
      const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
      const exporter = new OTLPTraceExporter({ url, headers: env.OTEL_EXPORTER_OTLP_HEADERS });
      processor = new sdk.BatchSpanProcessor({ exporter });
    }
    provider = new sdk.TracerProvider({
      resource: resourceFromAttributes({
        ...env.OTEL_RESOURCE_ATTRIBUTES,
        "service.name": env.OTEL_SERVICE_NAME ?? service,
      }),
      sampler: sampler(sdk, env),
      spanProcessors: [processor],
    });
  }
  users += 1;
  let stopped = false;
  return {
    name: "tracing",
    async stop() {
      if (stopped || !provider) {
        return;
      }
      stopped = true;
      users -= 1;
      const current = provider;
      if (users > 0) {
        await current.forceFlush();
        return;
      }
      provider = undefined;
      tracers.clear();
      await current.shutdown();
    },
  };
}

function sampler(sdk: typeof import("@opentelemetry/sdk-trace"), env: TelemetryEnv) {
  const ratio = new sdk.TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG);
  switch (env.OTEL_TRACES_SAMPLER) {
    case "always_on":
      return new sdk.AlwaysOnSampler();
    case "always_off":
      return new sdk.AlwaysOffSampler();
    case "traceidratio":
      return ratio;
    case "parentbased_always_off":
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new sdk.ParentBasedSampler({ root: ratio });
    default:
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
  }
}

/** Whether spans are being recorded in this process. */
export const tracingOn = (): boolean => provider !== undefined;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The span context a traceparent names (remote), or undefined for a missing or malformed one. */
function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!match?.[1] || !match[2] || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) {
    return undefined;
  }
  return {
    traceId: match[1],
    spanId: match[2],
    traceFlags: Number.parseInt(match[3] ?? "0", 16),
    isRemote: true,
  };
}

function parentContext(traceparent: string | undefined): Context {
  const parent = spanContextOf(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/** The traceparent naming a span: what a call or an event carries to continue under it. */
export function traceparentOfSpan(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

const KINDS = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
} as const;

export interface SpanSpec {
  /** The service whose work this is (the tracer's scope and `vextrus.service`). */
  service: string;
  name: string;
  kind: keyof typeof KINDS;
  attributes?: Attributes;
  /** Traceparents this span relates to without being their child (a batch's events). */
  links?: readonly (string | undefined)[];
}

/**
 * A span continuing `parent` (a traceparent; none or a malformed one starts a trace), or undefined
 * when tracing is off. The caller ends it (`endSpan`).
 */
export function startSpan(spec: SpanSpec, parent: string | undefined): Span | undefined {
  if (!provider) {
    return undefined;
  }
  let tracer = tracers.get(spec.service);
  if (!tracer) {
    tracer = provider.getTracer(`vextrus.${spec.service}`);
    tracers.set(spec.service, tracer);
  }
  const links: Link[] = [];
  for (const link of spec.links ?? []) {
    const context = spanContextOf(link);
    if (context) {
      links.push({ context });
    }
  }
  return tracer.startSpan(
    spec.name,
    {
      kind: KINDS[spec.kind],
      attributes: { "vextrus.service": spec.service, ...spec.attributes },
      links,
    },
    parentContext(parent),
  );
}

/** Ends a span; a failure marks it as an error (its message only: no stack leaves the process). */
export function endSpan(span: Span | undefined, failure?: unknown): void {
  if (!span) {
    return;
  }
  if (failure !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: failure instanceof Error ? failure.message : String(failure),
    });
  }
  span.end();
}

/** Runs `fn` in a span (when tracing is on), ending it when `fn` settles. */
export async function inSpan<T>(
  spec: SpanSpec,
  parent: string | undefined,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const span = startSpan(spec, parent);
  if (!span) {
    return fn(undefined);
  }
  try {
    const result = await fn(span);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}
