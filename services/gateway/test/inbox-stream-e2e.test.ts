/**
 * The in-app inbox as server-sent events through the gateway: a signed-in user (bearer token, or a
 * single-use ticket as a browser's EventSource needs) sees each new message as it is stored, catches
 * up after a reconnect (Last-Event-ID), and never sees another user's messages.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { strongPassword } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";

let services: RunningServices;
let gateway: RunningGateway;

beforeAll(async () => {
  services = await startServices("stream", { notificationEnv: { STREAM_POLL_MS: "100" } });
  gateway = startGateway(services.table);
}, 120_000);
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

interface Sse {
  event: string;
  id?: string;
  data: string;
}

/** An open event stream: `next()` resolves with the next event (or rejects after `timeoutMs`). */
async function open(query: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${gateway.url}/notifications/stream${query}`, { headers, signal: abort.signal });
  const events: Sse[] = [];
  const waiting: ((event: Sse) => void)[] = [];
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) {
          return;
        }
        buffer += chunk.value;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: Sse = { event: "message", data: "" };
          for (const line of block.split("\n")) {
            const [field, ...rest] = line.split(":");
            const value = rest.join(":").replace(/^ /, "");
            if (field === "event") {
              event.event = value;
            } else if (field === "id") {
              event.id = value;
            } else if (field === "data") {
              event.data += value;
            }
          }
          if (block.startsWith(":")) {
            continue;
          }
          const waiter = waiting.shift();
          waiter ? waiter(event) : events.push(event);
        }
      }
    })();
  }
  return {
    res,
    next(timeoutMs = 15_000): Promise<Sse> {
      const ready = events.shift();
      if (ready) {
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((event) => {
          clearTimeout(timer);
          resolve(event);
        });
      });
    },
    close: () => abort.abort(),
  };
}

async function signUp(hint: string) {
  const slug = `${hint}-${Bun.randomUUIDv7().slice(-8)}`;
  const password = strongPassword();
  const registered = await gateway.client().auth.registerTenant.mutate({
    tenant: { slug, legalName: `${hint} Builders Ltd` },
    admin: { name: "Farhana Islam", email: `admin@${slug}.com.bd`, password },
  });
  const api = gateway.client({ token: registered.accessToken });
  /** Adding a mobile makes auth announce contact_changed: notification stores an in-app message. */
  const changeMobile = async (mobile: string) =>
    api.auth.changeContact.mutate({
      currentPassword: password,
      mobile,
      expectedVersion: (await api.auth.users.get.query({ id: registered.user.id })).version,
    });
  return { registered, token: registered.accessToken, api, changeMobile };
}

describe("GET /notifications/stream (server-sent events through the gateway)", () => {
  test("a bearer token's stream: ready with the unread count, then each new message live; others see none", async () => {
    const a = await signUp("stream-a");
    const b = await signUp("stream-b");
    const streamA = await open("", { authorization: `Bearer ${a.token}` });
    const streamB = await open("", { authorization: `Bearer ${b.token}` });
    expect(streamA.res.status).toBe(200);
    expect(streamA.res.headers.get("content-type")).toContain("text/event-stream");
    const ready = await streamA.next();
    expect(ready.event).toBe("ready");
    expect(JSON.parse(ready.data)).toEqual({ unread: 0 });
    expect((await streamB.next()).event).toBe("ready");

    await a.changeMobile("01812345678");
    const live = await streamA.next();
    expect(live.event).toBe("message");
    const message = JSON.parse(live.data) as { id: string; templateKey: string; subject: string };
    expect(message.templateKey).toBe("contact_changed");
    expect(live.id).toBe(message.id);
    const [inInbox] = (await a.api.notification.inbox.list.query({})).items;
    expect(inInbox?.id).toBe(message.id);
    // The other tenant's stream stays silent.
    await expect(streamB.next(1_500)).rejects.toThrow("no event");
    streamA.close();
    streamB.close();

    // Reconnecting with Last-Event-ID before it: the missed message comes first.
    await a.changeMobile("01912345678");
    await services.settle();
    const again = await open("", { authorization: `Bearer ${a.token}`, "last-event-id": message.id });
    expect(JSON.parse((await again.next()).data)).toEqual({ unread: 2 });
    const missed = await again.next();
    expect(missed.event).toBe("message");
    expect(missed.id).not.toBe(message.id);
    again.close();
  }, 60_000);

  test("a ticket (for EventSource) opens one stream once; no token, a bad or used ticket are 401", async () => {
    const a = await signUp("stream-t");
    const { ticket } = await a.api.notification.inbox.streamTicket.mutate();
    const stream = await open(`?ticket=${encodeURIComponent(ticket)}`);
    expect(stream.res.status).toBe(200);
    expect((await stream.next()).event).toBe("ready");
    await a.changeMobile("01712345678");
    expect(JSON.parse((await stream.next()).data).templateKey).toBe("contact_changed");
    stream.close();
    const used = await open(`?ticket=${encodeURIComponent(ticket)}`);
    expect(used.res.status).toBe(401);
    const body = (await used.res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("UNAUTHORIZED");
    expect((await open("")).res.status).toBe(401);
    expect((await open(`?ticket=${a.registered.tenant.id}.forged`)).res.status).toBe(401);
    expect((await open("?ticket=not-a-ticket")).res.status).toBe(401);
    expect((await open("", { authorization: "Bearer not-a-token" })).res.status).toBe(401);
    const bn = await open("", { "accept-language": "bn" });
    expect(((await bn.res.json()) as { error: { message: string } }).error.message).toContain("সাইন ইন");
  }, 60_000);
});
