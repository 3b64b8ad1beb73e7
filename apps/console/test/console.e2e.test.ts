/**
 * The console in a real browser (Debian's Chromium through playwright-core) against `npm start`:
 * a company signs up in Bengali, its language is remembered per user, signs in and out, and every
 * screen visited passes axe-core with no serious or critical violation. Screenshots go to
 * apps/console/test-output/screens (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { tokenFromFolder } from "@vextrus/platform/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  DESKTOP,
  launchChromium,
  newContext,
  PHONE,
  type Product,
  pdfText,
  screenshot,
  seriousViolations,
  startProduct,
} from "./harness.ts";

let product: Product;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The administrator's page, signed in since the sign-up (Bengali). */
let adminPage: Page;

beforeAll(async () => {
  [product, browser] = await Promise.all([startProduct(), launchChromium()]);
  const b = product.bundle;
  console.log(
    `console bundle: JS ${(b.js / 1024).toFixed(1)} KiB (${(b.jsGzip / 1024).toFixed(1)} KiB gzip), CSS ${(b.css / 1024).toFixed(1)} KiB, Bengali fonts ${(b.fonts / 1024).toFixed(1)} KiB woff2`,
  );
}, 180_000);

afterAll(async () => {
  // Every page as the run left it, for whoever reads a failure.
  const pages = contexts.flatMap((c) => c.pages());
  await Promise.allSettled(pages.map((p, i) => screenshot(p, `last-${i}`)));
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await product?.stop();
});

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, product.url, viewport);
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") {
      console.error(`console error: ${message.text()}`);
    }
  });
  // Every request the console makes stays on its own origin: no CDN, no font service. The one
  // exception is a download link file storage signed (S3 in production, its folder store here).
  page.on("request", (request) => {
    const url = request.url();
    const download = url.startsWith(`${product.filesUrl}/objects/`);
    // Chromium's own PDF viewer (the preview of a Mushak-6.3) loads its files from the browser itself.
    const browserOwn = url.startsWith("chrome-extension://") || url.startsWith("chrome://");
    const own = url.startsWith(product.url) || url.startsWith("data:") || url.startsWith("blob:");
    if (!own && !download && !browserOwn) {
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
    // Signing up hashes the password and sets up the tenant in every service: slow on a loaded machine.
    await page.waitForURL("**/organization", { timeout: 120_000 });
    await page.getByRole("heading", { name: "প্রতিষ্ঠান", exact: true }).waitFor();
    adminPage = page;
    await page.getByRole("link", { name: "অনুমোদন", exact: true }).click();
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
  }, 180_000);

  test("the language and notification preferences chosen in Settings are remembered for the user, the language in another browser too", async () => {
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

    // Notification preferences: the channels of each kind of message, quiet hours, the daily digest.
    const prefs = page.getByRole("form", { name: "Notifications" });
    const channel = (category: string, name: string) =>
      prefs.getByRole("group", { name: category }).getByRole("checkbox", { name, exact: true });
    const taskSms = channel("Tasks for me (assigned, escalated)", "SMS");
    const processMail = channel("My requests (approved, rejected, returned)", "E-mail");
    const quiet = prefs.getByRole("checkbox", { name: "Hold e-mail and SMS during quiet hours" });
    const digest = prefs.getByRole("checkbox", { name: /^One e-mail a day/ });
    // The defaults: e-mail for everything, no SMS, no quiet hours, no digest.
    expect(await processMail.isChecked()).toBe(true);
    expect(await taskSms.isChecked()).toBe(false);
    expect(await quiet.isChecked()).toBe(false);
    expect(await prefs.getByLabel("From").isDisabled()).toBe(true);
    await taskSms.check();
    await processMail.uncheck();
    await quiet.check();
    await prefs.getByLabel("From").fill("22:00");
    await prefs.getByLabel("Until").fill("22:00");
    await prefs.getByRole("button", { name: "Save" }).click();
    // The API refuses quiet hours that start when they end; its message sits beside "Until".
    const untilError = prefs.locator(".field", { has: page.getByLabel("Until") }).locator(".field-error");
    await untilError.waitFor();
    expect(await untilError.textContent()).not.toBe("");
    expect(await prefs.getByLabel("Until").getAttribute("aria-invalid")).toBe("true");
    await prefs.getByLabel("Until").fill("07:30");
    await digest.check();
    await prefs.getByRole("button", { name: "Save" }).click();
    await prefs.getByText("Saved.").waitFor();
    await check(page, "settings-notifications-en");

    // The company's subscriptions: approved requests also told to every approver; a second time is
    // refused with the API's message; removed again.
    const subs = page.getByRole("region", { name: "Company subscriptions" });
    const addSub = page.getByRole("form", { name: "Add a subscription" });
    await addSub.getByLabel("Message").selectOption({ label: "A request approved" });
    await addSub.getByLabel("Send to").selectOption({ label: "Role" });
    await addSub.getByRole("button", { name: "Add a subscription" }).click();
    // No role chosen: the API's own message beside the field.
    await addSub
      .locator(".field", { has: page.getByLabel("Role", { exact: true }) })
      .locator(".field-error")
      .waitFor();
    await addSub.getByLabel("Role", { exact: true }).selectOption({ label: "approver" });
    await addSub.getByRole("button", { name: "Add a subscription" }).click();
    const subRow = subs.getByRole("row", { name: /A request approved.*Role: approver/ });
    await subRow.waitFor();
    await addSub.getByLabel("Role", { exact: true }).selectOption({ label: "approver" });
    await addSub.getByRole("button", { name: "Add a subscription" }).click();
    await addSub.getByRole("alert").filter({ hasText: "already receives these messages" }).waitFor();
    await check(page, "settings-subscriptions-en");
    await subRow.getByRole("button", { name: /^Remove: A request approved/ }).click();
    await subRow.waitFor({ state: "detached" });
    // Stored for the user: a new page reads them back from the API.
    await page.reload();
    await prefs.waitFor();
    expect(await taskSms.isChecked()).toBe(true);
    expect(await processMail.isChecked()).toBe(false);
    expect(await channel("Security (sign-in, password)", "E-mail").isChecked()).toBe(true);
    expect(await quiet.isChecked()).toBe(true);
    expect(await prefs.getByLabel("From").inputValue()).toBe("22:00");
    expect(await prefs.getByLabel("Until").inputValue()).toBe("07:30");
    expect(await digest.isChecked()).toBe(true);

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
  }, 180_000);
});

