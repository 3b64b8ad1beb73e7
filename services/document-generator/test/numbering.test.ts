import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mushak63 } from "./fixtures.ts";
import { ACCOUNTANT, type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { pdfText } from "./looking.ts";

let h: DocumentsHarness;

beforeAll(async () => {
  h = await startDocuments("numbering");
});
afterAll(() => h.stop());

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));
/** An invoice without its own number: the series gives it. */
const unnumbered = () => {
  const { number: _number, ...data } = mushak63();
  return data;
};

describe("invoice numbers from master-data's numbering series", () => {
  test("a preview takes no number (prints DRAFT); issues take 1, 2, 3… in order, printed and recorded", async () => {
    const t = await h.newTenant();
    const series = await h.newSeries(t.tenantId, "VAT/{SEQ:6}");
    const preview = await t.api.render.mutate({
      template: "mushak-6.3",
      locale: "en",
      data: unnumbered(),
      series,
    });
    expect(preview.number).toBe("DRAFT");
    expect(pdfText(bytes(preview.pdf))).toContain("DRAFT");

    const first = await t.api.issue.mutate({
      template: "mushak-6.3",
      locale: "en",
      data: unnumbered(),
      series,
    });
    const second = await t.api.issue.mutate({
      template: "mushak-6.3",
      locale: "bn",
      data: unnumbered(),
      series,
    });
    expect([first.number, second.number]).toEqual(["VAT/000001", "VAT/000002"]);
    const printed = pdfText(bytes((await t.api.pdf.query({ id: first.id })).pdf));
    expect(printed).toContain("VAT/000001");
    // The record and verification know it by the series' number.
    expect(await t.api.verify.query({ sha256: second.sha256 })).toMatchObject({
      genuine: true,
      document: { number: "VAT/000002" },
    });
  });

  test("12 invoices issued at once get 12 distinct consecutive numbers, none twice", async () => {
    const t = await h.newTenant();
    const series = await h.newSeries(t.tenantId, "C-{SEQ:3}");
    const issued = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.api.issue.mutate({ template: "mushak-6.3", locale: "bn", data: unnumbered(), series }),
      ),
    );
    const numbers = issued.map((d) => d.number).sort();
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `C-${String(i + 1).padStart(3, "0")}`));
    const listed = await t.api.list.query({ limit: 50 });
    expect(new Set(listed.items.map((d) => d.number)).size).toBe(12);
    expect(listed.items.every((d) => d.status === "issued")).toBe(true);
  });

  test("exactly one of data.number and series (400 naming the field); an unknown series is NOT_FOUND", async () => {
    const t = await h.newTenant();
    const series = await h.newSeries(t.tenantId, "X-{SEQ:2}");
    const both = await failure(
      t.api.issue.mutate({ template: "mushak-6.3", locale: "en", data: mushak63(), series }),
    );
    expect(both).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(both.issues.map((i) => i.path)).toEqual(["series"]);
    const neither = await failure(
      h.client(t.token, "bn").issue.mutate({ template: "mushak-6.3", locale: "en", data: unnumbered() }),
    );
    expect(neither.issues.map((i) => i.path)).toEqual(["data.number"]);
    expect(neither.message).toMatch(/[\u0980-\u09FF]/);
    const unknown = await failure(
      t.api.issue.mutate({
        template: "mushak-6.3",
        locale: "en",
        data: unnumbered(),
        series: { companyId: series.companyId, key: "NOPE" },
      }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
  });

  test("taking a number needs master-data:series:next; refused, nothing is issued and no number is used", async () => {
    const t = await h.newTenant();
    const series = await h.newSeries(t.tenantId, "P-{SEQ:2}");
    const withoutNext = await h.token(
      t.tenantId,
      ACCOUNTANT.filter((p) => p !== "master-data:series:next"),
    );
    const refused = await failure(
      h
        .client(withoutNext)
        .issue.mutate({ template: "mushak-6.3", locale: "en", data: unnumbered(), series }),
    );
    expect(refused.code).toBe("FORBIDDEN");
    expect((await t.api.list.query({ limit: 10 })).items).toEqual([]);
    const ok = await t.api.issue.mutate({ template: "mushak-6.3", locale: "en", data: unnumbered(), series });
    expect(ok.number).toBe("P-01");
  });
});
