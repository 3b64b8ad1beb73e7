import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { RenderPool } from "./engine/pool.ts";
import type { DocumentMetrics } from "./metrics.ts";
import type { FilesClient } from "./upstream/files.ts";
import type { NumberingClient } from "./upstream/numbers.ts";
import type { TaxClient } from "./upstream/rules.ts";

export interface DocumentDeps {
  db: Database;
  /** Typst compilers in worker threads. */
  renderer: RenderPool;
  /** rules-engine's `tax.vat` pack: every tax amount on a document comes from it. */
  taxes: TaxClient;
  /** file-storage: where issued PDFs are kept. */
  files: FilesClient;
  /** master-data's numbering series: document numbers when the request names a series. */
  numbers: NumberingClient;
  metrics: DocumentMetrics;
  /** The server's clock (the time printed on documents); tests move it. */
  now: () => Date;
}

/** What every domain verb receives: the caller's token and trace go along to rules-engine and file-storage. */
export type DocumentContext = TenantContext<DocumentDeps>;
