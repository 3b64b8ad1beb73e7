/**
 * The gateway's client for forwarded requests: HTTP/1.1 over keep-alive TCP connections to each
 * service (`Bun.connect`), on the gateway's own event loop. Bun's `fetch` hands every request to
 * its HTTP client thread and back; for the small JSON answers the gateway forwards that hop cost
 * about as much CPU as the rest of the proxy together (bench:gateway: a bare `fetch` proxy spent
 * ~90 µs per request, the same proxy over these connections ~50 µs, nginx ~47 µs).
 *
 * One request per connection at a time (no pipelining); an answer framed by Content-Length or
 * chunked is read whole (the gateway forwards JSON answers, which tRPC writes whole). Streamed
 * answers (`application/jsonl`) and `https:` services go through `fetch` instead (upstream.ts).
 * An idle connection is reused for at most IDLE_MS (the services close theirs after 30 s); one the
 * service closed while idle is dropped as soon as the close is seen. A GET or HEAD sent on a reused
 * connection that closed before a single byte of answer is sent once more on a new connection (the
 * service closed it idle, so it never ran); any other request is never sent twice.
 */
import type { Socket, SocketHandler } from "bun";

export interface Http1Answer {
  status: number;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
}

/** Why a request got no answer. `ECONNREFUSED`: the request never left. */
export class Http1Error extends Error {
  constructor(
    message: string,
    readonly code: "ECONNREFUSED" | "ECONNRESET" | "EPROTO" | "ABORTED" | "CONNECT",
    /** A reused connection closed before one byte of answer came (the service had closed it idle). */
    readonly unanswered = false,
    /** Not one byte of the request was taken by the connection. */
    readonly unsent = false,
  ) {
    super(message);
  }
}

/** A service's base URL as the client needs it. */
interface Origin {
  hostname: string;
  port: number;
  /** The Host header. */
  host: string;
  /** A base URL's path (`http://notification:3007/webhooks` → `/webhooks`), prepended to every target. */
  prefix: string;
  idle: Conn[];
}

interface Head {
  status: number;
  headers: Headers;
  bodyStart: number;
  /** Content-Length; -1: chunked; -2: until the connection closes; 0 also for HEAD, 1xx, 204, 304. */
  length: number;
  keepAlive: boolean;
}

interface Job {
  method: string;
  /** The whole request as written. */
  message: Uint8Array;
  resolve(answer: Http1Answer): void;
  reject(error: Http1Error): void;
  /** Sent on a connection that had served a request before. */
  reused: boolean;
  received: boolean;
  head: Head | undefined;
}

interface Conn {
  socket: Socket<Conn> | undefined;
  origin: Origin;
  /** What came so far of the answer in progress (one piece until its head is read), copied. */
  buffer: Uint8Array | undefined;
  /** Pieces after `buffer`, joined once the answer is complete (no copy per piece of a large answer). */
  parts: Uint8Array[];
  /** Bytes in `buffer` and `parts`. */
  size: number;
  job: Job | undefined;
  /** The part of the request the socket did not take yet (sent on `drain`). */
  outgoing: Uint8Array | undefined;
  idleSince: number;
  closed: boolean;
}

/** An idle connection older than this is closed rather than reused (the services' idle timeout is 30 s). */
const IDLE_MS = 5_000;
/** Idle connections kept per service; more are closed. */
const MAX_IDLE = 128;
/** A response head larger than this is not HTTP the gateway will read. */
const MAX_HEAD = 64 * 1024;
const CR = 13;
const LF = 10;

const latin1 = new TextDecoder("latin1");
const utf8 = new TextEncoder();

/** Index of the first `\r\n\r\n` at or after `from`, or -1. */
function headEnd(buffer: Uint8Array, from = 0): number {
  for (let i = from; i + 3 < buffer.length; i++) {
    if (buffer[i] === CR && buffer[i + 1] === LF && buffer[i + 2] === CR && buffer[i + 3] === LF) {
      return i;
    }
  }
  return -1;
}

/** Headers the client itself frames or that describe the hop, not the answer. */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "date"]);

