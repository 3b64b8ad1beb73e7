import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { vds } from "@vextrus/bd";
import { vdsCertificate as certificate } from "./fixtures.ts";
import { type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { compareWithReference, decodeQr, pagesAsPng, pdfText } from "./looking.ts";

let h: DocumentsHarness;
let api: Awaited<ReturnType<DocumentsHarness["newTenant"]>>["api"];

beforeAll(async () => {
  h = await startDocuments("mushak66");
  api = (await h.newTenant()).api;
});
afterAll(() => h.stop());

const TOLERANCE = { mean: 3, changed: 0.01 };

describe("Mushak-6.6 VDS certificate", () => {
  test("Bengali: the page matches the reference; the deduction is the rules' (construction, 10% in FY 2026-27)", async () => {
    const out = await api.render.mutate({ template: "mushak-6.6", locale: "bn", data: certificate() });
    expect(out).toMatchObject({ template: "mushak-6.6", templateVersion: 4, pages: 1 });
    // @vextrus/bd's table is the rules' only source of rates: the same answer, computed here directly.
    const expected = vds({ value: "1950000.50", category: "construction", date: "2026-12-06" });
    expect(expected.rate).toBe(10);
    expect(out.summary.total).toBe(expected.amount);
    const pdf = new Uint8Array(Buffer.from(out.pdf, "base64"));
    const [page] = pagesAsPng(pdf, { dpi: 40, gray: true });
    const diff = compareWithReference("mushak-6.6-bn", page as Buffer);
    expect(diff.mean).toBeLessThan(TOLERANCE.mean);
    expect(diff.changed).toBeLessThan(TOLERANCE.changed);
    const text = pdfText(pdf);
    for (const s of [
      "সক-৬.৬",
      "VDS-2026/0007",
      "INV-2026/0041",
      "১৬/১১/২০২৬",
      "১৯,৫০,০০০.৫০",
      "১,৯৫,০০০.০৫",
      "১০%",
      "TR-58-2026-1203",
    ]) {
      expect(text).toContain(s);
    }
    const [sharp] = pagesAsPng(pdf, { dpi: 150 });
    expect(decodeQr(sharp as Buffer)).toBe(
      `VXDOC1|mushak-6.6|VDS-2026/0007|0009876540202|2026-12-06T16:30:00+06:00|195000.05|${out.contentHash}`,
    );
  });

  test("English, issued and verified like any document", async () => {
    const issued = await api.issue.mutate({
      template: "mushak-6.6",
      locale: "en",
      data: certificate({ number: "VDS-EN-1" }),
    });
    const pdf = new Uint8Array(Buffer.from((await api.pdf.query({ id: issued.id })).pdf, "base64"));
    const [page] = pagesAsPng(pdf, { dpi: 40, gray: true });
    const diff = compareWithReference("mushak-6.6-en", page as Buffer);
    expect(diff.mean).toBeLessThan(TOLERANCE.mean);
    expect(pdfText(pdf)).toContain("Certificate of VAT Deducted at Source");
    expect(await api.verify.query({ sha256: issued.sha256 })).toMatchObject({ genuine: true });
  });

  test("an unknown VDS category or a bad invoice date is a 400 naming the field", async () => {
    const bad = {
      ...certificate(),
      category: "shipbuilding",
      lines: [{ invoiceNumber: "X-1", invoiceDate: "2026-02-30", value: "1.00" }],
    };
    const refused = await failure(
      api.render.mutate({ template: "mushak-6.6", locale: "bn", data: bad as never }),
    );
    expect(refused.status).toBe(400);
    expect(refused.issues.map((i) => i.path).sort()).toEqual(["data.category", "data.lines.0.invoiceDate"]);
  });
});
