import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { startTracing } from "../telemetry.ts";

export interface TestTracing {
  /** Every span ended so far in this process. */
  spans(): ReadableSpan[];
  stop(): Promise<void>;
}

/**
 * Turns tracing on for this test process with an in-memory exporter (what OTLP would have sent), so a
 * test reads the spans its requests and events made. Call it before booting the services.
 */
export async function startTestTracing(): Promise<TestTracing> {
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing("test", { exporter });
  if (!tracing) {
    throw new Error("tracing did not start");
  }
  return {
    spans: () => exporter.getFinishedSpans(),
    async stop() {
      await tracing.stop();
      exporter.reset();
    },
  };
}
