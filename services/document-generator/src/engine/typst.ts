import { fileURLToPath } from "node:url";
import { NodeCompiler } from "@myriaddreamin/typst-ts-node-compiler";
import { loadFonts } from "./fonts.ts";

/** The folder of the templates' Typst sources: the compiler's workspace (nothing outside it is read). */
export const TEMPLATES_DIR = fileURLToPath(new URL("../templates", import.meta.url));

/** What the service emits: PDF/A-2b (ISO 19005-2, level B), so archived copies stay readable. */
export const PDF_STANDARD = "a-2b";

export interface CompileInput {
  /** A Typst file under TEMPLATES_DIR, e.g. `mushak-6.3/v1.typ`. */
  file: string;
  /** Everything the template shows, as one JSON value: it reads it with `json(bytes(sys.inputs.data))`. */
  data: unknown;
  /** Images the data names by path (`/assets/<sha256>.png`), mapped into the workspace for this compile. */
  assets?: ReadonlyMap<string, Uint8Array> | undefined;
  /** The document's creation time (PDF metadata). */
  createdAt: Date;
}

export interface Compiled {
  pdf: Uint8Array;
  pages: number;
}

/** A compile that failed is the template's fault, never the caller's: its diagnostics go to the log. */
export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: unknown,
  ) {
    super(`Typst could not compile ${file}`);
    this.name = "TemplateError";
  }
}

export interface TypstEngine {
  compile(input: CompileInput): Compiled;
}

/** How many compiles between evictions of Typst's memoisation cache (it grows otherwise). */
const EVICT_EVERY = 200;

/**
 * Typst in process (`@myriaddreamin/typst-ts-node-compiler`): HarfBuzz-grade shaping of Bengali
 * (rustybuzz), fonts from npm passed as blobs. Tenant data never becomes markup: it arrives as one
 * JSON string in `sys.inputs`, which templates parse and place as text.
 */
export function createTypstEngine(): TypstEngine {
  const compiler = NodeCompiler.create({ workspace: TEMPLATES_DIR, fontArgs: [{ fontBlobs: loadFonts() }] });
  let compiles = 0;
  return {
    compile(input) {
      const mapped = [...(input.assets ?? new Map<string, Uint8Array>())];
      for (const [path, bytes] of mapped) {
        compiler.mapShadow(`${TEMPLATES_DIR}${path}`, Buffer.from(bytes));
      }
      try {
        const result = compiler.compile({
          mainFilePath: `${TEMPLATES_DIR}/${input.file}`,
          inputs: { data: JSON.stringify(input.data) },
        });
        const doc = result.result;
        if (!doc) {
          const error = result.takeError();
          throw new TemplateError(input.file, error ? error.shortDiagnostics : []);
        }
        const pdf = compiler.pdf(doc, {
          pdfStandard: PDF_STANDARD,
          // Untagged: a tagged 5,000-line table is 14 MB instead of 0.4 MB; the text layer stays searchable.
          pdfTags: false,
          creationTimestamp: Math.floor(input.createdAt.getTime() / 1000),
        });
        // A copy: the addon's buffer is external memory, which cannot be transferred out of a worker.
        return { pdf: new Uint8Array(pdf), pages: doc.numOfPages };
      } finally {
        for (const [path] of mapped) {
          compiler.unmapShadow(`${TEMPLATES_DIR}${path}`);
        }
        if (++compiles % EVICT_EVERY === 0) {
          compiler.evictCache(10);
        }
      }
    },
  };
}
