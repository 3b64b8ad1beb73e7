import { emit } from "@vextrus/events";
import { AppError, conflict, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { letterheads, outbox } from "../db/schema.ts";
import type { DocumentContext } from "../deps.ts";
import { Text } from "./schemas.ts";

export type LetterheadRow = typeof letterheads.$inferSelect;

/** The largest logo a letterhead takes (it is printed 14 mm high). */
export const MAX_LOGO_BYTES = 1_000_000;

export const SetLetterheadInput = z.strictObject({
  /** The company name as printed at the top. */
  name: Text(200),
  /** Up to four lines under it: address, phone, e-mail, BIN… (plain text). */
  lines: z.array(Text(200)).max(4).default([]),
  /** A PNG or JPEG already uploaded to file-storage (`files.createUpload`); none for no logo. */
  logoFileId: z.uuid().nullable().default(null),
  /** 0 when the tenant has no letterhead yet, else the version read (a stale one is CONFLICT). */
  expectedVersion: z.number().int().min(0),
});
export type SetLetterheadInput = z.output<typeof SetLetterheadInput>;

/** The letterhead as callers see it (the logo by reference; its bytes stay here). */
export function letterheadView(row: LetterheadRow | undefined) {
  if (!row) {
    return null;
  }
  return {
    id: row.id,
    name: row.name,
    lines: row.lines,
    logo: row.logoFileId ? { fileId: row.logoFileId, sha256: row.logoSha256, type: row.logoType } : null,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

const snapshot = (row: LetterheadRow | undefined) => {
  const { logo: _bytes, ...rest } = row ?? ({} as Partial<LetterheadRow>);
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
};

/** PNG or JPEG by its first bytes; anything else is refused (Typst would not draw it, or should not). */
function imageType(bytes: Uint8Array): "png" | "jpg" | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "png";
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return "jpg";
  }
  return undefined;
}

async function readRow(ctx: DocumentContext) {
  const [row] = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) => tx.select().from(letterheads).where(eq(letterheads.tenantId, ctx.tenantId)).limit(1),
    { readOnly: true },
  );
  return row;
}

export async function getLetterhead({ ctx }: { ctx: DocumentContext }) {
  return letterheadView(await readRow(ctx));
}

/**
 * Sets the tenant's letterhead. The logo is read from file-storage with the caller's token (their
 * `file-storage:file:read`), checked (PNG or JPEG, at most 1 MB) and copied here, before the
 * transaction that stores it and writes `vextrus.document.template.created` / `.updated`.
 */
export async function setLetterhead({ ctx, input }: { ctx: DocumentContext; input: SetLetterheadInput }) {
  let logo: { bytes: Uint8Array; type: "png" | "jpg"; sha256: string } | undefined;
  if (input.logoFileId) {
    const bytes = await ctx.deps.files.read(input.logoFileId, ctx);
    const type = imageType(bytes);
    if (!type) {
      throw invalidField("logoFileId", "documents.letterhead.logo_type", {
        en: "The logo must be a PNG or JPEG image",
        bn: "লোগো অবশ্যই PNG বা JPEG ছবি হতে হবে",
      });
    }
    if (bytes.byteLength > MAX_LOGO_BYTES) {
      throw invalidField("logoFileId", "documents.letterhead.logo_size", {
        en: `The logo may be at most ${MAX_LOGO_BYTES / 1_000_000} MB`,
        bn: `লোগো সর্বোচ্চ ${MAX_LOGO_BYTES / 1_000_000} মেগাবাইট হতে পারে`,
      });
    }
    logo = { bytes, type, sha256: new Bun.CryptoHasher("sha256").update(bytes).digest("hex") };
  }
  const at = ctx.deps.now();
  const row = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [current] = await tx
      .select()
      .from(letterheads)
      .where(eq(letterheads.tenantId, ctx.tenantId))
      .limit(1)
      .for("update");
    if ((current?.version ?? 0) !== input.expectedVersion) {
      throw conflict("documents.letterhead.stale", {
        en: "The letterhead was changed meanwhile; reload it and try again",
        bn: "এর মধ্যে লেটারহেড বদলানো হয়েছে; আবার লোড করে চেষ্টা করুন",
      });
    }
    const fields = {
      name: input.name,
      lines: input.lines,
      logoFileId: input.logoFileId,
      logoSha256: logo?.sha256 ?? null,
      logoType: logo?.type ?? null,
      logo: logo ? Buffer.from(logo.bytes).toString("base64") : null,
      updatedAt: at,
    };
    const [saved] = current
      ? await tx
          .update(letterheads)
          .set({ ...fields, version: current.version + 1 })
          .where(eq(letterheads.id, current.id))
          .returning()
      : await tx
          .insert(letterheads)
          .values({ id: Bun.randomUUIDv7(), tenantId: ctx.tenantId, createdAt: at, ...fields })
          .returning();
    if (!saved) {
      throw new AppError("INTERNAL", "documents.letterhead.not_saved", {
        en: "The letterhead could not be saved",
        bn: "লেটারহেড সংরক্ষণ করা যায়নি",
      });
    }
    const common = {
      subject: saved.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      traceparent: ctx.traceparent,
    };
    if (current) {
      await emit(tx, outbox, {
        type: "vextrus.document.template.updated",
        ...common,
        data: { id: saved.id, kind: "letterhead", before: snapshot(current), after: snapshot(saved) },
      });
    } else {
      await emit(tx, outbox, {
        type: "vextrus.document.template.created",
        ...common,
        data: { id: saved.id, kind: "letterhead", after: snapshot(saved) },
      });
    }
    return saved;
  });
  return letterheadView(row);
}

/** The tenant's letterhead, read inside a render's own transaction. */
export async function letterheadIn(tx: Tx, tenantId: string) {
  const [row] = await tx.select().from(letterheads).where(eq(letterheads.tenantId, tenantId)).limit(1);
  return row;
}

/** What a render prints at the top: the view's `head`, the logo mapped in as an asset, and what the hash covers. */
export function letterheadForRender(row: LetterheadRow | undefined) {
  if (!row) {
    return undefined;
  }
  const path = row.logo && row.logoSha256 ? `/assets/${row.logoSha256}.${row.logoType}` : null;
  return {
    view: { name: row.name, lines: row.lines, logo: path },
    assets: path && row.logo ? new Map([[path, new Uint8Array(Buffer.from(row.logo, "base64"))]]) : undefined,
    basis: { name: row.name, lines: row.lines, logoSha256: row.logoSha256 },
  };
}
