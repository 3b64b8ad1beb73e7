import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { RenderPool } from "./engine/pool.ts";

/** Business metrics of the document generator (no tenant ids as labels). */
export function createDocumentMetrics(registry: Registry, renderer: () => RenderPool | undefined) {
  const registers = [registry];
  return {
    renders: new Counter({
      name: "vextrus_document_generator_renders_total",
      help: "Documents rendered (previews and issues), by template and outcome",
      labelNames: ["template", "outcome"] as const,
      registers,
    }),
    renderSeconds: new Histogram({
      name: "vextrus_document_generator_render_duration_seconds",
      help: "Typst compile and PDF export time per document (queueing for a worker included)",
      labelNames: ["template"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    stepSeconds: new Histogram({
      name: "vextrus_document_generator_step_duration_seconds",
      help: "Time of each step of a render or issue (letterhead, number, taxes, render, record, store, finish)",
      labelNames: ["step"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    pages: new Counter({
      name: "vextrus_document_generator_pages_total",
      help: "PDF pages rendered",
      labelNames: ["template"] as const,
      registers,
    }),
    issued: new Counter({
      name: "vextrus_document_generator_documents_issued_total",
      help: "Documents issued (stored in file-storage and recorded)",
      labelNames: ["template"] as const,
      registers,
    }),
    batches: new Counter({
      name: "vextrus_document_generator_batches_completed_total",
      help: "Batches of documents completed (documents.batch)",
      labelNames: ["template"] as const,
      registers,
    }),
    verifications: new Counter({
      name: "vextrus_document_generator_verifications_total",
      help: "documents.verify answers, genuine or unknown",
      labelNames: ["outcome"] as const,
      registers,
    }),
    queued: new Gauge({
      name: "vextrus_document_generator_render_queue_jobs",
      help: "Renders waiting for a free Typst worker",
      registers,
      collect() {
        this.set(renderer()?.queued ?? 0);
      },
    }),
  };
}

export type DocumentMetrics = ReturnType<typeof createDocumentMetrics>;
