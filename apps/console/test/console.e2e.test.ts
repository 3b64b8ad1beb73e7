/**
 * The console in a real browser (Debian's Chromium through playwright-core) against `npm start`:
 * a company signs up in Bengali, its language is remembered per user, signs in and out, and every
 * screen visited passes axe-core with no serious or critical violation. Screenshots go to
 * apps/console/test-output/screens (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  launchChromium,
  newContext,
  type Product,
  screenshot,
  seriousViolations,
  startProduct,
} from "./harness.ts";

let product: Product;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchChromium()]);
  const b = product.bundle;
  console.log(
    `console bundle: JS ${(b.js / 1024).toFixed(1)} KiB (${(b.jsGzip / 1024).toFixed(1)} KiB gzip), CSS ${(b.css / 1024).toFixed(1)} KiB, Bengali fonts ${(b.fonts / 1024).toFixed(1)} KiB woff2`,
  );
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await product?.stop();
});

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, product.url, viewport);
  contexts.push(context);
  const page = await context.newPage();
  // Every request the console makes stays on its own origin: no CDN, no font service.
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(product.url) && !url.startsWith("data:") && !url.startsWith("blob:")) {
      throw new Error(`the console asked another origin: ${url}`);
    }
  });
  return page;
}

/** axe-core finds nothing serious or critical; then a screenshot for the reviewer. */
async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

const slug = `console-${Date.now().toString(36)}`;
const password = "Jute-Harbour-Monsoon-42";
const adminEmail = `farhana@${slug}.com.bd`;

describe("sign-up, sign-in and language", () => {
  test("a company signs up in Bengali; the API's validation messages show beside the fields", async () => {
    const page = await open();
    await page.goto("/");
    await page.waitForURL("**/login");
    expect(await page.getAttribute("html", "lang")).toBe("bn");
    await page.getByRole("heading", { name: "ভেক্সট্রাসে সাইন ইন করুন" }).waitFor();
    await check(page, "login-bn");

    await page.getByRole("link", { name: "আপনার কোম্পানি নিবন্ধন করুন" }).click();
    await page.getByLabel("কোম্পানির আইনগত নাম").fill("Console Builders Ltd");
    await page.getByLabel("প্রতিষ্ঠানের ঠিকানা").fill(slug);
    await page.getByLabel("আপনার নাম").fill("Farhana Islam");
    await page.getByLabel("ই-মেইল").fill("not-an-email");
    await page.getByLabel("মোবাইল").fill("01712");
    await page.getByLabel("পাসওয়ার্ড").fill(password);
    await page.getByRole("button", { name: "কোম্পানি তৈরি করুন" }).click();
    // The API refuses the mobile number: its Bengali message (from @vextrus/bd) sits beside the field.
    const mobileError = page.locator(".field", { has: page.getByLabel("মোবাইল") }).locator(".field-error");
    await mobileError.waitFor();
    expect(await mobileError.textContent()).toMatch(/[\u0980-\u09FF]/);
    expect(await page.getByLabel("মোবাইল").getAttribute("aria-invalid")).toBe("true");
    await check(page, "signup-errors-bn");

    await page.getByLabel("ই-মেইল").fill(adminEmail);
    await page.getByLabel("মোবাইল").fill("");
    await page.getByRole("button", { name: "কোম্পানি তৈরি করুন" }).click();
    await page.waitForURL("**/inbox");
    await page.getByText("আপনার জন্য কোনো অনুমোদন অপেক্ষায় নেই।").waitFor();

    // Noto Sans Bengali came from the gateway and is what the page renders Bengali with.
    const font = await page.evaluate(async () => {
      await document.fonts.ready;
      await document.fonts.load('16px "Noto Sans Bengali"', "অনুমোদন");
      return {
        ready: document.fonts.check('16px "Noto Sans Bengali"', "অনুমোদন"),
        loaded: [...document.fonts].filter(
          (f) => f.family.includes("Noto Sans Bengali") && f.status === "loaded",
        ).length,
      };
    });
    expect(font.ready).toBe(true);
    expect(font.loaded).toBeGreaterThan(0);
    await check(page, "inbox-empty-bn");
  }, 60_000);

  test("the language chosen in Settings is remembered for the user, in another browser too", async () => {
    const page = await open();
    await page.goto("/login");
    await page.getByLabel("প্রতিষ্ঠানের ঠিকানা").fill(slug);
    await page.getByLabel("ই-মেইল বা মোবাইল").fill(adminEmail);
    await page.getByLabel("পাসওয়ার্ড").fill("wrong-password-123456");
    await page.getByRole("button", { name: "সাইন ইন" }).click();
    const refusal = page.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/[\u0980-\u09FF]/);

    await page.getByLabel("পাসওয়ার্ড").fill(password);
    await page.getByRole("button", { name: "সাইন ইন" }).click();
    await page.waitForURL("**/inbox");
    await page.getByRole("link", { name: "সেটিংস" }).click();
    await page.getByRole("radio", { name: "English (ইংরেজি)" }).check();
    await page.getByText("Saved.").waitFor();
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await check(page, "settings-en");
    await page.reload();
    await page.getByRole("heading", { name: "Settings" }).waitFor();

    // A new browser (Bengali by default): after sign-in the user's English comes back.
    const other = await open();
    await other.goto("/login");
    await other.getByLabel("প্রতিষ্ঠানের ঠিকানা").fill(slug);
    await other.getByLabel("ই-মেইল বা মোবাইল").fill(adminEmail);
    await other.getByLabel("পাসওয়ার্ড").fill(password);
    await other.getByRole("button", { name: "সাইন ইন" }).click();
    await other.getByRole("heading", { name: "Approvals inbox" }).waitFor();
    await check(other, "inbox-empty-en");

    await other.getByRole("button", { name: "Sign out" }).click();
    await other.waitForURL("**/login");
    await other.getByRole("heading", { name: "Sign in to Vextrus" }).waitFor();
    await check(other, "login-en");
  }, 60_000);
});