/** Signs in on a fresh page with the sign-in form (Bengali labels: a new browser starts in Bengali). */
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("প্রতিষ্ঠানের ঠিকানা").fill(slug);
  await page.getByLabel("ই-মেইল বা মোবাইল").fill(email);
  await page.getByLabel("পাসওয়ার্ড").fill(password);
  await page.getByRole("button", { name: "সাইন ইন" }).click();
  await page.waitForURL("**/inbox");
}

interface Person {
  name: string;
  email: string;
  page?: Page;
}

const people = {
  engineer: { name: "Engineer Hasan", email: `hasan@${slug}.com.bd` } as Person,
  siteManager: { name: "Site Manager Sultana", email: `sultana@${slug}.com.bd` } as Person,
  pm: { name: "Manager Karim", email: `karim@${slug}.com.bd` } as Person,
  director: { name: "Director Rahman", email: `rahman@${slug}.com.bd` } as Person,
};
const subject = "Cement for Site A: 4,000 bags";
let firstLoadMs = 0;
let processUrl = "";

/**
 * The inbox opened in a new browser with an empty cache but the same session: milliseconds from the
 * start of navigation until the waiting task is on screen (the page's own clock).
 */
async function firstLoadOfInbox(signedIn: Page): Promise<number> {
  const context = await browser.newContext({
    baseURL: product.url,
    storageState: await signedIn.context().storageState(),
    viewport: DESKTOP,
  });
  // The page's own record of when the task row entered the document, and the frame that painted it
  // (the test's polling would add its own delay on a busy machine), and its long tasks.
  await context.addInitScript((text: string) => {
    const w = window as unknown as Record<string, unknown>;
    const longTasks: number[] = [];
    w.__longTasks = longTasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        longTasks.push(Math.round(entry.duration));
      }
    }).observe({ type: "longtask", buffered: true });
    const observer = new MutationObserver(() => {
      const row = [...document.querySelectorAll("tr")].find((tr) => tr.textContent?.includes(text));
      if (row && w.__inDom === undefined) {
        w.__inDom = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => (w.__painted = performance.now())));
      }
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  }, subject);
  try {
    const page = await context.newPage();
    await page.goto("/inbox", { waitUntil: "commit" });
    await page.getByRole("row", { name: new RegExp(subject) }).waitFor();
    await page.waitForFunction(() => "__painted" in window);
    // What the page waited for, on its own clock: the document, its scripts, then each API call.
    const timeline = await page.evaluate(() => {
      const w = window as unknown as Record<string, number | number[]>;
      const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const scripts = resources.filter((r) => r.name.endsWith(".js"));
      const mark = (name: string) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1);
      const calls = resources
        .filter((r) => r.name.includes("/trpc/"))
        .map((r) => {
          const path = decodeURIComponent(new URL(r.name).pathname.slice("/trpc/".length));
          return `${path.length > 90 ? `${path.slice(0, 90)}…` : path} ${Math.round(r.startTime)}→${Math.round(r.responseEnd)}`;
        });
      return {
        inDom: Math.round(Number(w.__inDom)),
        shown: Math.round(Number(w.__painted)),
        html: Math.round(navigation.responseEnd),
        scripts: Math.round(Math.max(...scripts.map((r) => r.responseEnd))),
        started: mark("console:start"),
        asked: mark("console:tasks-asked"),
        answered: mark("console:tasks-answered"),
        longTasks: (w.__longTasks as number[]).join(", "),
        calls,
      };
    });
    console.log(
      `first load of the inbox (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          " ",
        )}): html ${timeline.html} ms, scripts loaded ${timeline.scripts} ms, tasks asked early ${timeline.asked} ms and answered ${timeline.answered} ms (-1: not early), app running ${timeline.started} ms, task row in the page ${timeline.inDom} ms, painted ${timeline.shown} ms; long tasks (ms): ${timeline.longTasks || "none"}; calls (start→end ms):\n  ${timeline.calls.join("\n  ")}`,
    );
    // The tasks were asked for by index.html's inline script before the app's code ran.
    expect(timeline.asked).toBeGreaterThanOrEqual(0);
    return timeline.shown;
  } finally {
    await context.close();
  }
}

