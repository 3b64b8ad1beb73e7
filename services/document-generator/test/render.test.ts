import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PNG } from "pngjs";
import { mushak63 } from "./fixtures.ts";
import { type DocumentsHarness, startDocuments } from "./harness.ts";
import { compareWithReference, decodeQr, pagesAsPng, pdfFonts, pdfInfo, pdfText } from "./looking.ts";

let h: DocumentsHarness;
let api: Awaited<ReturnType<DocumentsHarness["newTenant"]>>["api"];

beforeAll(async () => {
  h = await startDocuments("render");
  api = (await h.newTenant()).api;
});
afterAll(() => h.stop());

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, "base64"));

/** Within what a different poppler or FreeType build may change: anti-aliasing, not a moved line. */
const TOLERANCE = { mean: 3, changed: 0.01 };

describe("Mushak-6.3, by looking", () => {
  test("Bengali: the page matches the reference, the text and totals are there, the QR code says what it must", async () => {
    const out = await api.render.mutate({ template: "mushak-6.3", locale: "bn", data: mushak63() });
    expect(out).toMatchObject({
      template: "mushak-6.3",
      templateVersion: 2,
      pages: 1,
      number: "INV-2026/0042",
    });
    const pdf = bytes(out.pdf);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");

    const [page] = pagesAsPng(pdf, { dpi: 40, gray: true });
    expect(page).toBeDefined();
    const diff = compareWithReference("mushak-6.3-bn", page as Buffer);
    expect(diff.mean).toBeLessThan(TOLERANCE.mean);
    expect(diff.changed).toBeLessThan(TOLERANCE.changed);

    // poppler repeats some conjuncts when it extracts Typst's Bengali (ক্তি → ক্তিক্তিক্তি), so the
    // strings asserted here are ones it extracts whole; the page image above proves the shaping.
    const text = pdfText(pdf);
    for (const expected of [
      "কর চালানপত্র",
      "বাংলাদেশ সরকার",
      "করিম ডেভেলপার্স লিমিটেড",
      "০০০৯৮৭৬৫৪-০২০২",
      "০০০১২৩৪৫৬-০১০১",
      "INV-2026/0042",
      "০৬/১২/২০২৬",
      "১৬:৩০",
      "১৪৩৩",
      // value, SD, VAT and total of all lines, in lakh grouping and Bengali digits
      "১১,৬২,৯১৭.৫০",
      "২৬,৫০৪.২৫",
      "১,৫৯,৬২৫.৭৬",
      "১৩,৪৯,০৪৭.৫১",
      "Taka Thirteen Lakh Forty Nine Thousand Forty Seven and Fifty One Poisha Only",
      "তেরো লক্ষ উনপঞ্চাশ হাজার",
      "পদবি: হিসাব",
      "ষ্ঠা ১/১",
    ]) {
      expect(text).toContain(expected);
    }

    // The title is set after the page's content (so it is no part of its styles) and still reaches the PDF.
    expect(pdfInfo(pdf).Title).toBe("Mushak-6.3 INV-2026/0042");

    const [sharp] = pagesAsPng(pdf, { dpi: 150 });
    const qr = decodeQr(sharp as Buffer);
    expect(qr).toBe(
      `VXDOC1|mushak-6.3|INV-2026/0042|0001234560101|2026-12-06T16:30:00+06:00|1349047.51|${out.contentHash}`,
    );
    expect(out.summary).toEqual({
      sellerBin: "0001234560101",
      buyerBin: "0009876540202",
      total: "1349047.51",
      parties: ["রহিম কনস্ট্রাকশন লিমিটেড", "করিম ডেভেলপার্স লিমিটেড"],
    });
  });

  test("English: the same invoice with English labels and Latin digits", async () => {
    const out = await api.render.mutate({ template: "mushak-6.3", locale: "en", data: mushak63() });
    const pdf = bytes(out.pdf);
    const [page] = pagesAsPng(pdf, { dpi: 40, gray: true });
    const diff = compareWithReference("mushak-6.3-en", page as Buffer);
    expect(diff.mean).toBeLessThan(TOLERANCE.mean);
    expect(diff.changed).toBeLessThan(TOLERANCE.changed);
    const text = pdfText(pdf);
    for (const expected of [
      "Tax Invoice",
      "Mushak-6.3",
      "000123456-0101",
      "11,62,917.50",
      "13,49,047.51",
      "16:30",
      "Page 1 of 1",
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain("২১ অগ্রহায়ণ");
  });

  test("only the fonts shipped from npm are embedded, and the file declares PDF/A-2b", async () => {
    const out = await api.render.mutate({ template: "mushak-6.3", locale: "bn", data: mushak63() });
    const pdf = bytes(out.pdf);
    expect([...new Set(pdfFonts(pdf))].sort()).toEqual([
      "NotoSans-Bold",
      "NotoSans-Regular",
      "NotoSansBengali-Bold",
      "NotoSansBengali-Regular",
    ]);
    const raw = Buffer.from(pdf).toString("latin1");
    expect(raw).toContain("<pdfaid:part>2</pdfaid:part>");
    expect(raw).toContain("<pdfaid:conformance>B</pdfaid:conformance>");
  });

  test("tenant text is data, never markup: Typst code in a party name is printed as typed", async () => {
    const name = '#panic("x") *b* $x$ ]; #set page(fill: red)';
    const data = mushak63({ buyer: { name, bin: "0009876540202", address: "<b>ঢাকা</b> \\ #{1+1}" } });
    const out = await api.render.mutate({ template: "mushak-6.3", locale: "en", data });
    const pdf = bytes(out.pdf);
    const text = pdfText(pdf);
    expect(text).toContain('#panic("x") *b* $x$ ]; #set page(fill: red)');
    expect(text).toContain("<b>ঢাকা</b> \\ #{1+1}");
    // The page was not turned red: its corner is white.
    const [page] = pagesAsPng(pdf, { dpi: 20 });
    const corner = PNG.sync.read(page as Buffer).data.subarray(0, 3);
    expect([...corner]).toEqual([255, 255, 255]);
  });
});
