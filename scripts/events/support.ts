// Helpers for the cross-service event suites: services answer real HTTP, called as a client would.

import { portForLater } from "@vextrus/platform/testing";
import superjson from "superjson";

export interface Caller {
  mutate<T = unknown>(path: string, input?: unknown): Promise<T>;
  query<T = unknown>(path: string, input?: unknown): Promise<T>;
}

export class CallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** A tRPC client over plain HTTP (superjson), for a service at `baseUrl`. */
export function callerFor(baseUrl: string, token?: string): Caller {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  const parse = async <T>(response: Response): Promise<T> => {
    const body = (await response.json()) as { result?: { data: unknown } };
    if (!response.ok || !body.result) {
      throw new CallError(response.status, body);
    }
    return superjson.deserialize(body.result.data as never) as T;
  };
  return {
    async mutate(path, input) {
      const response = await fetch(`${baseUrl}/trpc/${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(superjson.serialize(input)),
      });
      return parse(response);
    },
    async query(path, input) {
      const encoded = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
      return parse(await fetch(`${baseUrl}/trpc/${path}?input=${encoded}`, { headers }));
    },
  };
}

export const freePort = () => portForLater();

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return true;
    }
    await Bun.sleep(stepMs);
  }
  return check();
}

/** Runs `work` for each item with at most `limit` at once. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const PLATFORM_PERMISSIONS = [
  "platform:tenant:create",
  "platform:tenant:read",
  "platform:tenant:manage",
];

/** `count` writes through organization's public procedures (one event each), reporting each one. */
export async function organizationWorkload(
  org: Caller,
  count: number,
  onProgress?: (done: number) => Promise<void> | void,
): Promise<number> {
  const company = await org.mutate<{ id: string }>("companies.create", { name: "Workload Builders" });
  let done = 1;
  await onProgress?.(done);
  const departments: Array<{ id: string; version: number }> = [];
  while (done < count) {
    const existing = departments[done % 7];
    if (departments.length < 5 || !existing) {
      const dept = await org.mutate<{ id: string; version: number }>("departments.create", {
        companyId: company.id,
        name: `Department ${done}`,
      });
      departments.push({ id: dept.id, version: dept.version });
    } else {
      const updated = await org.mutate<{ version: number }>("departments.update", {
        id: existing.id,
        expectedVersion: existing.version,
        name: `Department ${done}`,
      });
      existing.version = updated.version;
    }
    done++;
    await onProgress?.(done);
  }
  return done;
}