describe("an organization, a 7,50,000 BDT purchase request and three approvers", () => {
  test("the administrator builds the organization in the console (Bengali)", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "প্রতিষ্ঠান", exact: true }).click();
    const form = (name: string) => page.getByRole("form", { name, exact: true });

    const companies = form("কোম্পানি");
    await companies.getByLabel("নাম (ইংরেজি)").fill("Console Housing");
    await companies.getByLabel("নাম (বাংলা)").fill("কনসোল হাউজিং");
    await companies.getByRole("button", { name: "তৈরি করুন" }).click();
    await page.getByText("কনসোল হাউজিং").first().waitFor();

    // A branch: the API refuses a three-digit postcode, with its Bengali message beside the field.
    const branches = form("শাখা");
    await branches.getByLabel("কোম্পানি").selectOption({ label: "কনসোল হাউজিং" });
    await branches.getByLabel("নাম (ইংরেজি)").fill("Purbachal branch");
    await branches.getByLabel("নাম (বাংলা)").fill("পূর্বাচল শাখা");
    await branches.getByLabel("জেলা").fill("Dhaka");
    await branches.getByLabel("পোস্টকোড").fill("১২৩");
    await branches.getByRole("button", { name: "তৈরি করুন" }).click();
    const postcodeError = branches
      .locator(".field", { has: page.getByLabel("পোস্টকোড") })
      .locator(".field-error");
    await postcodeError.waitFor();
    expect(await postcodeError.textContent()).toMatch(/[\u0980-\u09FF]/);
    await branches.getByLabel("পোস্টকোড").fill("১৪৬০");
    await branches.getByRole("button", { name: "তৈরি করুন" }).click();
    await page.getByRole("cell", { name: "পূর্বাচল শাখা", exact: true }).waitFor();

    const departments = form("বিভাগের কাঠামো");
    for (const [name, nameBn] of [
      ["Head office", "প্রধান কার্যালয়"],
      ["Site A, Purbachal", "সাইট এ, পূর্বাচল"],
    ] as const) {
      await departments.getByLabel("কোম্পানি").selectOption({ label: "কনসোল হাউজিং" });
      await departments.getByLabel("নাম (ইংরেজি)").fill(name);
      await departments.getByLabel("নাম (বাংলা)").fill(nameBn);
      await departments.getByRole("button", { name: "তৈরি করুন" }).click();
      await page.locator(".tree .dept", { hasText: nameBn }).waitFor();
    }
    // Drag the site under the head office: the tree shows it nested.
    await page
      .locator(".tree .dept", { hasText: "সাইট এ, পূর্বাচল" })
      .dragTo(page.locator(".tree .dept", { hasText: "প্রধান কার্যালয়" }));
    await page.locator(".tree .tree .dept", { hasText: "সাইট এ, পূর্বাচল" }).waitFor();

    const designations = form("পদবি");
    for (const [name, nameBn, rank, limit] of [
      ["Site Engineer", "সাইট প্রকৌশলী", "1", "0"],
      ["Site Manager", "সাইট ব্যবস্থাপক", "2", "200000"],
      ["Project Manager", "প্রকল্প ব্যবস্থাপক", "2", "500000"],
      ["Director", "পরিচালক", "3", "5000000"],
    ] as const) {
      await designations.getByLabel("নাম (ইংরেজি)").fill(name);
      await designations.getByLabel("নাম (বাংলা)").fill(nameBn);
      await designations.getByLabel("পদমর্যাদা").fill(rank);
      await designations.getByLabel("অনুমোদন সীমা (৳)").fill(limit);
      await designations.getByRole("button", { name: "তৈরি করুন" }).click();
      await page.getByRole("cell", { name: nameBn }).waitFor();
    }
    // Limits read in lakh with Bengali digits.
    await page.getByText("৳৫,০০,০০০.০০").waitFor();
    await page.getByText("(৫০ লাখ)").waitFor();

    const invite = form("আমন্ত্রণ জানান");
    for (const [person, role] of [
      [people.engineer, "manager"],
      [people.siteManager, "approver"],
      [people.pm, "approver"],
      [people.director, "approver"],
    ] as const) {
      await invite.getByLabel("নাম (ইংরেজি)").fill(person.name);
      await invite.getByLabel("ই-মেইল").fill(person.email);
      await invite.getByLabel("ভূমিকা").selectOption({ label: role });
      await invite.getByRole("button", { name: "আমন্ত্রণ জানান" }).click();
      await page.getByText(person.email).first().waitFor();
      // The link reaches the invited address only: notification writes it under DATA_DIR/mail.
      const token = await tokenFromFolder(product.mailDir, person.email, "accept-invite", 60_000);
      const context = await newContext(browser, product.url);
      contexts.push(context);
      person.page = await context.newPage();
      await person.page.goto(`/accept-invite?token=${encodeURIComponent(token)}`);
      await person.page.getByLabel("পাসওয়ার্ড").fill(password);
      await person.page.getByRole("button", { name: "পাসওয়ার্ড ঠিক করুন" }).click();
      await person.page.getByText("আপনার পাসওয়ার্ড ঠিক করা হয়েছে।").waitFor();
    }

    const memberships = form("সদস্যপদ ও কার কাছে রিপোর্ট করেন");
    for (const [person, designation, reportsTo] of [
      [people.director, "পরিচালক", undefined],
      [people.pm, "প্রকল্প ব্যবস্থাপক", people.director],
      [people.siteManager, "সাইট ব্যবস্থাপক", people.pm],
      [people.engineer, "সাইট প্রকৌশলী", people.siteManager],
    ] as const) {
      await memberships.getByLabel("ব্যক্তি").selectOption({ label: person.name });
      await memberships.getByLabel("কোম্পানি").selectOption({ label: "কনসোল হাউজিং" });
      await memberships.getByLabel("বিভাগ").selectOption({ label: "সাইট এ, পূর্বাচল" });
      await memberships.getByLabel("পদবি").selectOption({ label: designation });
      if (reportsTo) {
        await memberships.getByLabel("রিপোর্ট করেন").selectOption({ label: reportsTo.name });
      }
      await memberships.getByRole("button", { name: "তৈরি করুন" }).click();
      await page.getByRole("row", { name: new RegExp(person.name) }).waitFor();
    }

    await page.getByRole("button", { name: "ক্রয় অনুরোধ প্রক্রিয়া যোগ করুন" }).click();
    await page.getByText("ক্রয় অনুরোধ (purchase.requisition)").waitFor();
    await check(page, "organization-bn");
  }, 180_000);

  test("master data: a vendor refused with the API's own BIN message, created, found in Bengali and English, edited", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "মাস্টার ডেটা" }).click();
    const form = page.getByRole("form", { name: "নতুন পক্ষ" });
    await form.getByLabel("নাম (ইংরেজি)").fill("Bashundhara Cement Ltd");
    await form.getByLabel("নাম (বাংলা)").fill("বসুন্ধরা সিমেন্ট লিমিটেড");
    await form.getByLabel("বিআইএন").fill("12345");
    await form.getByRole("button", { name: "সংরক্ষণ" }).click();
    const binError = form.locator(".field", { has: page.getByLabel("বিআইএন") }).locator(".field-error");
    await binError.waitFor();
    expect(await binError.textContent()).toContain("বিআইএন");
    await check(page, "master-data-errors-bn");
    await form.getByLabel("বিআইএন").fill("000123456-0101");
    await form.getByRole("button", { name: "সংরক্ষণ" }).click();
    await page.getByText("সংরক্ষিত হয়েছে।").waitFor();

    const search = page.getByRole("searchbox").first();
    for (const term of ["বসুন্ধরা", "Bashundhara"]) {
      await search.fill(term);
      await page.getByRole("cell", { name: "বসুন্ধরা সিমেন্ট লিমিটেড", exact: true }).waitFor();
    }
    await search.fill("Meghna");
    await page
      .getByRole("cell", { name: "বসুন্ধরা সিমেন্ট লিমিটেড", exact: true })
      .waitFor({ state: "detached" });
    await search.fill("");

    await page.getByRole("button", { name: "সম্পাদনা: Bashundhara Cement Ltd" }).click();
    const edit = page.getByRole("form", { name: "পক্ষ সম্পাদনা" });
    await edit.getByLabel("নাম (বাংলা)").fill("বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ");
    await edit.getByRole("button", { name: "সংরক্ষণ" }).click();
    await page.getByRole("cell", { name: "বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ", exact: true }).waitFor();

    // Items: created, refused with the API's H.S. code message on edit, found in Bengali, edited.
    const items = page.getByRole("region", { name: "পণ্য" });
    const newItem = page.getByRole("form", { name: "নতুন পণ্য" });
    // A new company has no units: it takes the standard ones first.
    await items.getByRole("button", { name: /^প্রচলিত এককগুলো যোগ করুন/ }).click();
    await items.getByRole("button", { name: /^প্রচলিত এককগুলো যোগ করুন/ }).waitFor({ state: "detached" });
    await newItem.getByLabel("কোড", { exact: true }).fill("BRK-01");
    await newItem.getByLabel("নাম (ইংরেজি)").fill("First class brick");
    await newItem.getByLabel("নাম (বাংলা)").fill("প্রথম শ্রেণির ইট");
    await newItem.getByLabel("একক").selectOption({ label: "নগ" });
    await newItem.getByRole("button", { name: "তৈরি করুন" }).click();
    await items.getByRole("cell", { name: "প্রথম শ্রেণির ইট", exact: true }).waitFor();
    await items.getByRole("searchbox").fill("ইট");
    await items.getByRole("cell", { name: "BRK-01", exact: true }).waitFor();
    await items.getByRole("button", { name: "সম্পাদনা: BRK-01" }).click();
    const editItem = page.getByRole("form", { name: "পণ্য সম্পাদনা" });
    // The base unit is fixed once the item exists.
    expect(await editItem.getByLabel("একক").isDisabled()).toBe(true);
    await editItem.getByLabel("নাম (বাংলা)").fill("প্রথম শ্রেণির ইট (ঝামা)");
    await editItem.getByLabel("এইচ.এস. কোড").fill("6904");
    await editItem.getByRole("button", { name: "সংরক্ষণ" }).click();
    const hsError = editItem
      .locator(".field", { has: page.getByLabel("এইচ.এস. কোড") })
      .locator(".field-error");
    await hsError.waitFor();
    expect(await hsError.textContent()).toContain("৮ অঙ্কের");
    await editItem.getByLabel("এইচ.এস. কোড").fill("৬৯০৪.১০.০০");
    await editItem.getByRole("button", { name: "সংরক্ষণ" }).click();
    await items.getByRole("cell", { name: "প্রথম শ্রেণির ইট (ঝামা)", exact: true }).waitFor();
    await items.getByRole("searchbox").fill("");
    await check(page, "master-data-bn");
  }, 180_000);

  test("the engineer asks who will approve 7,50,000 BDT, then submits it", async () => {
    const page = people.engineer.page as Page;
    await signIn(page, people.engineer.email);
    await page.getByRole("link", { name: "নতুন অনুরোধ" }).click();
    await page.getByLabel("প্রক্রিয়া").selectOption({ label: "ক্রয় অনুরোধ" });
    await page.getByLabel("বিভাগ").selectOption({ label: "সাইট এ, পূর্বাচল" });
    await page.getByLabel("টাকার পরিমাণ (৳)").fill("৭,৫০,০০০");
    await page.getByLabel("কীসের জন্য?").fill(subject);
    await page.getByLabel("সরবরাহকারী খুঁজুন (ইংরেজি বা বাংলায়)").fill("বসুন্ধরা");
    await page.getByRole("radio", { name: /বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ/ }).check();
    await page.getByRole("button", { name: "কে এটি অনুমোদন করবেন?" }).click();
    const steps = page.locator(".preview li");
    await steps.nth(2).waitFor();
    expect(await steps.allTextContents()).toEqual([
      `ধাপ ১: ${people.siteManager.name} (সাইট ব্যবস্থাপক)`,
      `ধাপ ২: ${people.pm.name} (প্রকল্প ব্যবস্থাপক)`,
      `ধাপ ৩: ${people.director.name} (পরিচালক)`,
    ]);
    // VAT at 15 %: 1,12,500.
    await page.getByText("৳১,১২,৫০০.০০").waitFor();
    await check(page, "new-request-preview-bn");

    // A quotation attached before submitting goes to file storage, attached to the request.
    await page.getByLabel("সংযুক্তি").setInputFiles({
      name: "quotation.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n% quotation for 4,000 bags of cement\n%%EOF\n"),
    });
    await page.getByRole("button", { name: "অনুরোধ জমা দিন" }).click();
    await page.waitForURL("**/processes/*");
    processUrl = new URL(page.url()).pathname;
    await page.getByRole("heading", { name: subject }).waitFor();
    await page.getByRole("button", { name: "quotation.pdf" }).waitFor();
    expect(await page.locator(".facts").textContent()).toContain("৳৭,৫০,০০০.০০ (৭.৫ লাখ)");
    await check(page, "process-submitted-bn");
  }, 180_000);

  test("three approvers, each in their own browser, approve it with comments; the history shows who did what", async () => {
    const approvers = [
      [people.siteManager, "Quantity checked against the BOQ"],
      [people.pm, "Within the site budget"],
      [people.director, "Approved: order from the usual supplier"],
    ] as const;
    for (const [index, [person, comment]] of approvers.entries()) {
      const page = person.page as Page;
      const began = performance.now();
      await signIn(page, person.email);
      const row = page.getByRole("row", { name: new RegExp(subject) });
      await row.waitFor();
      if (index === 0) {
        console.log(
          `inbox with one task shown ${Math.round(performance.now() - began)} ms after the sign-in click`,
        );
      }
      if (index === 2) {
        // Three first loads one after another: the first often meets the embedded process still
        // handling the previous approval's events (mail, audit, the stream); all three are printed.
        const samples: number[] = [];
        for (let i = 0; i < 3; i++) {
          samples.push(await firstLoadOfInbox(page));
        }
        firstLoadMs = [...samples].sort((a, b) => a - b)[1] ?? 0;
        console.log(
          `first load of the inbox (empty cache, signed in, one task): ${samples.join(" ms, ")} ms; median ${firstLoadMs} ms`,
        );
      }
      expect(await row.textContent()).toContain("৭.৫ লাখ");
      await row.getByRole("button", { name: /খুলুন/ }).click();
      await page.getByLabel("মন্তব্য").fill(comment);
      if (index === 0) {
        await check(page, "inbox-task-bn");
      }
      await page.getByRole("button", { name: "অনুমোদন", exact: true }).click();
      await page.getByText("আপনার সিদ্ধান্ত লিপিবদ্ধ হয়েছে।").waitFor();
    }

    // The engineer's page, open on the request since submitting it, shows the decision without a
    // reload: the in-app stream told it (the request itself is not polled).
    const page = people.engineer.page as Page;
    await page.locator(".facts").getByText("অনুমোদিত").waitFor();
    const history = await page.locator("table.history tbody tr").allTextContents();
    const approvals = history.filter((row) => row.includes("অনুমোদিত"));
    expect(approvals).toHaveLength(3);
    for (const [i, [person, comment]] of approvers.entries()) {
      expect(approvals[i]).toContain(person.name);
      expect(approvals[i]).toContain(comment);
    }
    await check(page, "process-approved-bn");
  }, 180_000);
});

