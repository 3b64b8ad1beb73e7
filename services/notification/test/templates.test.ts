import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { buildEvent } from "@vextrus/events";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { parse, renderTemplate, TemplateError } from "../src/domain/engine.ts";
import { count, dhakaTime, money } from "../src/domain/render.ts";
import { countSegments } from "../src/domain/segments.ts";
import {
  definitionOf,
  fitSms,
  render,
  renderFor,
  SMS_MAX_SEGMENTS,
  TEMPLATE_KEYS,
} from "../src/domain/templates.ts";
import { notificationHandler } from "../src/events.ts";
import { type NotificationHarness, startNotification } from "./harness.ts";

let h: NotificationHarness;
beforeAll(async () => {
  h = await startNotification("templates");
}, 60_000);
afterAll(() => h.stop());

interface Refusal {
  message: string;
  data: { code: string };
}
const failure = async (promise: Promise<unknown>): Promise<Refusal> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return error as unknown as Refusal;
    }
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("the logic-less engine", () => {
  test("values, lists, inverted sections; HTML escaped only in the HTML part", () => {
    const t = "Hi {{name}}!{{#items}} [{{title}} by {{name}}]{{/items}}{{^items}} nothing{{/items}}";
    expect(
      renderTemplate(t, { name: "<Rahim>", items: [{ title: "A" }, { title: "B", name: "Karim" }] }),
    ).toBe("Hi <Rahim>! [A by <Rahim>] [B by Karim]");
    expect(renderTemplate(t, { name: "<Rahim>", items: [] }, true)).toBe("Hi &lt;Rahim&gt;! nothing");
    expect(renderTemplate("{{#due}}due {{due}}{{/due}}.", { due: "" })).toBe(".");
  });

  test("no code runs and nothing outside the given values is reachable", () => {
    expect(renderTemplate("[{{constructor}}][{{toString}}][{{hasOwnProperty}}]", {})).toBe("[][][]");
    expect(renderTemplate("{{#constructor}}x{{/constructor}}", {})).toBe("");
    // Expressions, property paths and partials are not tags: the parser refuses them.
    for (const bad of [
      "{{a.b}}",
      "{{ 1 + 1 }}",
      "{{> partial}}",
      "{{{raw}}}",
      "{{#a}}open",
      "close{{/a}}",
      "{{#a}}{{/b}}",
    ]) {
      expect(() => parse(bad)).toThrow(TemplateError);
    }
  });

  test("every built-in renders in both languages with its sample values, no tag left over", () => {
    for (const key of TEMPLATE_KEYS) {
      for (const locale of ["bn", "en"] as const) {
        const out = render(key, locale, definitionOf(key).sample);
        expect(`${out.subject}${out.text}${out.html ?? ""}`).not.toContain("{{");
        expect(out.subject.length).toBeGreaterThan(3);
      }
    }
    const digest = render("daily_digest", "en", definitionOf("daily_digest").sample);
    expect(digest.text).toContain("- 09:30 A task is waiting for your approval\n- 14:05 Approved");
  });

  test("each channel has its own part: the mail, a short SMS, an in-app title and plain body", () => {
    for (const key of TEMPLATE_KEYS) {
      const { sample, required } = definitionOf(key);
      for (const locale of ["bn", "en"] as const) {
        const sms = renderFor("sms", key, locale, sample);
        const inApp = renderFor("in_app", key, locale, sample);
        for (const out of [sms, inApp]) {
          expect(`${out.subject}${out.text}`).not.toContain("{{");
          expect(out.html).toBeNull();
        }
        // One line within SMS_MAX_SEGMENTS; Bengali is UCS-2 (70 in one segment, 67 per part).
        expect(sms.text).not.toContain("\n");
        expect(sms.segments).toEqual(countSegments(sms.text));
        expect(sms.segments?.segments).toBeLessThanOrEqual(SMS_MAX_SEGMENTS);
        if (locale === "bn") {
          expect(sms.segments?.encoding).toBe("UCS-2");
        }
        if (required?.includes("link")) {
          expect(sms.text).toContain(String(sample.link));
        }
        expect(sms.text.length).toBeLessThan(render(key, locale, sample).text.length);
        expect(inApp.subject).toBe(render(key, locale, sample).subject);
      }
    }
    // English task SMS are GSM-7: one segment of 160.
    expect(renderFor("sms", "task_escalated", "en", definitionOf("task_escalated").sample).segments).toEqual({
      encoding: "GSM-7",
      units: 136,
      segments: 1,
    });
  });

  test("a long subject or comment is shortened so the SMS keeps its limit and its link", () => {
    const link = "https://erp.example.com.bd/processes/0190f3a2-7c4e-7b1a-9d2e-3f4a5b6c7d8e";
    for (const locale of ["bn", "en"] as const) {
      const sms = renderFor("sms", "process_returned", locale, {
        link,
        subject: "সিমেন্ট ".repeat(60),
        comment: "কোটেশন সংযুক্ত করুন ".repeat(30),
        amount: "",
      });
      expect(sms.segments?.segments).toBe(SMS_MAX_SEGMENTS);
      expect(sms.text.endsWith(link)).toBe(true);
      expect(sms.text).toContain("...");
    }
    // Only when shortening the free text cannot help is the text itself cut (a checked text never is).
    const cut = fitSms("{{link}} {{link}} {{link}}", { link: "ক".repeat(100) }, []);
    expect(cut).toMatchObject({ cut: true, segments: { encoding: "UCS-2", segments: 3, units: 201 } });
    expect(fitSms("OTP {{code}}", { code: "1234" }, [])).toEqual({
      text: "OTP 1234",
      segments: { encoding: "GSM-7", units: 8, segments: 1 },
      cut: false,
    });
  });

  test("money in lakh/crore with Bengali digits in bn; Dhaka time; counts", () => {
    expect(money("12345678.5", "en")).toBe("৳1,23,45,678.50");
    expect(money("12345678.5", "bn")).toBe("৳১,২৩,৪৫,৬৭৮.৫০");
    expect(money(1250000, "en")).toBe("৳12,50,000.00");
    // 18:00 UTC is midnight in Dhaka, the next day.
    expect(dhakaTime("2026-06-15T18:00:00Z", "en")).toBe("16 Jun 2026, 00:00 (BST)");
    expect(dhakaTime("2026-06-15T18:00:00Z", "bn")).toContain("১৬");
    expect(count(12, "bn")).toBe("১২");
    const approved = render("process_approved", "bn", {
      subject: "সিমেন্ট",
      amount: money("2500000", "bn"),
      link: "x",
    });
    expect(approved.text).toContain("৳২৫,০০,০০০.০০");
  });
});

