/**
 * What the console's browser tests need: the product started as users start it (`scripts/start.ts`,
 * embedded, free ports, a fresh DATA_DIR) serving a console built from the current sources, and
 * Debian's Chromium driven by playwright-core. Missing Chromium fails the run with how to install it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { buildConsole } from "../../../scripts/console-build.ts";
import { embeddedPorts } from "../../../scripts/embedded-ports.ts";

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const REPO = join(import.meta.dir, "..", "..", "..");
/** Screenshots for a reviewer (git-ignored). */
export const SCREENS_DIR = join(import.meta.dir, "..", "test-output", "screens");

export interface Product {
  url: string;
  /** file-storage's own origin: its short-lived download links (`/objects/<token>`) point there. */
  filesUrl: string;
  /** Where notification writes mail in the embedded default (invitation links land here). */
  mailDir: string;
  /** The built console's files and their sizes (bytes, raw and gzip). */
  bundle: { js: number; jsGzip: number; css: number; fonts: number };
  stop: () => Promise<void>;
}

function bundleSize(dir: string): Product["bundle"] {
  const bundle = { js: 0, jsGzip: 0, css: 0, fonts: 0 };
  for (const name of readdirSync(join(dir, "assets"))) {
    const path = join(dir, "assets", name);
    const size = statSync(path).size;
    if (name.endsWith(".js")) {
      bundle.js += size;
      bundle.jsGzip += Bun.gzipSync(readFileSync(path)).length;
    } else if (name.endsWith(".css")) {
      bundle.css += size;
    } else if (name.endsWith(".woff2")) {
      bundle.fonts += size;
    }
  }
  return bundle;
}

/** Builds the console from the sources into a temporary folder and starts `npm start` serving it. */
export async function startProduct(): Promise<Product> {
  const dataDir = mkdtempSync(join(tmpdir(), "vextrus-console-data-"));
  const consoleDir = join(dataDir, "console");
  await buildConsole(consoleDir);
  const ports = await embeddedPorts();
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, ...inherited } = process.env;
  const proc: Subprocess<"ignore", "ignore", "pipe"> = Bun.spawn([process.execPath, "scripts/start.ts"], {
    cwd: REPO,
    // A slow shared machine must not turn a slow sign-up (password hashing) into UNAVAILABLE.
    env: {
      ...inherited,
      ...ports,
      DATA_DIR: dataDir,
      CONSOLE_DIR: consoleDir,
      LOG_LEVEL: "warn",
      UPSTREAM_TIMEOUT_MS: "60000",
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stderr = new Response(proc.stderr).text();
  const url = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill("SIGTERM");
      await Promise.race([proc.exited, Bun.sleep(10_000)]);
      if (proc.exitCode === null) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (ready === 200) {
      return {
        url,
        filesUrl: `http://127.0.0.1:${ports.FILE_STORAGE_PORT}`,
        mailDir: join(dataDir, "mail"),
        bundle: bundleSize(consoleDir),
        stop,
      };
    }
    if (proc.exitCode !== null) {
      break;
    }
    await Bun.sleep(100);
  }
  await stop();
  throw new Error(`npm start did not become ready:\n${await stderr}`);
}

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the console's browser tests drive Debian's Chromium. Install it with \`apt-get install chromium\` (.ci/run does this on CI).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

export async function newContext(browser: Browser, url: string, viewport = DESKTOP): Promise<BrowserContext> {
  // bypassCSP: only so axe-core can be injected; the console itself runs under the gateway's CSP.
  const context = await browser.newContext({
    baseURL: url,
    viewport,
    locale: "bn-BD",
    timezoneId: "Asia/Dhaka",
    bypassCSP: true,
  });
  context.setDefaultTimeout(30_000);
  return context;
}

const AXE_SOURCE = await Bun.file(join(REPO, "node_modules", "axe-core", "axe.min.js")).text();

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's violations of serious or critical impact on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run(document)).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`,
    );
}

/** A full-page screenshot under test-output/screens/<name>.png for a reviewer. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
}

/** The text of a PDF as poppler's pdftotext reads it (`apt-get install poppler-utils`; .ci/run installs it). */
export function pdfText(path: string): string {
  const tool = Bun.which("pdftotext");
  if (!tool) {
    throw new Error("pdftotext is missing: install poppler-utils (.ci/run does this on CI)");
  }
  const out = Bun.spawnSync([tool, path, "-"], { stdout: "pipe", stderr: "pipe" });
  if (out.exitCode !== 0) {
    throw new Error(`pdftotext failed: ${out.stderr.toString()}`);
  }
  return out.stdout.toString();
}
