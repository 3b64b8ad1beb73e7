import { rm } from "node:fs/promises";
import { z } from "zod";
import type { IeContext } from "../deps.ts";
import { CONTENT_TYPES, sheetWriter } from "../sheets/write.ts";
import { findImport } from "./common.ts";
import { rowsAfter } from "./imports.ts";

export const ErrorsInput = z.object({ importId: z.uuid(), format: z.enum(["csv", "xlsx"]) });
export type ErrorsInput = z.infer<typeof ErrorsInput>;

const PAGE = 1_000;

/**
 * The rows that failed (in the preview, or when applied), with the file's own headers and cells and
 * an error column in the caller's language: fix them and import the file again. Written to disk a
 * page at a time and kept in file storage; answered with its presigned download link.
 */
export async function importErrors({ ctx, input }: { ctx: IeContext; input: ErrorsInput }) {
  const row = await ctx.deps.db.tenant(ctx.tenantId, (tx) => findImport(tx, input.importId), {
    readOnly: true,
  });
  const writer = await sheetWriter(input.format, ctx.deps.settings.tmpDir);
  const errorHeader = ctx.locale === "bn" ? "ত্রুটি" : "Errors";
  let count = 0;
  try {
    writer.row([...row.headers, errorHeader]);
    let after = 0;
    for (;;) {
      const page = await rowsAfter(ctx, row.id, after, PAGE, true);
      for (const r of page) {
        const errors = (r.errors ?? [])
          .map((e) => `${e.column}: ${ctx.locale === "bn" ? e.bn : e.en}`)
          .join("; ");
        writer.row([...row.headers.map((_, i) => r.raw[i] ?? ""), errors]);
      }
      count += page.length;
      const last = page.at(-1);
      if (!last || page.length < PAGE) {
        break;
      }
      after = last.rowNo;
    }
    const written = await writer.close();
    const file = await ctx.deps.files.keep(
      written.path,
      {
        fileName: `${row.entity}-import-errors.${input.format}`,
        contentType: CONTENT_TYPES[input.format],
        size: written.size,
        sha256: written.sha256,
      },
      ctx,
    );
    const link = await ctx.deps.files.downloadUrl(file.id, ctx);
    return { fileId: file.id, rows: count, downloadUrl: link.url };
  } finally {
    await rm(writer.path, { force: true });
  }
}