describe("returned and rejected", () => {
  test("one request returned for changes and another rejected by the site manager, with comments the engineer sees live", async () => {
    const engineer = people.engineer.page as Page;
    const manager = people.siteManager.page as Page;
    for (const [what, button, status, comment] of [
      [
        "Rods for Site A: 2 tons",
        "সংশোধনের জন্য ফেরত",
        "সংশোধনের জন্য ফেরত",
        "Attach the mill's test certificate",
      ],
      ["Paint for the show flat", "প্রত্যাখ্যান", "প্রত্যাখ্যাত", "Not in this quarter's budget"],
    ] as const) {
      await engineer.getByRole("link", { name: "নতুন অনুরোধ" }).click();
      await engineer.getByLabel("প্রক্রিয়া").selectOption({ label: "ক্রয় অনুরোধ" });
      await engineer.getByLabel("বিভাগ").selectOption({ label: "সাইট এ, পূর্বাচল" });
      await engineer.getByLabel("টাকার পরিমাণ (৳)").fill("১,৫০,০০০");
      await engineer.getByLabel("কীসের জন্য?").fill(what);
      await engineer.getByRole("button", { name: "অনুরোধ জমা দিন" }).click();
      await engineer.getByRole("heading", { name: what }).waitFor();

      // Its nav link carries the unread count in its name now: the inbox by its address.
      await manager.goto("/inbox");
      const row = manager.getByRole("row", { name: new RegExp(what) });
      await row.getByRole("button", { name: /খুলুন/ }).click();
      await manager.getByLabel("মন্তব্য").fill(comment);
      await manager.getByRole("button", { name: button, exact: true }).click();
      await manager.getByText("আপনার সিদ্ধান্ত লিপিবদ্ধ হয়েছে।").waitFor();

      // The engineer's open request changes without a reload (the in-app stream), comment and all.
      await engineer.locator(".facts").getByText(status).waitFor();
      await engineer.locator("table.history tbody tr", { hasText: comment }).waitFor();
    }
    await check(engineer, "process-rejected-bn");
  }, 180_000);

  test("the site manager delegates a task to the project manager until a date; it waits under 'delegated to me' until he approves it", async () => {
    const engineer = people.engineer.page as Page;
    const manager = people.siteManager.page as Page;
    const pm = people.pm.page as Page;
    const what = "Sand for Site A: 10 trucks";
    await engineer.getByRole("link", { name: "নতুন অনুরোধ" }).click();
    await engineer.getByLabel("প্রক্রিয়া").selectOption({ label: "ক্রয় অনুরোধ" });
    await engineer.getByLabel("বিভাগ").selectOption({ label: "সাইট এ, পূর্বাচল" });
    await engineer.getByLabel("টাকার পরিমাণ (৳)").fill("১,২০,০০০");
    await engineer.getByLabel("কীসের জন্য?").fill(what);
    await engineer.getByRole("button", { name: "অনুরোধ জমা দিন" }).click();
    await engineer.getByRole("heading", { name: what }).waitFor();

    await manager.goto("/inbox");
    await manager
      .getByRole("row", { name: new RegExp(what) })
      .getByRole("button", { name: /খুলুন/ })
      .click();
    const delegate = manager.getByRole("form", { name: "অর্পণ করুন" });
    await delegate.getByLabel("যাকে অর্পণ করবেন").selectOption({ label: people.pm.name });
    await delegate.getByLabel("পর্যন্ত").fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
    await delegate.getByRole("button", { name: "অর্পণ করুন" }).click();
    await manager.getByText("কাজটি অর্পণ করা হয়েছে।").waitFor();

    await pm.goto("/inbox");
    const row = pm.getByRole("table", { name: "আমাকে অর্পিত" }).getByRole("row", { name: new RegExp(what) });
    await row.waitFor();
    await check(pm, "inbox-delegated-bn");
    await row.getByRole("button", { name: /খুলুন/ }).click();
    await pm.getByLabel("মন্তব্য").fill("Approved for the site manager while she is away");
    await pm.getByRole("button", { name: "অনুমোদন", exact: true }).click();
    await pm.getByText("আপনার সিদ্ধান্ত লিপিবদ্ধ হয়েছে।").waitFor();
    await engineer
      .locator("table.history tbody tr", { hasText: "Approved for the site manager while she is away" })
      .waitFor();
  }, 180_000);
});

