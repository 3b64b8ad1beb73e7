import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PNG } from "pngjs";
import { mushak63, purchaseOrder, workOrder } from "./fixtures.ts";
import { ACCOUNTANT, type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { compareWithReference, decodeQr, pagesAsPng, pdfImages, pdfText } from "./looking.ts";

let h: DocumentsHarness;

beforeAll(async () => {
  h = await startDocuments("orders");
});
afterAll(() => h.stop());

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));
const TOLERANCE = { mean: 3, changed: 0.01 };
/** What the letterhead's keeper holds: the letterhead, and reading the logo from file-storage. */
const KEEPER = [...ACCOUNTANT, "document-generator:letterhead:read", "document-generator:letterhead:update"];

/** A 240×80 PNG logo: a dark green block with a red disc, as a company's mark might be. */
function logoPng(): Uint8Array {
  const png = new PNG({ width: 240, height: 80 });
  for (let y = 0; y < 80; y++) {
    for (let x = 0; x < 240; x++) {
      const i = (y * 240 + x) * 4;
      const disc = (x - 40) ** 2 + (y - 40) ** 2 < 30 ** 2;
      png.data[i] = disc ? 220 : 0;
      png.data[i + 1] = disc ? 30 : 100;
      png.data[i + 2] = disc ? 40 : 60;
      png.data[i + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

function expectLooksLike(reference: string, pdf: Uint8Array) {
  const [page] = pagesAsPng(pdf, { dpi: 40, gray: true, last: 1 });
  const diff = compareWithReference(reference, page as Buffer);
  expect(diff.mean).toBeLessThan(TOLERANCE.mean);
  expect(diff.changed).toBeLessThan(TOLERANCE.changed);
}

describe("purchase order and work order", () => {
  test("purchase order in Bengali: page like the reference, parties, lines, VAT from the rules, terms, QR", async () => {
    const t = await h.newTenant();
    const out = await t.api.render.mutate({
      template: "purchase-order",
      locale: "bn",
      data: purchaseOrder(),
    });
    expect(out).toMatchObject({
      template: "purchase-order",
      templateVersion: 3,
      pages: 1,
      number: "PO/2026-27/000123",
    });
    const pdf = bytes(out.pdf);
    expectLooksLike("purchase-order-bn", pdf);
    const text = pdfText(pdf);
    for (const expected of [
      // (strings poppler extracts whole: it repeats some conjuncts of Typst's Bengali, see render.test.ts)
      "সরবরাহকারী",
      "সালাম",
      "রহিম কন",
      "বিআইএন: ০০০১২৩৪৫৬-০১০১",
      "RFQ-77",
      "PO/2026-27/000123",
      "২০/১২/২০২৬",
      "৯,৫০,০০০.০০",
      // value, VAT (15% of 21,58,875 and 7.5% of 5,85,000 by the rules) and total
      "২৭,৪৩,৮৭৫.০০",
      "৩,৬৭,৭০৬.২৫",
      "৩১,১১,৫৮১.২৫",
      "Taka Thirty One Lakh Eleven Thousand Five Hundred Eighty One and Twenty Five Poisha Only",
      "একত্রিশ লক্ষ এগারো হাজার",
      "মালামাল সাইটে",
      "ষ্ঠা ১/১",
    ]) {
      expect(text).toContain(expected);
    }
    const [sharp] = pagesAsPng(pdf, { dpi: 150, last: 1 });
    expect(decodeQr(sharp as Buffer)).toBe(
      `VXDOC1|purchase-order|PO/2026-27/000123|0001234560101|2026-12-06T16:30:00+06:00|3111581.25|${out.contentHash}`,
    );
    expect(out.summary).toEqual({
      buyerBin: "0001234560101",
      total: "3111581.25",
      parties: ["রহিম কনস্ট্রাকশন লিমিটেড", "মেসার্স সালাম ট্রেডার্স"],
    });
  });

  test("work order in English: scope, dates, bill of quantities, 10% retention, issued and verified", async () => {
    const t = await h.newTenant();
    const out = await t.api.issue.mutate({ template: "work-order", locale: "en", data: workOrder() });
    expect(out).toMatchObject({
      template: "work-order",
      status: "issued",
      pages: 1,
      summary: { total: "2831281.25" },
    });
    const pdf = bytes((await t.api.pdf.query({ id: out.id })).pdf);
    expectLooksLike("work-order-en", pdf);
    const text = pdfText(pdf);
    for (const expected of [
      "Work Order",
      "WO-2026-0007",
      "Salam Builders",
      "Mirpur Tower",
      "Reinforced concrete frame",
      "15/12/2026",
      "31/03/2027",
      "17,47,250.00",
      "26,33,750.00",
      "1,97,531.25",
      "28,31,281.25",
      "10% = 2,83,128.13",
      "Twenty Eight Lakh Thirty One Thousand Two Hundred Eighty One and Twenty Five Poisha Only",
      "Defects liability period: 12 months",
      "Page 1 of 1",
    ]) {
      expect(text).toContain(expected);
    }
    expect(await t.api.verify.query({ sha256: out.contentHash })).toMatchObject({
      genuine: true,
      matched: "content",
    });
  });

  test("a work order ending before it starts, or an order without lines, is a 400 naming the field", async () => {
    const t = await h.newTenant();
    const late = await failure(
      t.api.render.mutate({
        template: "work-order",
        locale: "en",
        data: workOrder({ completionDate: "2026-12-01" }),
      }),
    );
    expect(late).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(late.issues.map((i) => i.path)).toEqual(["data.completionDate"]);
    const empty = await failure(
      t.api.render.mutate({ template: "purchase-order", locale: "en", data: purchaseOrder({ lines: [] }) }),
    );
    expect(empty.issues.map((i) => i.path)).toEqual(["data.lines"]);
  });

  test("tenant text is never markup in an order: Typst code in the supplier's name is printed as typed", async () => {
    const t = await h.newTenant();
    const name = '#set page(fill: red) *bold* $x^2$ #panic("x")';
    const out = await t.api.render.mutate({
      template: "purchase-order",
      locale: "en",
      data: purchaseOrder({ supplier: { name, address: "[link](x) <label>" } }),
    });
    const text = pdfText(bytes(out.pdf));
    expect(text).toContain('#set page(fill: red) *bold* $x^2$ #panic("x")');
    expect(text).toContain("[link](x) <label>");
  });
});

describe("letterhead", () => {
  test("a logo uploaded to file-storage becomes the letterhead of every document the tenant renders", async () => {
    const t = await h.newTenant(KEEPER);
    expect(await t.api.letterhead.get.query()).toBeNull();
    const logo = logoPng();
    const fileId = await h.upload(t.token, "logo.png", "image/png", logo);
    const set = await t.api.letterhead.set.mutate({
      name: "Rahim Construction Limited",
      lines: ["House 12, Road 5, Dhanmondi, Dhaka 1205", "Phone 01711-000000 · BIN 000123456-0101"],
      logoFileId: fileId,
      expectedVersion: 0,
    });
    expect(set).toMatchObject({ version: 1, logo: { fileId, type: "png" } });

    for (const [template, data] of [
      ["purchase-order", purchaseOrder()],
      ["work-order", workOrder()],
      ["mushak-6.3", mushak63()],
    ] as const) {
      const out = await t.api.render.mutate({ template, locale: "en", data } as Parameters<
        typeof t.api.render.mutate
      >[0]);
      const pdf = bytes(out.pdf);
      const text = pdfText(pdf, 1, 1);
      expect([template, text.includes("Rahim Construction Limited")]).toEqual([template, true]);
      expect([template, text.includes("Phone 01711-000000")]).toEqual([template, true]);
      // The logo is in the PDF at its own size (pdfimages lists it).
      expect([template, pdfImages(pdf).some((i) => i.width === 240 && i.height === 80)]).toEqual([
        template,
        true,
      ]);
    }
    const withHead = await t.api.render.mutate({
      template: "purchase-order",
      locale: "bn",
      data: purchaseOrder(),
    });
    expectLooksLike("purchase-order-bn-letterhead", bytes(withHead.pdf));

    // Events: created, then updated with before and after.
    const changed = await t.api.letterhead.set.mutate({
      name: "Rahim Construction Ltd",
      lines: [],
      expectedVersion: 1,
    });
    expect(changed).toMatchObject({ version: 2, logo: null });
    const events = await h.sql<{ type: string }[]>`
      select event->>'type' as type from document_generator.outbox where key = ${set?.id ?? ""} order by id`;
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.document.template.created",
      "vextrus.document.template.updated",
    ]);
  });

  test("a stale version is CONFLICT, a logo that is not PNG or JPEG is a 400, others' letterheads are invisible", async () => {
    const t = await h.newTenant(KEEPER);
    await t.api.letterhead.set.mutate({ name: "First", lines: [], expectedVersion: 0 });
    const stale = await failure(
      t.api.letterhead.set.mutate({ name: "Second", lines: [], expectedVersion: 0 }),
    );
    expect(stale).toMatchObject({ code: "CONFLICT", appCode: "documents.letterhead.stale" });
    const gif = new Uint8Array([...Buffer.from("GIF89a"), 1, 0, 1, 0, 0, 0, 0, 0x3b]);
    const gifId = await h.upload(t.token, "logo.gif", "image/gif", gif);
    const refused = await failure(
      t.api.letterhead.set.mutate({ name: "Second", lines: [], logoFileId: gifId, expectedVersion: 1 }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "documents.letterhead.logo_type" });
    expect(refused.issues.map((i) => i.path)).toEqual(["logoFileId"]);

    const other = await h.newTenant(KEEPER);
    expect(await other.api.letterhead.get.query()).toBeNull();
    const out = await other.api.render.mutate({ template: "work-order", locale: "en", data: workOrder() });
    expect(pdfText(bytes(out.pdf))).not.toContain("First");
  });

  test("permissions: reading the letterhead needs letterhead:read, changing it letterhead:update", async () => {
    const t = await h.newTenant(KEEPER);
    const viewer = h.client(
      await h.token(t.tenantId, ["document-generator:document:read", "document-generator:letterhead:read"]),
    );
    expect(await viewer.letterhead.get.query()).toBeNull();
    const denied = await failure(viewer.letterhead.set.mutate({ name: "X", lines: [], expectedVersion: 0 }));
    expect(denied.code).toBe("FORBIDDEN");
    const nobody = h.client(await h.token(t.tenantId, ["document-generator:document:read"]));
    expect((await failure(nobody.letterhead.get.query())).code).toBe("FORBIDDEN");
    // The holder of document-generator:* (what the built-in admin role holds) may.
    const admin = h.client(await h.token(t.tenantId, ["document-generator:*", "file-storage:*"]));
    expect(await admin.letterhead.set.mutate({ name: "Y", lines: [], expectedVersion: 0 })).toMatchObject({
      version: 1,
    });
  });
});
