import { canonicalJson } from "@vextrus/events";
import { AppError } from "@vextrus/platform";
import QRCode from "qrcode";
import type { DocumentContext } from "../deps.ts";
import { RenderFailed, RenderTimeout } from "../engine/pool.ts";
import { letterheadForRender, letterheadIn } from "./letterhead.ts";
import { type DocumentRequest, prepareRequest } from "./templates/index.ts";
import type { Prepared, TemplateSpec } from "./templates/types.ts";
import { textsIn } from "./texts.ts";

export interface Produced {
  spec: TemplateSpec<unknown>;
  prepared: Prepared;
  pdf: Uint8Array;
  pages: number;
  /** SHA-256 of the PDF bytes. */
  sha256: string;
  /** SHA-256 of the canonical content, printed in the QR code. */
  contentHash: string;
  /** The moment printed on the document. */
  at: Date;
}

export const sha256Hex = (bytes: Uint8Array | string) =>
  new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** What the QR code of every document says: `VXDOC1|<template>|<number>|<seller BIN>|<time>|<total>|<content hash>`. */
export const qrText = (template: string, fields: readonly string[], contentHash: string) =>
  ["VXDOC1", template, ...fields, contentHash].join("|");

/** Runs one step of a render or issue and records its time (`…_step_duration_seconds{step}`). */
export async function timed<T>(ctx: DocumentContext, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    ctx.deps.metrics.stepSeconds.observe({ step }, (performance.now() - started) / 1000);
  }
}

/** What a preview prints where a series would put the number (a preview takes none). */
export const previewNumber = (locale: "en" | "bn") => (locale === "bn" ? "খসড়া" : "DRAFT");

/**
 * Renders a request to PDF: the template prepares its view (taxes from rules-engine), the content
 * hash covers template, version, locale, data, taxes and time; the QR code carries it; Typst
 * compiles in a worker. A template failure is logged with its diagnostics and answered INTERNAL.
 */
export async function produce(
  ctx: DocumentContext,
  request: DocumentRequest,
  number: string = request.data.number ?? previewNumber(request.locale),
): Promise<Produced> {
  const at = ctx.deps.now();
  // The tenant's look (letterhead and wording, one read here) and the taxes (rules-engine) do not
  // depend on each other.
  const [look, { spec, prepared }] = await Promise.all([
    timed(ctx, "look", () =>
      ctx.deps.db.tenant(
        ctx.tenantId,
        async (tx) => ({
          head: letterheadForRender(await letterheadIn(tx, ctx.tenantId)),
          texts: await textsIn(tx, ctx.tenantId, request.template, request.locale),
        }),
        { readOnly: true },
      ),
    ),
    timed(ctx, "taxes", () => prepareRequest(ctx, request, at, number)),
  ]);
  const { head, texts } = look;
  const contentHash = sha256Hex(
    canonicalJson({
      template: spec.name,
      version: spec.version,
      locale: request.locale,
      ...(prepared.basis as object),
      // Only when there is one, so documents without a letterhead hash as they always did.
      ...(head ? { letterhead: head.basis } : {}),
      ...(texts ? { texts } : {}),
    }),
  );
  const qr = await QRCode.toString(qrText(spec.name, prepared.qr, contentHash), {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 1,
  });
  const started = performance.now();
  try {
    const out = await ctx.deps.renderer.render({
      file: spec.file,
      data: {
        ...prepared.view,
        // The tenant's wording under what the request itself says (Mushak-6.3's `data.texts`).
        texts: { ...texts, ...(prepared.view.texts as Record<string, string> | undefined) },
        head: head?.view ?? null,
        qr,
        hash: contentHash.slice(0, 20),
      },
      assets: head?.assets ?? prepared.assets,
      createdAt: at,
    });
    ctx.deps.metrics.renders.inc({ template: spec.name, outcome: "ok" });
    ctx.deps.metrics.renderSeconds.observe({ template: spec.name }, (performance.now() - started) / 1000);
    ctx.deps.metrics.pages.inc({ template: spec.name }, out.pages);
    return { spec, prepared, pdf: out.pdf, pages: out.pages, sha256: sha256Hex(out.pdf), contentHash, at };
  } catch (error) {
    ctx.deps.metrics.renders.inc({ template: spec.name, outcome: "failed" });
    if (error instanceof RenderTimeout) {
      throw new AppError("UNAVAILABLE", "documents.render.timeout", {
        en: `Rendering took longer than ${error.ms} ms; try a shorter document or again later`,
        bn: `রেন্ডার করতে ${error.ms} মিলিসেকেন্ডের বেশি লেগেছে; ছোট নথি দিন বা পরে চেষ্টা করুন`,
      });
    }
    if (error instanceof RenderFailed) {
      ctx.log.error("template failed", {
        template: spec.name,
        version: spec.version,
        message: error.message,
        diagnostics: error.diagnostics,
      });
      throw new AppError("INTERNAL", "documents.template.failed", {
        en: `The ${spec.name} template could not be rendered; quote the request id to support`,
        bn: `${spec.name} টেমপ্লেট রেন্ডার করা যায়নি; সহায়তার জন্য অনুরোধ আইডি উল্লেখ করুন`,
      });
    }
    throw error;
  }
}
