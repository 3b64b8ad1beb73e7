/**
 * The keep-alive client (src/http1.ts) against a raw TCP server that answers as the test says:
 * framing (Content-Length, chunked, until close, split over packets), connection reuse, a
 * connection the server closed while idle, refused connections and abort.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createHttp1Client, Http1Error } from "../src/http1.ts";

interface Raw {
  url: string;
  /** Requests received, as text, in order. */
  received: string[];
  /** Connections accepted so far. */
  connections: number;
  stop(): void;
}

/** A TCP server whose answer to each request is `answer(requestText, socket)`. */
function rawServer(answer: (request: string, socket: Bun.Socket<{ buffer: string }>) => void): Raw {
  const received: string[] = [];
  const state = { connections: 0 };
  const server = Bun.listen<{ buffer: string }>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(socket) {
        state.connections++;
        socket.data = { buffer: "" };
      },
      data(socket, chunk) {
        socket.data.buffer += chunk.toString("latin1");
        for (;;) {
          const end = socket.data.buffer.indexOf("\r\n\r\n");
          if (end === -1) {
            return;
          }
          const length = Number(/content-length: (\d+)/i.exec(socket.data.buffer.slice(0, end))?.[1] ?? 0);
          if (socket.data.buffer.length < end + 4 + length) {
            return;
          }
          const request = socket.data.buffer.slice(0, end + 4 + length);
          socket.data.buffer = socket.data.buffer.slice(end + 4 + length);
          received.push(request);
          answer(request, socket);
        }
      },
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    get connections() {
      return state.connections;
    },
    stop: () => server.stop(true),
  };
}

const json = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n${extra}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

let servers: Raw[] = [];
const client = createHttp1Client();
afterEach(() => {
  client.close();
  for (const server of servers) {
    server.stop();
  }
  servers = [];
});
const serve = (answer: Parameters<typeof rawServer>[0]) => {
  const server = rawServer(answer);
  servers.push(server);
  return server;
};
const get = (url: string, target = "/trpc/a.b", method = "GET", body: string | null = null) =>
  client.request(url, { method, target, headerLines: "authorization: Bearer t\r\n", body }).answer;

