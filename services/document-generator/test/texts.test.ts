// Orders in the language their first tests did not cover, and a tenant's own wording of every template.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mushak63, purchaseOrder, vdsCertificate, workOrder } from "./fixtures.ts";
import { ACCOUNTANT, type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { compareWithReference, decodeQr, pagesAsPng, pdfText } from "./looking.ts";

let h: DocumentsHarness;

beforeAll(async () => {
  h = await startDocuments("texts");
});
afterAll(() => h.stop());

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));
/** Who words the tenant's documents: the letterhead's permissions, and rendering. */
const KEEPER = [...ACCOUNTANT, "document-generator:letterhead:read", "document-generator:letterhead:update"];

function expectLooksLike(reference: string, pdf: Uint8Array) {
  const [page] = pagesAsPng(pdf, { dpi: 40, gray: true, last: 1 });
  const diff = compareWithReference(reference, page as Buffer);
  expect(diff.mean).toBeLessThan(3);
  expect(diff.changed).toBeLessThan(0.01);
}

describe("orders in both languages", () => {
  test("purchase order in English: English labels, Latin digits, lakh grouping, page like the reference, QR", async () => {
    const t = await h.newTenant();
    const out = await t.api.render.mutate({
      template: "purchase-order",
      locale: "en",
      data: purchaseOrder(),
    });
    expect(out).toMatchObject({ template: "purchase-order", templateVersion: 3, pages: 1 });
    const pdf = bytes(out.pdf);
    // The Bengali party names on an English page: the reference image shows them shaped.
    expectLooksLike("purchase-order-en", pdf);
    const text = pdfText(pdf);
    for (const expected of [
      "Purchase Order",
      "PO number",
      "Supplier",
      "Deliver to",
      "20/12/2026",
      "BIN: 000123456-0101",
      "9,50,000.00",
      "27,43,875.00",
      "3,67,706.25",
      "31,11,581.25",
      "Taka Thirty One Lakh Eleven Thousand Five Hundred Eighty One and Twenty Five Poisha Only",
      "Page 1 of 1",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("৩১,১১,৫৮১.২৫");
    const [sharp] = pagesAsPng(pdf, { dpi: 150, last: 1 });
    expect(decodeQr(sharp as Buffer)).toBe(
      `VXDOC1|purchase-order|PO/2026-27/000123|0001234560101|2026-12-06T16:30:00+06:00|3111581.25|${out.contentHash}`,
    );
  });
});

describe("documents.texts: a tenant's wording of every template", () => {
  test("each template prints the tenant's wording in the locale set; other locales and tenants keep the defaults", async () => {
    const t = await h.newTenant(KEEPER);
    const other = await h.newTenant(KEEPER);
    const api = h.client(t.token);
    const before = await api.render.mutate({
      template: "purchase-order",
      locale: "en",
      data: purchaseOrder(),
    });

    expect(await api.texts.get.query({ template: "purchase-order" })).toBeNull();
    const set = await api.texts.set.mutate({
      template: "purchase-order",
      texts: { en: { title: "Local Purchase Order", supplier: "Vendor" } },
      expectedVersion: 0,
    });
    expect(set).toMatchObject({
      template: "purchase-order",
      version: 1,
      texts: { bn: {}, en: { supplier: "Vendor" } },
    });
    await api.texts.set.mutate({
      template: "work-order",
      texts: { bn: { contractor: "কাজের দল" } },
      expectedVersion: 0,
    });
    await api.texts.set.mutate({
      template: "mushak-6.6",
      texts: { en: { title: "Certificate of VAT Withheld" } },
      expectedVersion: 0,
    });
    await api.texts.set.mutate({
      template: "mushak-6.3",
      texts: { en: { buyer: "Customer", destination: "Ship to" } },
      expectedVersion: 0,
    });

    const render = async (template: string, locale: "en" | "bn", data: unknown, as = api) =>
      pdfText(bytes((await as.render.mutate({ template, locale, data } as never)).pdf));
    const po = await render("purchase-order", "en", purchaseOrder());
    expect(po).toContain("Local Purchase Order");
    expect(po).toContain("Vendor");
    expect(po).not.toContain("Supplier");
    // The same content with other wording is another document: the hash covers the wording.
    const after = await api.render.mutate({
      template: "purchase-order",
      locale: "en",
      data: purchaseOrder(),
    });
    expect(after.contentHash).not.toBe(before.contentHash);
    // Bengali was not reworded; another tenant sees none of it.
    expect(await render("purchase-order", "bn", purchaseOrder())).toContain("সরবরাহকারী");
    expect(await render("purchase-order", "en", purchaseOrder(), h.client(other.token))).toContain(
      "Supplier",
    );

    expect(await render("work-order", "bn", workOrder())).toContain("কাজের দল");
    expect(await render("mushak-6.6", "en", vdsCertificate())).toContain("Certificate of VAT Withheld");
    // Mushak-6.3: the tenant's wording, under what the request itself says (`data.texts`).
    const invoice = await render("mushak-6.3", "en", mushak63({ texts: { destination: "Site" } }));
    expect(invoice).toContain("Customer");
    expect(invoice).toContain("Site");
    expect(invoice).not.toContain("Ship to");

    // Issued documents keep what they printed; the change is an event the audit trail receives.
    const events = await h.sql<{ type: string; data: { kind: string } }[]>`
      select event->>'type' as type, event->'data' as data from document_generator.outbox
      where tenant_id = ${t.tenantId} and event->>'type' like 'vextrus.document.template.%'
      order by id`;
    expect(events.map((e) => [e.type, e.data.kind])).toEqual(
      Array.from({ length: 4 }, () => ["vextrus.document.template.created", "texts"]),
    );
  });

  test("stale version is CONFLICT; a label the template lacks is a 400 naming it; markup prints as typed; permissions", async () => {
    const t = await h.newTenant(KEEPER);
    const api = h.client(t.token);
    await api.texts.set.mutate({
      template: "work-order",
      texts: { en: { scope: "Works" } },
      expectedVersion: 0,
    });
    const updated = await api.texts.set.mutate({
      template: "work-order",
      texts: { en: { scope: "#set text(red) *Works*" } },
      expectedVersion: 1,
    });
    expect(updated?.version).toBe(2);
    const stale = await failure(
      api.texts.set.mutate({ template: "work-order", texts: { en: { scope: "Old" } }, expectedVersion: 1 }),
    );
    expect(stale).toMatchObject({ code: "CONFLICT", appCode: "documents.texts.stale" });
    const text = pdfText(
      bytes((await api.render.mutate({ template: "work-order", locale: "en", data: workOrder() })).pdf),
    );
    expect(text).toContain("#set text(red) *Works*");

    const unknown = await failure(
      api.texts.set.mutate({
        template: "purchase-order",
        texts: { en: { retention: "x" } } as never,
        expectedVersion: 0,
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.issues.map((i) => i.path).join(" ")).toContain("texts.en");
    const blank = await failure(
      api.texts.set.mutate({ template: "purchase-order", texts: { en: { title: " " } }, expectedVersion: 0 }),
    );
    expect(blank.issues.map((i) => i.path)).toContain("texts.en.title");

    const accountant = h.client(await h.token(t.tenantId, ACCOUNTANT));
    expect(await failure(accountant.texts.get.query({ template: "work-order" }))).toMatchObject({
      code: "FORBIDDEN",
    });
    expect(
      await failure(
        accountant.texts.set.mutate({ template: "work-order", texts: { en: {} }, expectedVersion: 2 }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });
});
