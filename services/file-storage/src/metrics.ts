import type { Database } from "@vextrus/platform/db";
import { Counter, Gauge, type Registry } from "prom-client";
import { storedBytes } from "./domain/gauges.ts";

/** Business metrics of the file-storage service (no tenant ids as labels). */
export function createFileMetrics(registry: Registry, db: Database) {
  const registers = [registry];
  return {
    uploadsStarted: new Counter({
      name: "vextrus_file_storage_uploads_started_total",
      help: "Uploads granted (presigned URLs issued)",
      registers,
    }),
    uploadsCompleted: new Counter({
      name: "vextrus_file_storage_uploads_completed_total",
      help: "Uploads verified and made visible, by whether the bytes were stored already",
      labelNames: ["deduplicated"] as const,
      registers,
    }),
    bytesUploaded: new Counter({
      name: "vextrus_file_storage_uploaded_bytes_total",
      help: "Bytes of completed uploads",
      registers,
    }),
    downloadsSigned: new Counter({
      name: "vextrus_file_storage_download_urls_total",
      help: "Presigned download URLs issued",
      registers,
    }),
    filesCollected: new Counter({
      name: "vextrus_file_storage_files_collected_total",
      help: "Files removed by the collector",
      registers,
    }),
    storedBytes: new Gauge({
      name: "vextrus_file_storage_stored_bytes",
      help: "Bytes stored across tenants (deduplicated), and reserved by pending uploads",
      labelNames: ["kind"] as const,
      registers,
      async collect() {
        const bytes = await storedBytes(db);
        this.set({ kind: "stored" }, bytes.stored);
        this.set({ kind: "reserved" }, bytes.reserved);
      },
    }),
  };
}

export type FileMetrics = ReturnType<typeof createFileMetrics>;