describe("the console as a whole", () => {
  test("audit: the chain verifies, the log filters by event type, and the rows shown download as CSV", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "নিরীক্ষা" }).click();
    await page.getByRole("button", { name: "শৃঙ্খল যাচাই করুন" }).click();
    await page.getByText(/শৃঙ্খল অক্ষত: [০-৯]+টি রেকর্ড যাচাই করা হয়েছে।/).waitFor();
    await page.getByLabel("ঘটনার ধরন").fill("vextrus.workflow.");
    await page.getByRole("button", { name: "ছাঁকুন" }).click();
    await page.getByRole("cell", { name: "vextrus.workflow.instance.started" }).first().waitFor();
    const types = await page.locator("table tbody tr td:nth-child(3)").allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((type) => type.startsWith("vextrus.workflow."))).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "সিএসভি নামান" }).click(),
    ]);
    const file = Bun.file((await download.path()) ?? "");
    // A byte-order mark first, so spreadsheet programs read the file as UTF-8.
    expect([...new Uint8Array(await file.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = await file.text();
    expect(csv.split("\r\n")[0]).toBe("seq,time,type,subjectId,actorId,eventId,hash");
    expect(csv).toContain("vextrus.workflow.task.approved");
    // Every matching row, as the audit service's own export streams it through the gateway.
    const [all] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "মিলে যাওয়া সব সারি নামান (সিএসভি)" }).click(),
    ]);
    expect(all.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const exported = await Bun.file((await all.path()) ?? "").text();
    expect(exported).toContain("vextrus.workflow.task.approved");
    expect(exported).not.toContain("vextrus.auth.");
    await check(page, "audit-bn");
  }, 180_000);

  test("documents: a Mushak-6.3 previewed, refused with the API's BIN message, issued, its PDF downloaded and read, a copy verified", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "নথি" }).click();
    const form = page.getByRole("form", { name: "মূসক-৬.৩ কর চালানপত্র" });
    const group = (name: string) => form.getByRole("group", { name, exact: true });
    await form.getByLabel("চালান নম্বর").fill("CON-2026/0001");
    const seller = group("বিক্রেতা (আপনার কোম্পানি)");
    // The seller is filled from the company's record.
    expect(await seller.getByLabel("নাম").inputValue()).toBe("কনসোল হাউজিং");
    await seller.getByLabel("বিআইএন").fill("0001234560101");
    await seller.getByLabel("ঠিকানা").fill("বাড়ি ১২, রোড ৫, ধানমন্ডি, ঢাকা ১২০৫");
    const buyer = group("ক্রেতা");
    await buyer.getByLabel("পক্ষ থেকে পূরণ করুন").selectOption({ label: "বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ" });
    expect(await buyer.getByLabel("নাম").inputValue()).toBe("বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ");
    await buyer.getByLabel("বিআইএন").fill("12345");
    await buyer.getByLabel("ঠিকানা").fill("আগ্রাবাদ বা/এ, চট্টগ্রাম ৪১০০");
    await form.getByLabel("সরবরাহের স্থান").fill("পূর্বাচল সাইট এ");
    const line = group("লাইন ১");
    await line.getByLabel("পণ্য বা সেবার বর্ণনা").fill("সিমেন্ট (৫০ কেজি)");
    await line.getByLabel("একক", { exact: true }).fill("ব্যাগ");
    await line.getByLabel("পরিমাণ").fill("৪০০");
    await line.getByLabel("একক মূল্য (৳)").fill("৫৪০");
    const officer = group("ক্ষমতাপ্রাপ্ত ব্যক্তি");
    await officer.getByLabel("নাম").fill("আব্দুল কাদের");
    await officer.getByLabel("পদবি").fill("হিসাব কর্মকর্তা");
    await form.getByRole("button", { name: "প্রিভিউ" }).click();
    // The buyer's BIN is refused by the API; its Bengali message sits beside that field.
    const binError = buyer.locator(".field", { has: page.getByLabel("বিআইএন") }).locator(".field-error");
    await binError.waitFor();
    expect(await binError.textContent()).toMatch(/[\u0980-\u09FF]/);
    await buyer.getByLabel("বিআইএন").fill("0009876540202");
    await form.getByRole("button", { name: "প্রিভিউ" }).click();
    // 400 bags × ৳540 + 15 % VAT = ৳2,48,400, previewed in the page.
    await page.getByRole("heading", { name: /CON-2026\/0001-এর প্রিভিউ/ }).waitFor();
    expect(await page.getByRole("heading", { name: /প্রিভিউ/ }).textContent()).toContain("৳২,৪৮,৪০০.০০");
    expect(await page.locator("iframe.pdf").getAttribute("src")).toMatch(/^blob:/);
    // Chromium's PDF viewer in the page keeps the network busy: no waiting for it to be idle.
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "documents-preview-bn");

    await form.getByRole("button", { name: "চালান ইস্যু করুন" }).click();
    await page.getByText("চালান CON-2026/0001 ইস্যু হয়েছে।").waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("status").getByRole("button", { name: "পিডিএফ নামান: CON-2026/0001" }).click(),
    ]);
    const pdfPath = (await download.path()) ?? "";
    const pdf = new Uint8Array(await Bun.file(pdfPath).arrayBuffer());
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe("%PDF-");
    const text = pdfText(pdfPath);
    // Strings pdftotext extracts whole (it splits some Bengali conjuncts; the document generator's
    // own tests compare the drawn pages with reference images).
    for (const expected of [
      "কর চালানপত্র",
      "CON-2026/0001",
      "০০০৯৮৭৬৫৪-০২০২",
      "২,৪৮,৪০০.০০",
      "Taka Two Lakh Forty Eight Thousand Four Hundred Only",
    ]) {
      expect(text).toContain(expected);
    }
    await page.getByRole("cell", { name: "CON-2026/0001", exact: true }).waitFor();

    // The downloaded copy is genuine; a copy with one byte changed is not.
    await page.getByLabel("যাচাইয়ের পিডিএফ").setInputFiles(pdfPath);
    await page.getByText(/আসল: চালান CON-2026\/0001/).waitFor();
    const tampered = join(mkdtempSync(join(tmpdir(), "console-pdf-")), "copy.pdf");
    const changed = pdf.slice();
    changed[changed.length - 10] = (changed[changed.length - 10] ?? 0) ^ 1;
    writeFileSync(tampered, changed);
    await page.getByLabel("যাচাইয়ের পিডিএফ").setInputFiles(tampered);
    await page.getByText("আসল নয়: এখানে ইস্যু করা কোনো চালানের সাথে মেলে না।").waitFor();
    await check(page, "documents-bn");
  }, 180_000);

  test("imports: a CSV of parties uploaded, previewed row by row with the error, applied with progress, the error file downloaded", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "ইমপোর্ট" }).click();
    const csv = join(mkdtempSync(join(tmpdir(), "console-import-")), "parties.csv");
    // Two rows to look at, and 22 more so the master-data list has a second page (20 a page).
    const more = Array.from(
      { length: 22 },
      (_, i) => `Supplier ${String(i + 1).padStart(2, "0")} Ltd,supplier,`,
    );
    writeFileSync(
      csv,
      `${["name,roles,bin", "Meghna Cement Ltd,supplier,", "Bad BIN Traders,supplier,12345", ...more].join("\r\n")}\r\n`,
    );
    await page.getByLabel("স্প্রেডশিট (সিএসভি বা এক্সএলএসএক্স)").setInputFiles(csv);
    await page.getByRole("button", { name: "আপলোড ও প্রিভিউ" }).click();
    await page.getByRole("status").filter({ hasText: "প্রিভিউ প্রস্তুত" }).waitFor({ timeout: 90_000 });
    const good = page.getByRole("row", { name: /Meghna Cement Ltd/ });
    await good.getByText("নতুন").waitFor();
    const bad = page.getByRole("row", { name: /Bad BIN Traders/ });
    await bad.getByText("ত্রুটি").first().waitFor();
    expect(await bad.locator(".field-error").textContent()).toMatch(/bin: .*[\u0980-\u09FF]/);
    await check(page, "imports-preview-bn");

    await page.getByRole("button", { name: "ইমপোর্ট প্রয়োগ করুন" }).click();
    await page.getByRole("status").filter({ hasText: "প্রয়োগ হয়েছে" }).waitFor({ timeout: 90_000 });
    // Every row done, the bad one failed: Meghna Cement Ltd was created, not refused at apply.
    await page.getByText("২৪টির মধ্যে ২৪টি সারি সম্পন্ন, ১টি ব্যর্থ").waitFor();
    expect(await page.locator("progress").getAttribute("value")).toBe(
      await page.locator("progress").getAttribute("max"),
    );

    // The error file: made on demand, kept by file storage, downloaded through its short-lived link
    // (another origin, as S3 is in production). It holds the failed row and its error only.
    await page.getByRole("button", { name: "ত্রুটির ফাইল তৈরি করুন" }).click();
    const link = page.getByRole("link", { name: "ত্রুটির ফাইল নামান (১টি সারি)" });
    await link.waitFor({ timeout: 60_000 });
    expect((await link.getAttribute("href"))?.startsWith(`${product.filesUrl}/objects/`)).toBe(true);
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("party-import-errors.csv");
    const errors = await Bun.file((await download.path()) ?? "").text();
    const lines = errors
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("name,roles,bin,ত্রুটি");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^Bad BIN Traders,supplier,12345,"?bin: .*[\u0980-\u09FF]/),
    ]);
    await check(page, "imports-bn");

    // The master-data screen shows the party the import created (the page refreshed its cached list
    // when the job ended; the list was last read by the Documents screen, before the import).
    // 24 parties now: the first page holds 20, "load more" brings the rest (the API's cursor).
    await page.getByRole("link", { name: "মাস্টার ডেটা" }).click();
    const parties = page.getByRole("region", { name: "পক্ষ" });
    const rows = parties.locator("tbody tr");
    const loadMore = parties.getByRole("button", { name: "আরও দেখুন: পক্ষ" });
    await loadMore.waitFor();
    expect(await rows.count()).toBe(20);
    await check(page, "master-data-page-1-bn");
    await loadMore.click();
    await loadMore.waitFor({ state: "detached" });
    expect(await rows.count()).toBe(24);
    await parties.getByRole("cell", { name: "Meghna Cement Ltd", exact: true }).waitFor();
  }, 240_000);

  test("imports: items and a chart of accounts, each kind the import service takes", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "ইমপোর্ট" }).click();
    const kinds = await page.getByLabel("কী ইমপোর্ট করবেন").locator("option").allTextContents();
    expect(kinds).toEqual(["বেছে নিন…", "পক্ষ", "পণ্য", "হিসাবের তালিকা"]);
    const folder = mkdtempSync(join(tmpdir(), "console-import-"));

    /** Uploads `body` as a spreadsheet of `entity` and waits for its row-by-row preview. */
    const importOf = async (entity: string, name: string, body: string) => {
      await page.getByLabel("কী ইমপোর্ট করবেন").selectOption({ label: entity });
      const file = join(folder, name);
      writeFileSync(file, body);
      await page.getByLabel("স্প্রেডশিট (সিএসভি বা এক্সএলএসএক্স)").setInputFiles(file);
      await page.getByRole("button", { name: "আপলোড ও প্রিভিউ" }).click();
      await page.getByRole("status").filter({ hasText: "প্রিভিউ প্রস্তুত" }).waitFor({ timeout: 90_000 });
    };

    // Items: the template is the items' own; one row new, one refused for a unit that does not exist.
    await page.getByLabel("কী ইমপোর্ট করবেন").selectOption({ label: "পণ্য" });
    const [template] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "সিএসভি টেমপ্লেট" }).click(),
    ]);
    expect(template.suggestedFilename()).toMatch(/^item/);
    await importOf(
      "পণ্য",
      "items.csv",
      "code,name,nameBn,baseUnitId\r\nCEM-50,OPC cement 50 kg,ওপিসি সিমেন্ট ৫০ কেজি,bag\r\nROD-12,MS rod 12 mm,,no-such-unit\r\n",
    );
    await page
      .getByRole("row", { name: /CEM-50/ })
      .getByText("নতুন")
      .waitFor();
    await page
      .getByRole("row", { name: /ROD-12/ })
      .getByText("ত্রুটি")
      .first()
      .waitFor();
    await check(page, "imports-items-preview-bn");
    await page.getByRole("button", { name: "ইমপোর্ট প্রয়োগ করুন" }).click();
    await page.getByRole("status").filter({ hasText: "প্রয়োগ হয়েছে" }).waitFor({ timeout: 90_000 });

    // A chart of accounts: each row names its company by the id the screen lists; a group and a ledger under it.
    await page.getByLabel("কী ইমপোর্ট করবেন").selectOption({ label: "হিসাবের তালিকা" });
    const companyId =
      (await page.locator(".hint li", { hasText: "কনসোল হাউজিং" }).locator("code").textContent()) ?? "";
    expect(companyId).toMatch(/^[0-9a-f-]{36}$/);
    await importOf(
      "হিসাবের তালিকা",
      "accounts.csv",
      `companyId,code,name,nameBn,type,isGroup,parentId\r\n${companyId},1000,Assets,সম্পদ,asset,true,\r\n${companyId},1110,Cash in hand,হাতে নগদ,asset,false,1000\r\n`,
    );
    await page
      .getByRole("row", { name: /Cash in hand/ })
      .getByText("নতুন")
      .waitFor();
    await page.getByRole("button", { name: "ইমপোর্ট প্রয়োগ করুন" }).click();
    await page.getByRole("status").filter({ hasText: "প্রয়োগ হয়েছে" }).waitFor({ timeout: 90_000 });
    await page.getByText("২টির মধ্যে ২টি সারি সম্পন্ন, ০টি ব্যর্থ").waitFor();
    // The list of imports names each one's kind.
    await page.getByRole("cell", { name: "হিসাবের তালিকা", exact: true }).waitFor();
    await check(page, "imports-accounts-bn");

    // The imported item is on the master-data screen (its list refreshed when the job ended).
    await page.getByRole("link", { name: "মাস্টার ডেটা" }).click();
    await page
      .getByRole("region", { name: "পণ্য" })
      .getByRole("cell", { name: "CEM-50", exact: true })
      .waitFor();
  }, 240_000);

  test("an e-mail verified from Settings; then a forgotten password: the mailed link lands on the reset page, the new password signs in (phone)", async () => {
    // Only a verified address gets a reset link: the engineer verifies theirs from Settings.
    const engineer = people.engineer.page as Page;
    await engineer.getByRole("link", { name: "সেটিংস" }).click();
    await engineer.getByText(/এখনও যাচাই হয়নি/).waitFor();
    await engineer.getByRole("button", { name: "আমার ই-মেইল যাচাইয়ের লিংক পাঠান" }).click();
    await engineer.getByText("একটি লিংক পাঠানো হয়েছে।").waitFor();
    const verifyToken = await tokenFromFolder(
      product.mailDir,
      people.engineer.email,
      "verify-contact",
      60_000,
    );
    await engineer.goto(`/verify-contact?token=${encodeURIComponent(verifyToken)}`);
    await engineer.getByText("ধন্যবাদ: আপনার ই-মেইল যাচাই হয়েছে।").waitFor();
    await engineer.goto("/settings");
    await engineer.getByText(/\(যাচাই করা\)/).waitFor();
    await check(engineer, "settings-verified-bn");

    const page = await open(PHONE);
    await page.goto("/login");
    await page.getByRole("link", { name: "পাসওয়ার্ড ভুলে গেছেন?" }).click();
    await page.getByRole("heading", { name: "পাসওয়ার্ড নতুন করে ঠিক করুন" }).waitFor();
    await page.getByLabel("প্রতিষ্ঠানের ঠিকানা").fill(slug);
    await page.getByLabel("ই-মেইল বা মোবাইল").fill(people.engineer.email);
    await page.getByRole("button", { name: "আমাকে একটি লিংক পাঠান" }).click();
    await page.getByRole("status").filter({ hasText: "একটি লিংক পাঠানো হচ্ছে" }).waitFor();
    const token = await tokenFromFolder(product.mailDir, people.engineer.email, "reset-password", 60_000);
    await page.goto(`/reset-password?token=${encodeURIComponent(token)}`);
    const renewed = "Padma-Bridge-Rickshaw-77";
    await page.getByLabel("পাসওয়ার্ড", { exact: true }).fill(renewed);
    await page.getByRole("button", { name: "পাসওয়ার্ড ঠিক করুন" }).click();
    await page.getByText("আপনার পাসওয়ার্ড বদলানো হয়েছে। এখন সাইন ইন করুন।").waitFor();
    await check(page, "reset-password-done-bn-360");
    await page.goto("/login");
    await page.getByLabel("প্রতিষ্ঠানের ঠিকানা").fill(slug);
    await page.getByLabel("ই-মেইল বা মোবাইল").fill(people.engineer.email);
    await page.getByLabel("পাসওয়ার্ড").fill(renewed);
    await page.getByRole("button", { name: "সাইন ইন" }).click();
    await page.waitForURL("**/inbox");
  }, 180_000);

  test("keyboard only: the skip link comes first and leads to the screen; signing in takes Tab, typing and Enter", async () => {
    const page = await open(PHONE);
    await page.goto("/login");
    await page.locator("main h1").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("মূল অংশে যান");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("slug");
    await page.keyboard.type(slug);
    await page.keyboard.press("Tab");
    await page.keyboard.type(adminEmail);
    await page.keyboard.press("Tab");
    await page.keyboard.type(password);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/inbox");
  }, 120_000);

  test("every screen in Bengali and English, on a 360 px phone and a desktop: axe finds nothing serious", async () => {
    const screens = [
      ["inbox", "/inbox"],
      ["new-request", "/requests/new"],
      ["organization", "/organization"],
      ["master-data", "/master-data"],
      ["documents", "/documents"],
      ["imports", "/imports"],
      ["audit", "/audit"],
      ["settings", "/settings"],
      ["process", processUrl],
    ] as const;
    const phone = await open(PHONE);
    await signIn(phone, adminEmail);
    // The remembered language applies once the preferences have loaded.
    await phone.waitForLoadState("networkidle");
    for (const [viewport, page] of [
      ["360", phone],
      ["desktop", adminPage],
    ] as const) {
      for (const locale of ["bn", "en"] as const) {
        if ((await page.getAttribute("html", "lang")) !== locale) {
          // The choice is saved for the user before the next page loads (it would come back otherwise).
          await Promise.all([
            page.waitForResponse((r) => r.url().includes("notification.preferences.set")),
            page.getByRole("button", { name: locale === "en" ? "English" : "বাংলা" }).click(),
          ]);
          await page.waitForFunction((want) => document.documentElement.lang === want, locale);
        }
        for (const [name, path] of screens) {
          await page.goto(path);
          await page.locator("main h1, main h2").first().waitFor();
          await check(page, `${name}-${locale}-${viewport}`);
          // Nothing is wider than the screen on a phone.
          if (viewport === "360") {
            const wide = await page.evaluate(() =>
              [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 5)
                .map(
                  (el) =>
                    `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)})`,
                ),
            );
            expect({ screen: `${name}-${locale}`, wide }).toEqual({ screen: `${name}-${locale}`, wide: [] });
          }
        }
      }
    }
    // The pages before sign-in, in both languages, on the phone.
    const visitor = await open(PHONE);
    for (const locale of ["bn", "en"] as const) {
      for (const [name, path] of [
        ["login", "/login"],
        ["signup", "/signup"],
        ["reset-password", "/reset-password"],
        ["accept-invite", "/accept-invite?token=x"],
        ["verify-contact", "/verify-contact?token=x"],
      ] as const) {
        await visitor.goto(path);
        if ((await visitor.getAttribute("html", "lang")) !== locale) {
          await visitor.getByRole("button", { name: "English" }).click();
        }
        await visitor.locator("main h1").waitFor();
        await check(visitor, `${name}-${locale}-360`);
      }
    }
    console.log(
      `first load of the inbox ${firstLoadMs} ms; JS ${(product.bundle.jsGzip / 1024).toFixed(1)} KiB gzip`,
    );
  }, 600_000);
});