describe("http1 client", () => {
  test("sends the request as given and reuses the connection for the next one", async () => {
    const server = serve((_, socket) => socket.write(json('{"ok":1}', "vary: trpc-accept\r\n")));
    const first = await get(`${server.url}/base`, "/trpc/x.y?input=%7B%7D");
    expect(first.status).toBe(200);
    expect(text(first.body)).toBe('{"ok":1}');
    expect(first.headers.get("vary")).toBe("trpc-accept");
    expect(first.headers.get("content-length")).toBeNull();
    const second = await get(`${server.url}/base`, "/trpc/z", "POST", '{"n":"ব"}');
    expect(text(second.body)).toBe('{"ok":1}');
    expect(server.connections).toBe(1);
    expect(server.received[0]).toStartWith("GET /base/trpc/x.y?input=%7B%7D HTTP/1.1\r\n");
    expect(server.received[0]).toContain("authorization: Bearer t\r\n");
    expect(server.received[1]).toStartWith("POST /base/trpc/z HTTP/1.1\r\n");
    expect(server.received[1]).toContain(`content-length: ${Buffer.byteLength('{"n":"ব"}')}\r\n`);
    expect(server.received[1]).toEndWith(Buffer.from('{"n":"ব"}').toString("latin1"));
  });

  test("reads answers split over packets, chunked, and ended by close", async () => {
    const server = serve((request, socket) => {
      if (request.includes("/split")) {
        const whole = json('{"split":true}');
        socket.write(whole.slice(0, 10));
        setTimeout(() => socket.write(whole.slice(10, 40)), 5);
        setTimeout(() => socket.write(whole.slice(40)), 10);
      } else if (request.includes("/chunked")) {
        socket.write(
          "HTTP/1.1 207 Multi\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        );
        setTimeout(() => socket.write("5\r\n[1,2,\r\n3;ext=1\r\n3]\n\r\n"), 5);
        setTimeout(() => socket.write("0\r\n\r\n"), 10);
      } else {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"until":',
        );
        setTimeout(() => socket.end('"close"}'), 5);
      }
    });
    expect(text((await get(server.url, "/split")).body)).toBe('{"split":true}');
    const chunked = await get(server.url, "/chunked");
    expect(chunked.status).toBe(207);
    expect(text(chunked.body)).toBe("[1,2,3]\n");
    expect(text((await get(server.url, "/close")).body)).toBe('{"until":"close"}');
    // The chunked and split answers left the connection reusable; the close-ended one did not.
    expect(server.connections).toBe(1);
    await get(server.url, "/split");
    expect(server.connections).toBe(2);
  });

  test("a large answer in many pieces arrives whole, with Content-Length and chunked", async () => {
    const big = JSON.stringify({
      items: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `item ${i}` })),
    });
    const server = serve((request, socket) => {
      const send = (text: string) => {
        const bytes = Buffer.from(text);
        for (let at = 0; at < bytes.length; at += 1000) {
          socket.write(bytes.subarray(at, at + 1000));
        }
      };
      if (request.includes("/chunked")) {
        let wire = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        for (let at = 0; at < big.length; at += 4096) {
          const piece = big.slice(at, at + 4096);
          wire += `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`;
        }
        send(`${wire}0\r\n\r\n`);
      } else {
        send(json(big));
      }
    });
    expect(text((await get(server.url, "/length")).body)).toBe(big);
    expect(text((await get(server.url, "/chunked")).body)).toBe(big);
    expect(server.connections).toBe(1);
  });

  test("a connection the server closed while idle is not reused; a GET it broke goes once more", async () => {
    const server = serve((_, socket) => {
      socket.write(json("{}"));
      // Closed after the answer without saying so (an idle timeout): the close arrives later.
      setTimeout(() => socket.end(), 20);
    });
    await get(server.url);
    await Bun.sleep(60);
    expect(text((await get(server.url)).body)).toBe("{}");
    expect(server.connections).toBe(2);

    // A reused connection closed on receiving the next request, before any answer: the GET is sent
    // once more on a new connection and answered.
    let answered = 0;
    const flaky = serve((_, socket) => {
      if (answered === 1 && flaky.connections === 1) {
        socket.end();
        return;
      }
      answered++;
      socket.write(json(`{"n":${answered}}`));
    });
    await get(flaky.url);
    expect(text((await get(flaky.url)).body)).toBe('{"n":2}');
    expect(flaky.connections).toBe(2);
    expect(flaky.received.length).toBe(3);
  });

  test("a POST on a reused connection that breaks unanswered is not sent twice", async () => {
    let requests = 0;
    const server = serve((_, socket) => {
      requests++;
      if (requests === 1) {
        socket.write(json("{}"));
      } else {
        socket.end();
      }
    });
    await get(server.url);
    const error = await get(server.url, "/trpc/m", "POST", "{}").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Http1Error);
    expect((error as Http1Error).code).toBe("ECONNRESET");
    await Bun.sleep(20);
    expect(requests).toBe(2);
  });

  test("a refused connection is ECONNREFUSED; abort closes the connection and rejects", async () => {
    const gone = rawServer(() => {});
    const url = gone.url;
    gone.stop();
    const refused = await get(url).catch((e: unknown) => e);
    expect((refused as Http1Error).code).toBe("ECONNREFUSED");

    const hang = serve(() => {});
    const call = client.request(hang.url, { method: "GET", target: "/trpc/a", headerLines: "", body: null });
    await Bun.sleep(20);
    call.abort();
    const aborted = await call.answer.catch((e: unknown) => e);
    expect((aborted as Http1Error).code).toBe("ABORTED");
  });

  test("an answer that is not HTTP is EPROTO, and https: is left to fetch", async () => {
    const server = serve((_, socket) => socket.write("SSH-2.0-OpenSSH\r\n\r\n"));
    const error = await get(server.url).catch((e: unknown) => e);
    expect((error as Http1Error).code).toBe("EPROTO");
    expect(client.canServe("https://example.org")).toBe(false);
    expect(client.canServe(server.url)).toBe(true);
  });
});
