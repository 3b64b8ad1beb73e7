/**
 * Proof by looking: pages rasterised by poppler's pdftoppm, text extracted by pdftotext, QR codes
 * decoded by jsQR, pages compared with committed reference images within a tolerance.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";

const REFERENCES = join(import.meta.dir, "reference");

function tool(name: string): string {
  const path = Bun.which(name);
  if (!path) {
    throw new Error(
      `${name} is missing: these tests read PDFs with poppler-utils (apt-get install poppler-utils; .ci/run installs it)`,
    );
  }
  return path;
}

function run(cmd: string[]): string {
  const out = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (out.exitCode !== 0) {
    throw new Error(`${cmd.join(" ")} failed: ${out.stderr.toString()}`);
  }
  return out.stdout.toString();
}

function withPdf<T>(pdf: Uint8Array, fn: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "docgen-look-"));
  try {
    const path = join(dir, "doc.pdf");
    writeFileSync(path, pdf);
    return fn(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PNG bytes of pages `first`..`last` (1-based) at `dpi`, grey or colour. */
export function pagesAsPng(
  pdf: Uint8Array,
  options: { dpi: number; first?: number; last?: number; gray?: boolean },
) {
  return withPdf(pdf, (path, dir) => {
    run([
      tool("pdftoppm"),
      "-r",
      String(options.dpi),
      ...(options.gray ? ["-gray"] : []),
      "-f",
      String(options.first ?? 1),
      "-l",
      String(options.last ?? options.first ?? 1),
      "-png",
      path,
      join(dir, "page"),
    ]);
    return readdirSync(dir)
      .filter((f) => f.startsWith("page"))
      .sort()
      .map((f) => readFileSync(join(dir, f)));
  });
}

/** The text of the PDF in reading order (pdftotext -layout off), pages separated by form feeds. */
export const pdfText = (pdf: Uint8Array, first?: number, last?: number) =>
  withPdf(pdf, (path) =>
    run([
      tool("pdftotext"),
      ...(first ? ["-f", String(first)] : []),
      ...(last ? ["-l", String(last)] : []),
      path,
      "-",
    ]),
  );

/** The fonts embedded in the PDF, as pdffonts names them (subset prefix removed). */
export const pdfFonts = (pdf: Uint8Array) =>
  withPdf(pdf, (path) =>
    run([tool("pdffonts"), path])
      .split("\n")
      .slice(2)
      .filter((line) => line.trim() !== "")
      .map((line) => (line.split(/\s+/)[0] ?? "").replace(/^[A-Z]{6}\+/, "")),
  );

/** pdfinfo's fields (Pages, PDF version, …). */
export const pdfInfo = (pdf: Uint8Array) =>
  withPdf(pdf, (path) =>
    Object.fromEntries(
      run([tool("pdfinfo"), path])
        .split("\n")
        .filter((line) => line.includes(":"))
        .map((line) => [line.slice(0, line.indexOf(":")).trim(), line.slice(line.indexOf(":") + 1).trim()]),
    ),
  );

/** The text of the first QR code on a PNG page, or null. */
export function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return found?.data ?? null;
}

export interface Difference {
  /** Mean absolute difference of grey levels (0–255). */
  mean: number;
  /** Share of pixels differing by more than 64 levels. */
  changed: number;
}

function grey(png: Buffer) {
  const image = PNG.sync.read(png);
  const values = new Uint8Array(image.width * image.height);
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.round(
      ((image.data[i * 4] ?? 0) + (image.data[i * 4 + 1] ?? 0) + (image.data[i * 4 + 2] ?? 0)) / 3,
    );
  }
  return { width: image.width, height: image.height, values };
}

/**
 * Compares a page with `reference/<name>.png`. With UPDATE_REFERENCES=1 the page becomes the
 * reference (look at it before committing). A missing reference fails.
 */
export function compareWithReference(name: string, png: Buffer): Difference {
  const file = join(REFERENCES, `${name}.png`);
  if (process.env.UPDATE_REFERENCES === "1") {
    writeFileSync(file, png);
  }
  if (!existsSync(file)) {
    throw new Error(`No reference image ${file}: run with UPDATE_REFERENCES=1, look at it, and commit it`);
  }
  const a = grey(png);
  const b = grey(readFileSync(file));
  if (a.width !== b.width || a.height !== b.height) {
    return { mean: 255, changed: 1 };
  }
  let sum = 0;
  let changed = 0;
  for (let i = 0; i < a.values.length; i++) {
    const d = Math.abs((a.values[i] ?? 0) - (b.values[i] ?? 0));
    sum += d;
    if (d > 64) {
      changed++;
    }
  }
  return { mean: sum / a.values.length, changed: changed / a.values.length };
}

/** The images placed in the PDF, as pdfimages -list sees them (width and height in pixels). */
export const pdfImages = (pdf: Uint8Array) =>
  withPdf(pdf, (path) =>
    run([tool("pdfimages"), "-list", path])
      .split("\n")
      .slice(2)
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const [, , , width, height] = line.trim().split(/\s+/);
        return { width: Number(width), height: Number(height) };
      }),
  );
