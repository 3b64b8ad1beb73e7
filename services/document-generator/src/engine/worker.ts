/**
 * A render worker: one Typst compiler in a thread of its own, so a long document (5,000 lines is
 * seconds of layout) never stalls the service's event loop. Messages: `Job` in, `Done` out.
 */
import { createTypstEngine, TemplateError } from "./typst.ts";

declare const self: Worker;

export interface Job {
  id: number;
  file: string;
  data: unknown;
  assets: [string, Uint8Array][];
  createdAt: number;
}

export type Done =
  | { id: number; ok: true; pdf: Uint8Array; pages: number }
  | { id: number; ok: false; template: boolean; message: string; diagnostics: string };

const engine = createTypstEngine();

self.onmessage = (event: MessageEvent<Job>) => {
  const job = event.data;
  let done: Done;
  try {
    const out = engine.compile({
      file: job.file,
      data: job.data,
      assets: new Map(job.assets),
      createdAt: new Date(job.createdAt),
    });
    done = { id: job.id, ok: true, pdf: out.pdf, pages: out.pages };
  } catch (error) {
    done = {
      id: job.id,
      ok: false,
      template: error instanceof TemplateError,
      message: error instanceof Error ? error.message : String(error),
      diagnostics: error instanceof TemplateError ? JSON.stringify(error.diagnostics).slice(0, 4000) : "",
    };
  }
  self.postMessage(done, done.ok ? [done.pdf.buffer as ArrayBuffer] : []);
};