function parseHead(buffer: Uint8Array, end: number, method: string): Head | undefined {
  const lines = latin1.decode(buffer.subarray(0, end)).split("\r\n");
  const statusLine = lines[0] ?? "";
  if (!statusLine.startsWith("HTTP/1.")) {
    return undefined;
  }
  const status = Number(statusLine.slice(9, 12));
  if (!Number.isInteger(status) || status < 100) {
    return undefined;
  }
  const headers = new Headers();
  let length = -2;
  let chunked = false;
  let keepAlive = statusLine.startsWith("HTTP/1.1");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const colon = line.indexOf(":");
    if (colon <= 0) {
      return undefined;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") {
      length = Number(value);
      if (!Number.isSafeInteger(length) || length < 0) {
        return undefined;
      }
    } else if (name === "transfer-encoding") {
      chunked = value.toLowerCase().includes("chunked");
    } else if (name === "connection") {
      const token = value.toLowerCase();
      keepAlive = token.includes("keep-alive") || (keepAlive && !token.includes("close"));
    }
    if (!HOP.has(name)) {
      headers.append(name, value);
    }
  }
  if (chunked) {
    length = -1;
  }
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) {
    length = 0;
  }
  return { status, headers, bodyStart: end + 4, length, keepAlive: keepAlive && length !== -2 };
}

/**
 * A chunked body from `start`: the decoded bytes and where the message ends, undefined while
 * incomplete, null when it is not chunked encoding.
 */
function dechunk(
  buffer: Uint8Array,
  start: number,
): { body: Uint8Array<ArrayBuffer>; end: number } | undefined | null {
  const parts: Uint8Array[] = [];
  let size = 0;
  let at = start;
  for (;;) {
    let lineEnd = -1;
    for (let i = at; i + 1 < buffer.length; i++) {
      if (buffer[i] === CR && buffer[i + 1] === LF) {
        lineEnd = i;
        break;
      }
    }
    if (lineEnd === -1) {
      return buffer.length - at > 1024 ? null : undefined;
    }
    const sizeText = latin1.decode(buffer.subarray(at, lineEnd)).split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) {
      return null;
    }
    const chunk = Number.parseInt(sizeText, 16);
    at = lineEnd + 2;
    if (chunk === 0) {
      // Trailers, if any, end with an empty line.
      if (buffer[at] === CR && buffer[at + 1] === LF) {
        return { body: join(parts, size), end: at + 2 };
      }
      const trailersEnd = headEnd(buffer, at);
      return trailersEnd === -1 ? undefined : { body: join(parts, size), end: trailersEnd + 4 };
    }
    if (buffer.length < at + chunk + 2) {
      return undefined;
    }
    parts.push(buffer.subarray(at, at + chunk));
    size += chunk;
    at += chunk + 2;
  }
}

