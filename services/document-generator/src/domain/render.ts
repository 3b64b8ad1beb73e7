import { canonicalJson } from "@vextrus/events";
import { AppError } from "@vextrus/platform";
import QRCode from "qrcode";
import type { DocumentContext } from "../deps.ts";
import { RenderFailed, RenderTimeout } from "../engine/pool.ts";
import { type DocumentRequest, prepareRequest } from "./templates/index.ts";
import type { Prepared, TemplateSpec } from "./templates/types.ts";

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

/**
 * Renders a request to PDF: the template prepares its view (taxes from rules-engine), the content
 * hash covers template, version, locale, data, taxes and time; the QR code carries it; Typst
 * compiles in a worker. A template failure is logged with its diagnostics and answered INTERNAL.
 */
export async function produce(ctx: DocumentContext, request: DocumentRequest): Promise<Produced> {
  const at = ctx.deps.now();
  const { spec, prepared } = await prepareRequest(ctx, request, at);
  const contentHash = sha256Hex(
    canonicalJson({
      template: spec.name,
      version: spec.version,
      locale: request.locale,
      ...(prepared.basis as object),
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
      data: { ...prepared.view, qr, hash: contentHash.slice(0, 20) },
      assets: prepared.assets,
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
