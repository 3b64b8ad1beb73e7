/**
 * The console in a real browser (Debian's Chromium through playwright-core) against `npm start`:
 * a company signs up in Bengali, its language is remembered per user, signs in and out, and every
 * screen visited passes axe-core with no serious or critical violation. Screenshots go to
 * apps/console/test-output/screens (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tokenFromFolder } from "@vextrus/platform/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  DESKTOP,
  launchChromium,
  newContext,
  PHONE,
  type Product,
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
    await page.waitForURL("**/organization");
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
  try {
    const page = await context.newPage();
    await page.goto("/inbox", { waitUntil: "commit" });
    await page.getByRole("row", { name: new RegExp(subject) }).waitFor();
    return Math.round(await page.evaluate(() => performance.now()));
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
      await page.getByRole("cell", { name: "বসুন্ধরা সিমেন্ট লিমিটেড" }).waitFor();
    }
    await search.fill("Meghna");
    await page.getByRole("cell", { name: "বসুন্ধরা সিমেন্ট লিমিটেড" }).waitFor({ state: "detached" });
    await search.fill("");

    await page.getByRole("button", { name: "সম্পাদনা: Bashundhara Cement Ltd" }).click();
    const edit = page.getByRole("form", { name: "পক্ষ সম্পাদনা" });
    await edit.getByLabel("নাম (বাংলা)").fill("বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ");
    await edit.getByRole("button", { name: "সংরক্ষণ" }).click();
    await page.getByRole("cell", { name: "বসুন্ধরা সিমেন্ট ইন্ডাস্ট্রিজ" }).waitFor();
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

    await page.getByRole("button", { name: "অনুরোধ জমা দিন" }).click();
    await page.waitForURL("**/processes/*");
    processUrl = new URL(page.url()).pathname;
    await page.getByRole("heading", { name: subject }).waitFor();
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
        firstLoadMs = await firstLoadOfInbox(page);
        console.log(`first load of the inbox (empty cache, signed in, one task): ${firstLoadMs} ms`);
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

    const page = people.engineer.page as Page;
    await page.reload();
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

describe("the console as a whole", () => {
  test("audit: the chain verifies, the log filters by event type, and the rows shown download as CSV", async () => {
    const page = adminPage;
    await page.getByRole("link", { name: "নিরীক্ষা" }).click();
    await page.getByRole("button", { name: "শৃঙ্খল যাচাই করুন" }).click();
    await page.getByText(/শৃঙ্খল অক্ষত: [০-৯]+টি রেকর্ড যাচাই করা হয়েছে।/).waitFor();
    await page.getByLabel("ঘটনার ধরন").fill("vextrus.workflow.");
    await page.getByRole("button", { name: "ছাঁকুন" }).click();
    await page.getByRole("cell", { name: "vextrus.workflow.instance.started" }).waitFor();
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
    await check(page, "audit-bn");
  }, 180_000);

  test("every screen in Bengali and English, on a 360 px phone and a desktop: axe finds nothing serious", async () => {
    const screens = [
      ["inbox", "/inbox"],
      ["new-request", "/requests/new"],
      ["organization", "/organization"],
      ["master-data", "/master-data"],
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
          await page.getByRole("button", { name: locale === "en" ? "English" : "বাংলা" }).click();
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
  }, 300_000);
});