function join(parts: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export interface Http1Request {
  method: string;
  /** Path and query, without the base URL's own path: `/trpc/companies.get?input=…`. */
  target: string;
  /** `name: value\r\n` lines (names and values already valid: they come from a Headers or the gateway). */
  headerLines: string;
  body: ArrayBuffer | Uint8Array | string | null;
}

/** A request in flight: its answer, and a way to give up on it (the connection is closed). */
export interface Http1Call {
  answer: Promise<Http1Answer>;
  abort(): void;
}

/** Keep-alive connections per service base URL. `origin(baseUrl)` is undefined for what it cannot serve (https). */
export function createHttp1Client() {
  const origins = new Map<string, Origin | null>();

  function originOf(baseUrl: string): Origin | undefined {
    let origin = origins.get(baseUrl);
    if (origin === undefined) {
      origin = null;
      try {
        const url = new URL(baseUrl);
        if (url.protocol === "http:" && !url.search && !url.hash && !url.username) {
          origin = {
            hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
            port: Number(url.port || 80),
            host: url.host,
            prefix: url.pathname.replace(/\/+$/, ""),
            idle: [],
          };
        }
      } catch {
        origin = null;
      }
      origins.set(baseUrl, origin);
    }
    return origin ?? undefined;
  }

  const handlers: SocketHandler<Conn> = {
    data(socket, chunk) {
      onData(socket.data, chunk);
    },
    drain(socket) {
      const conn = socket.data;
      if (conn.outgoing) {
        write(conn, conn.outgoing);
      }
    },
    end(socket) {
      onClose(socket.data);
      socket.end();
    },
    close(socket) {
      onClose(socket.data);
    },
    error(socket) {
      onClose(socket.data);
    },
  };

  function write(conn: Conn, bytes: Uint8Array) {
    const written = conn.socket?.write(bytes) ?? -1;
    conn.outgoing = written >= 0 && written < bytes.length ? bytes.subarray(written) : undefined;
    if (written < 0) {
      const unsent = bytes === conn.job?.message;
      fail(
        conn,
        new Http1Error("the connection closed before the request was sent", "ECONNRESET", unsent, unsent),
      );
    }
  }

  function fail(conn: Conn, error: Http1Error) {
    const job = conn.job;
    conn.job = undefined;
    conn.closed = true;
    conn.socket?.terminate();
    job?.reject(error);
  }

  function onData(conn: Conn, chunk: Uint8Array) {
    const job = conn.job;
    if (!job) {
      // Bytes nobody asked for: the connection is out of step; never reuse it.
      conn.closed = true;
      conn.socket?.terminate();
      return;
    }
    job.received = true;
    let buffer: Uint8Array;
    if (!job.head) {
      buffer = conn.buffer ? concat(conn.buffer, chunk) : chunk;
      const end = headEnd(buffer, conn.buffer ? Math.max(0, conn.buffer.length - 3) : 0);
      if (end === -1) {
        if (buffer.length > MAX_HEAD) {
          fail(conn, new Http1Error("the service's answer is not HTTP", "EPROTO"));
        } else {
          conn.buffer = chunk === buffer ? chunk.slice() : buffer;
        }
        return;
      }
      job.head = parseHead(buffer, end, job.method);
      if (!job.head) {
        fail(conn, new Http1Error("the service's answer is not HTTP", "EPROTO"));
        return;
      }
      conn.parts = [];
      conn.size = buffer.length;
    } else {
      // A later piece of a large answer: kept aside, joined once the answer is complete.
      conn.parts.push(chunk.slice());
      conn.size += chunk.length;
      buffer = conn.buffer ?? new Uint8Array();
    }
    const head = job.head;
    let body: Uint8Array<ArrayBuffer>;
    let end: number;
    if (head.length >= 0) {
      end = head.bodyStart + head.length;
      if (conn.size < end) {
        keep(conn, buffer, chunk);
        return;
      }
      buffer = whole(conn, buffer);
      body = buffer.slice(head.bodyStart, end);
    } else if (head.length === -1) {
      // Chunked: its last piece ends with an empty line; only then is the whole decoded.
      const tail = chunk.length >= 4 ? chunk.subarray(chunk.length - 4) : undefined;
      const maybeDone = !tail || (tail[0] === CR && tail[1] === LF && tail[2] === CR && tail[3] === LF);
      if (!maybeDone) {
        keep(conn, buffer, chunk);
        return;
      }
      buffer = whole(conn, buffer);
      const decoded = dechunk(buffer, head.bodyStart);
      if (decoded === null) {
        fail(conn, new Http1Error("the service's answer is not HTTP", "EPROTO"));
        return;
      }
      if (decoded === undefined) {
        keep(conn, buffer, chunk);
        return;
      }
      body = decoded.body;
      end = decoded.end;
    } else {
      // Until the connection closes (onClose answers).
      keep(conn, buffer, chunk);
      return;
    }
    conn.buffer = undefined;
    conn.parts = [];
    conn.size = 0;
    conn.job = undefined;
    if (head.keepAlive && end === buffer.length) {
      release(conn);
    } else {
      conn.closed = true;
      conn.socket?.end();
    }
    job.resolve({ status: head.status, headers: head.headers, body });
  }

  /** Keeps an incomplete answer: `buffer` (its start, a copy) and the pieces after it. */
  function keep(conn: Conn, buffer: Uint8Array, chunk: Uint8Array) {
    conn.buffer = buffer === chunk ? chunk.slice() : buffer;
  }

  /** The answer so far as one piece (the pieces after the head joined once). */
  function whole(conn: Conn, buffer: Uint8Array): Uint8Array {
    if (conn.parts.length === 0) {
      return buffer;
    }
    const joined = join([buffer, ...conn.parts], conn.size);
    conn.parts = [];
    conn.buffer = joined;
    return joined;
  }

  function onClose(conn: Conn) {
    conn.closed = true;
    const idle = conn.origin.idle;
    const at = idle.indexOf(conn);
    if (at !== -1) {
      idle.splice(at, 1);
    }
    const job = conn.job;
    if (!job) {
      return;
    }
    conn.job = undefined;
    const head = job.head;
    if (head && head.length === -2 && conn.buffer) {
      const buffer = whole(conn, conn.buffer);
      job.resolve({ status: head.status, headers: head.headers, body: buffer.slice(head.bodyStart) });
      return;
    }
    job.reject(
      new Http1Error(
        "the service closed the connection before answering",
        "ECONNRESET",
        job.reused && !job.received,
      ),
    );
  }

  function release(conn: Conn) {
    const idle = conn.origin.idle;
    if (conn.closed || idle.length >= MAX_IDLE) {
      conn.closed = true;
      conn.socket?.end();
      return;
    }
    conn.idleSince = performance.now();
    conn.socket?.unref();
    idle.push(conn);
  }

  /** A connection to `origin`: the most recently used idle one still fresh, else a new one. */
  function takeIdle(origin: Origin): Conn | undefined {
    const now = performance.now();
    for (;;) {
      const conn = origin.idle.pop();
      if (!conn) {
        return undefined;
      }
      if (!conn.closed && now - conn.idleSince < IDLE_MS) {
        conn.socket?.ref();
        return conn;
      }
      conn.closed = true;
      conn.socket?.end();
    }
  }

  async function connect(origin: Origin): Promise<Conn> {
    const conn: Conn = {
      socket: undefined,
      origin,
      buffer: undefined,
      parts: [],
      size: 0,
      job: undefined,
      outgoing: undefined,
      idleSince: 0,
      closed: false,
    };
    try {
      conn.socket = await Bun.connect({
        hostname: origin.hostname,
        port: origin.port,
        data: conn,
        socket: handlers,
      });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      throw new Http1Error(
        `cannot connect to ${origin.host}: ${error instanceof Error ? error.message : String(error)}`,
        code === "ECONNREFUSED" ? "ECONNREFUSED" : "CONNECT",
      );
    }
    conn.socket.setNoDelay(true);
    return conn;
  }

  function encode(origin: Origin, request: Http1Request): Uint8Array {
    const { body } = request;
    const bytes =
      body === null
        ? undefined
        : typeof body === "string"
          ? utf8.encode(body)
          : body instanceof Uint8Array
            ? body
            : new Uint8Array(body);
    const head =
      `${request.method} ${origin.prefix}${request.target} HTTP/1.1\r\nhost: ${origin.host}\r\n` +
      `${request.headerLines}${bytes ? `content-length: ${bytes.length}\r\n` : ""}\r\n`;
    const headBytes = Buffer.from(head, "latin1");
    return bytes && bytes.length > 0 ? concat(headBytes, bytes) : headBytes;
  }

  /**
   * Sends `request` to the service at `baseUrl` (which `canServe`). Rejects with Http1Error:
   * ECONNREFUSED when the request never left, ECONNRESET/EPROTO when the connection broke or the
   * answer was not HTTP, ABORTED after `abort()`.
   */
  function request(baseUrl: string, request: Http1Request): Http1Call {
    const origin = originOf(baseUrl);
    let aborted = false;
    let current: Conn | undefined;
    const attempt = (conn: Conn, message: Uint8Array, reused: boolean) =>
      new Promise<Http1Answer>((resolve, reject) => {
        current = conn;
        conn.job = {
          method: request.method,
          message,
          resolve,
          reject,
          reused,
          received: false,
          head: undefined,
        };
        write(conn, message);
      });
    const send = async (): Promise<Http1Answer> => {
      if (!origin) {
        throw new Http1Error(`not an http: base URL: ${baseUrl}`, "CONNECT");
      }
      const message = encode(origin, request);
      const idle = takeIdle(origin);
      if (idle) {
        try {
          return await attempt(idle, message, true);
        } catch (error) {
          // Closed by the service while idle: a request the connection never took, or a GET or HEAD
          // that got not one byte of answer, goes once more on a new connection; anything else may
          // have run and is not sent twice.
          const safe = request.method === "GET" || request.method === "HEAD";
          const again = error instanceof Http1Error && (error.unsent || (error.unanswered && safe));
          if (!again || aborted) {
            throw error;
          }
        }
      }
      const conn = await connect(origin);
      if (aborted) {
        conn.closed = true;
        conn.socket?.terminate();
        throw new Http1Error("aborted", "ABORTED");
      }
      return attempt(conn, message, false);
    };
    let rejectCall: ((error: Http1Error) => void) | undefined;
    const answer = new Promise<Http1Answer>((resolve, reject) => {
      rejectCall = reject;
      send().then(resolve, reject);
    });
    return {
      answer,
      abort() {
        if (aborted) {
          return;
        }
        aborted = true;
        const conn = current;
        if (conn?.job) {
          fail(conn, new Http1Error("aborted", "ABORTED"));
        }
        rejectCall?.(new Http1Error("aborted", "ABORTED"));
      },
    };
  }

  return {
    /** Whether `baseUrl` is served by this client (plain http); others go through fetch. */
    canServe: (baseUrl: string) => originOf(baseUrl) !== undefined,
    request,
    /** Closes every idle connection (the gateway stops). */
    close() {
      for (const origin of origins.values()) {
        for (const conn of origin?.idle.splice(0) ?? []) {
          conn.closed = true;
          conn.socket?.end();
        }
      }
    },
  };
}

export type Http1Client = ReturnType<typeof createHttp1Client>;
