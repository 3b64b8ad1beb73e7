import { availableParallelism } from "node:os";
import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

const HttpUrl = z.url({ protocol: /^https?$/ });

export const DocumentGeneratorEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3009),
  RULES_URL: HttpUrl.default("http://127.0.0.1:3005").describe(
    "rules-engine (rules.evaluate, the tax.vat pack)",
  ),
  FILES_URL: HttpUrl.default("http://127.0.0.1:3008").describe(
    "file-storage (files.createUpload, PUT /files/<id>/content, files.downloadUrl)",
  ),
  MASTER_DATA_URL: HttpUrl.default("http://127.0.0.1:3003").describe(
    "master-data (masterData.series.next: document numbers from the tenant's numbering series)",
  ),
  RENDER_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(32)
    .default(Math.max(1, Math.min(4, availableParallelism())))
    .describe("Typst compilers, each in a worker thread of its own"),
  RENDER_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(120_000)
    .describe("a render past this ends its worker and is refused (UNAVAILABLE), never a hang"),
});

export type DocumentGeneratorEnv = z.infer<typeof DocumentGeneratorEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): DocumentGeneratorEnv => readEnvOrExit(DocumentGeneratorEnv, process.env);