const assigned = (tenantId: string, assigneeId: string) =>
  buildEvent({
    type: "vextrus.workflow.task.assigned",
    subject: Bun.randomUUIDv7(),
    tenantId,
    data: {
      id: Bun.randomUUIDv7(),
      instanceId: Bun.randomUUIDv7(),
      assigneeId,
      dueAt: "2026-06-15T12:00:00Z",
    },
  }).event;

async function deliverTask(tenantId: string, assigneeId: string) {
  const handle = notificationHandler({
    defaultLocale: "bn",
    publicUrl: "https://erp.example.com.bd",
    clock: h.clock.read,
  });
  await h.db.tenant(tenantId, (tx) =>
    handle({ tx, tenantId, events: [assigned(tenantId, assigneeId)], log: h.log }),
  );
}

describe("tenant versions of a template (notification.templates.*)", () => {
  test("a tenant's text is checked, versioned, used for its messages only, and can go back to the built-in", async () => {
    const editor = await h.user(undefined, undefined, [
      "notification:template:read",
      "notification:template:update",
    ]);
    const ref = { key: "task_assigned", locale: "bn" } as const;
    const text = {
      subject: "অনুমোদন দরকার{{#subject}}: {{subject}}{{/subject}}",
      text: "রূপায়ণ: একটি কাজ আপনার জন্য{{#due}} ({{due}} এর মধ্যে){{/due}} — {{link}}",
      sms: "রূপায়ণ: অনুমোদন দরকার। {{link}}",
      body: "রূপায়ণ: একটি কাজ আপনার জন্য{{#due}} ({{due}} এর মধ্যে){{/due}} — {{link}}",
    };
    // Checked before it is stored: unknown values, a missing {{link}}, an unclosed section.
    const unknown = await failure(
      editor.api.templates.update.mutate({
        ...ref,
        ...text,
        text: "{{link}} {{salary}}",
        expectedVersion: 0,
      }),
    );
    expect(unknown.data.code).toBe("BAD_REQUEST");
    expect(unknown.message).toContain("{{salary}}");
    const noLink = await failure(
      editor.api.templates.update.mutate({ ...ref, ...text, text: "no link", expectedVersion: 0 }),
    );
    expect(noLink.message).toContain("{{link}}");
    const unclosed = await failure(
      editor.api.templates.update.mutate({ ...ref, ...text, subject: "{{#subject}}x", expectedVersion: 0 }),
    );
    expect(unclosed.message).toContain("subject");
    // The SMS places the link too, and fits in three segments (201 Bengali characters) with the samples.
    const smsNoLink = await failure(
      editor.api.templates.update.mutate({ ...ref, ...text, sms: "অনুমোদন দরকার", expectedVersion: 0 }),
    );
    expect(smsNoLink.message).toContain("sms: must place {{link}}");
    const smsLong = await failure(
      editor.api.templates.update.mutate({
        ...ref,
        ...text,
        sms: `${"অনুমোদন দরকার। ".repeat(12)}{{link}}`,
        expectedVersion: 0,
      }),
    );
    expect(smsLong.message).toContain("longer than 3 SMS segments");

    const v1 = await editor.api.templates.update.mutate({ ...ref, ...text, expectedVersion: 0 });
    expect(v1).toMatchObject({ source: "tenant", version: 1, text: text.text });
    const stale = await failure(editor.api.templates.update.mutate({ ...ref, ...text, expectedVersion: 0 }));
    expect(stale.data.code).toBe("CONFLICT");

    // The tenant's messages use its text; another tenant's stay built in.
    const assignee = Bun.randomUUIDv7();
    await deliverTask(editor.tenantId, assignee);
    const mine = await h.user(editor.tenantId, assignee);
    const [message] = (await mine.api.inbox.list.query({})).items;
    expect(message?.body).toContain(
      "রূপায়ণ: একটি কাজ আপনার জন্য (১৫ Jun ২০২৬, ১৮:০০ (BST) এর মধ্যে) — https://erp.example.com.bd/tasks/",
    );
    const other = await h.user();
    await deliverTask(other.tenantId, other.userId);
    expect((await other.api.inbox.list.query({})).items[0]?.subject).toBe("একটি কাজ আপনার অনুমোদনের অপেক্ষায়");
    const otherEditor = await h.user(other.tenantId, undefined, ["notification:template:read"]);
    const otherView = (await otherEditor.api.templates.list.query()).items.find(
      (t) => t.key === "task_assigned" && t.locale === "bn",
    );
    expect(otherView).toMatchObject({ source: "built-in", version: 0 });

    // Back to the built-in text as version 2; the history keeps both.
    const v2 = await editor.api.templates.reset.mutate({ ...ref, expectedVersion: 1 });
    expect(v2).toMatchObject({ source: "built-in", version: 2 });
    const history = await editor.api.templates.history.query(ref);
    expect(history.items.map((v) => [v.version, v.builtIn])).toEqual([
      [2, true],
      [1, false],
    ]);
    const events = await h.db.privileged(async (tx) =>
      rowsOf<{ type: string }>(
        await tx.execute(
          sql`select event->>'type' as type from notification.outbox where tenant_id = ${editor.tenantId} and event->>'type' like 'vextrus.notification.template.%' order by id`,
        ),
      ),
    );
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.notification.template.created",
      "vextrus.notification.template.updated",
    ]);

    // A preview renders with the sample values and stores nothing.
    const preview = await editor.api.templates.preview.query({ ...ref, ...text });
    expect(preview.subject).toBe("অনুমোদন দরকার: Cement for Block C");
    expect(preview.sms).toEqual({
      text: `রূপায়ণ: অনুমোদন দরকার। ${definitionOf("task_assigned").sample.link}`,
      encoding: "UCS-2",
      segments: 2,
    });
    expect(preview.inApp.title).toBe(preview.subject);
    const listed = (await editor.api.templates.list.query()).items.find(
      (t) => t.key === "task_assigned" && t.locale === "en",
    );
    expect(listed?.sms).toContain("{{link}}");
  });

  test("reading needs notification:template:read and changing notification:template:update", async () => {
    const reader = await h.user(undefined, undefined, ["notification:template:read"]);
    expect((await reader.api.templates.list.query()).items).toHaveLength(TEMPLATE_KEYS.length * 2);
    const refused = await failure(
      reader.api.templates.update.mutate({
        key: "invitation",
        locale: "en",
        subject: "x",
        text: "{{link}}",
        expectedVersion: 0,
      }),
    );
    expect(refused.data.code).toBe("FORBIDDEN");
    const nobody = await h.user();
    expect((await failure(nobody.api.templates.list.query())).data.code).toBe("FORBIDDEN");
  });
});
