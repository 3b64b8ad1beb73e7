import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mushak63 } from "./fixtures.ts";
import { type DocumentsHarness, failure, startDocuments } from "./harness.ts";
import { pagesAsPng, pdfInfo, pdfText } from "./looking.ts";

let h: DocumentsHarness;
let token: string;

beforeAll(async () => {
  h = await startDocuments("errors");
  token = (await h.newTenant()).token;
});
afterAll(() => h.stop());

/** A render with any input at all (what a typed client would refuse to send). */
const render = (input: unknown, locale: "en" | "bn" = "en") =>
  h
    .client(token, locale)
    .render.mutate(input as Parameters<ReturnType<DocumentsHarness["client"]>["render"]["mutate"]>[0]);

const paths = (f: { issues: { path: string }[] }) => f.issues.map((i) => i.path);

describe("bad input is a 400 naming the field, in English or Bengali", () => {
  test("a missing buyer BIN, a 9-digit (void) seller BIN, a BIN with letters", async () => {
    const { bin: _bin, ...buyer } = mushak63().buyer;
    const missing = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ buyer }) }),
    );
    expect(missing).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(paths(missing)).toEqual(["data.buyer.bin"]);

    const seller = { ...mushak63().seller, bin: "000123456" };
    const legacy = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ seller }) }, "bn"),
    );
    expect(legacy.issues[0]).toMatchObject({ path: "data.seller.bin", code: "bd.bin.legacy" });
    expect(legacy.message).toMatch(/[\u0980-\u09FF]/);

    const letters = { ...mushak63().buyer, bin: "00012345601AB" };
    const wrong = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ buyer: letters }) }),
    );
    expect(paths(wrong)).toEqual(["data.buyer.bin"]);
  });

  test("a negative quantity, a negative price, a VAT rate over 100", async () => {
    const lines = mushak63().lines.map((l, i) =>
      i === 2
        ? { ...l, quantity: -5 }
        : i === 4
          ? { ...l, unitPrice: "-1.00" }
          : i === 5
            ? { ...l, vatRate: 150 }
            : l,
    );
    const refused = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ lines }) }),
    );
    expect(refused.status).toBe(400);
    expect(paths(refused).sort()).toEqual([
      "data.lines.2.quantity",
      "data.lines.4.unitPrice",
      "data.lines.5.vatRate",
    ]);
  });

  test("taxes are never taken from the caller: an invoice line carrying its own VAT amount is refused", async () => {
    const lines = mushak63().lines.map((l, i) => (i === 0 ? { ...l, vat: "0.00" } : l));
    const refused = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ lines }) }),
    );
    expect(refused.status).toBe(400);
    expect(refused.issues[0]?.path).toStartWith("data.lines.0");
  });

  test("an unknown template, an empty data object, no lines", async () => {
    const unknown = await failure(render({ template: "mushak-9.9", locale: "bn", data: mushak63() }));
    expect(unknown).toMatchObject({ code: "BAD_REQUEST", status: 400 });
    expect(paths(unknown)).toEqual(["template"]);

    const empty = await failure(render({ template: "mushak-6.3", locale: "bn", data: {} }, "bn"));
    expect(empty.status).toBe(400);
    expect(paths(empty)).toEqual(
      // (data.number may be left out for a numbering series: test/numbering.test.ts)
      expect.arrayContaining(["data.seller", "data.buyer", "data.lines", "data.officer"]),
    );

    const none = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ lines: [] }) }),
    );
    expect(paths(none)).toEqual(["data.lines"]);
  });

  test("more than 20 different rate pairs in one document is a 400, not 21 rule evaluations", async () => {
    const lines = Array.from({ length: 21 }, (_, i) => ({
      description: `item ${i}`,
      unit: "pc",
      quantity: 1,
      unitPrice: "100.00",
      vatRate: i,
    }));
    const refused = await failure(
      render({ template: "mushak-6.3", locale: "bn", data: mushak63({ lines }) }),
    );
    expect(refused).toMatchObject({ status: 400, appCode: "documents.lines.rate_pairs" });
  });
});

describe("a long invoice", () => {
  test("5,000 lines: many A4 pages, the table header repeated on each, 'পৃষ্ঠা n/N' on every page, totals exact", async () => {
    const started = performance.now();
    const out = await render({
      template: "mushak-6.3",
      locale: "bn",
      data: mushak63({ number: "INV-LONG-1" }, 5000),
    });
    const seconds = (performance.now() - started) / 1000;
    const pdf = new Uint8Array(Buffer.from(out.pdf, "base64"));
    const pages = Number(pdfInfo(pdf).Pages);
    expect(out.pages).toBe(pages);
    expect(pages).toBeGreaterThan(50);
    const bn = (n: number) =>
      n
        .toLocaleString("en")
        .replaceAll(",", "")
        .replace(/\d/g, (d) => "০১২৩৪৫৬৭৮৯"[Number(d)] ?? d);
    for (const page of [1, 2, Math.floor(pages / 2), pages]) {
      const text = pdfText(pdf, page, page);
      expect(text).toContain(`${bn(page)}/${bn(pages)}`);
      // The footer's number (read from the document, not from the page's styles) on every page.
      expect(text).toContain("INV-LONG-1");
      // The numbered header row of the table, on every page.
      expect(text).toContain("(১১)");
    }
    // 625 copies of the 8 lines. Taxes are rounded once per rate pair on its whole value: VAT 15% on
    // value + SD of the SD group is 27,332,507.8125 → .81 (not 625 × 43,732.01 = 27,332,506.25).
    // 404,609,375 + 156,562,500 + 165,651,562.50 (values) + 16,565,156.25 (SD)
    // + 60,691,406.25 + 11,742,187.50 + 27,332,507.81 (VAT) = 843,154,695.31
    expect(out.summary.total).toBe("843154695.31");
    expect(pdfText(pdf, pages, pages)).toContain("৮৪,৩১,৫৪,৬৯৫.৩১");
    expect(pagesAsPng(pdf, { dpi: 10, first: pages }).length).toBe(1);
    console.log(`5,000 lines: ${pages} pages in ${seconds.toFixed(1)} s`);
  }, 300_000);
});
