import type { Fetch, Logger } from "@vextrus/platform";
import type { ServiceTable } from "./routing.ts";

/** Service name → its replicas' base URLs (one or more). */
export type ReplicaTable = Readonly<Record<string, readonly string[]>>;

export interface ReplicaPoolOptions {
  /** How often each replica of a service with more than one is asked for /health/ready (default 2 s). */
  probeMs?: number;
  /** How long a probe may take before it counts as a failure (default 1 s). */
  probeTimeoutMs?: number;
  log: Logger;
}

interface Replica {
  url: string;
  ready: boolean;
}

/**
 * Several replicas of a service behind one name. Each request goes to the next ready replica (round
 * robin); a replica whose /health/ready fails, or that refused a connection, is skipped until a probe
 * finds it ready again. When no replica of a service is ready, all are tried in turn (the refusal is
 * then the service's own answer). Services with one replica are never probed: there is nothing to
 * skip to.
 */
export function createReplicaPool(replicas: ReplicaTable, options: ReplicaPoolOptions) {
  const pools = new Map<string, { all: Replica[]; next: number }>();
  for (const [service, urls] of Object.entries(replicas)) {
    pools.set(service, {
      all: [...new Set(urls.map((url) => url.replace(/\/+$/, "")))].map((url) => ({ url, ready: true })),
      next: 0,
    });
  }
  const probeMs = options.probeMs ?? 2_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1_000;
  const log = options.log.child({ component: "replicas" });

  const setReady = (service: string, replica: Replica, ready: boolean, why: string) => {
    if (replica.ready !== ready) {
      replica.ready = ready;
      log.info(ready ? "replica ready again" : "replica skipped", { service, url: replica.url, why });
    }
  };

  /** The next replica to send a request to, other than `except` where another exists. */
  function pick(service: string, except?: string): string | undefined {
    const pool = pools.get(service);
    if (!pool || pool.all.length === 0) {
      return undefined;
    }
    const { all } = pool;
    if (all.length === 1) {
      return all[0]?.url;
    }
    const anyReady = all.some((replica) => replica.ready && replica.url !== except);
    for (let i = 0; i < all.length; i++) {
      const replica = all[(pool.next + i) % all.length];
      if (replica && replica.url !== except && (replica.ready || !anyReady)) {
        pool.next = (pool.next + i + 1) % all.length;
        return replica.url;
      }
    }
    return all[0]?.url;
  }

  /** A replica refused a connection (or a probe failed): skip it until a probe says it is ready. */
  function markDown(service: string, url: string, why: string) {
    const replica = pools.get(service)?.all.find((r) => r.url === url);
    if (replica) {
      setReady(service, replica, false, why);
    }
  }

  async function probe(service: string, replica: Replica) {
    try {
      const res = await fetch(`${replica.url}/health/ready`, { signal: AbortSignal.timeout(probeTimeoutMs) });
      await res.body?.cancel();
      setReady(service, replica, res.ok, `/health/ready answered ${res.status}`);
    } catch (error) {
      setReady(service, replica, false, error instanceof Error ? error.message : String(error));
    }
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  const probed = [...pools].filter(([, pool]) => pool.all.length > 1);
  if (probed.length > 0) {
    timer = setInterval(() => {
      for (const [service, pool] of probed) {
        for (const replica of pool.all) {
          void probe(service, replica);
        }
      }
    }, probeMs);
    timer.unref?.();
  }

  /**
   * The table the rest of the gateway reads (`table.files`): each read names the next ready replica,
   * so every forwarder balances without knowing about replicas.
   */
  const table: ServiceTable = Object.freeze(
    Object.defineProperties(
      {},
      Object.fromEntries(
        [...pools.keys()].map((service) => [service, { enumerable: true, get: () => pick(service) }]),
      ),
    ),
  ) as ServiceTable;

  return {
    table,
    pick,
    markDown,
    /** Every replica of every service (readiness of the gateway: a service is ready when one is). */
    replicas: (): ReplicaTable =>
      Object.fromEntries([...pools].map(([service, pool]) => [service, pool.all.map((r) => r.url)])),
    /** Replicas of `service` beyond the first: whether a refused request has somewhere else to go. */
    count: (service: string) => pools.get(service)?.all.length ?? 0,
    stop() {
      clearInterval(timer);
    },
  };
}

export type ReplicaPool = ReturnType<typeof createReplicaPool>;

/** `{ a: "http://x" }` or `{ a: ["http://x", "http://y"] }` → every service with its list of URLs. */
export function replicaTable(services: Readonly<Record<string, string | readonly string[]>>): ReplicaTable {
  return Object.fromEntries(
    Object.entries(services).map(([name, urls]) => [name, typeof urls === "string" ? [urls] : [...urls]]),
  );
}

/**
 * A fetch for the gateway's own calls to `service` (the configuration reader's): each request goes to
 * the pool's next ready replica, as a forwarded one does. `input` names any replica's URL (the first,
 * say); its base is swapped for the picked replica's. When the replica cannot be reached it is skipped
 * from then on, and the request goes to one other replica if it is safe: a GET whatever broke, another
 * method only when the connection was refused (it never left).
 */
export function replicaFetch(
  pool: Pick<ReplicaPool, "pick" | "markDown" | "count" | "replicas">,
  service: string,
): Fetch {
  const bases = () => pool.replicas()[service] ?? [];
  const rebase = (url: string, to: string) => {
    const from = bases().find((base) => url.startsWith(base));
    return from === undefined ? url : `${to}${url.slice(from.length)}`;
  };
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const first = pool.pick(service);
    if (first === undefined) {
      return fetch(url, init);
    }
    try {
      return await fetch(rebase(url, first), init);
    } catch (error) {
      if (pool.count(service) < 2 || init?.signal?.aborted) {
        throw error;
      }
      const refused = (error as { code?: unknown } | null)?.code === "ECONNREFUSED";
      pool.markDown(service, first, `the gateway's own call failed (${refused ? "refused" : "failed"})`);
      const method = (init?.method ?? "GET").toUpperCase();
      const second = method === "GET" || refused ? pool.pick(service, first) : undefined;
      if (second === undefined || second === first) {
        throw error;
      }
      return fetch(rebase(url, second), init);
    }
  };
}
