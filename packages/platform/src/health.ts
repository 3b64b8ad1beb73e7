/** A readiness probe of one dependency: resolves when it answers, rejects otherwise. */
export type HealthCheck = () => Promise<unknown>;

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 1_500;

async function runCheck(check: HealthCheck): Promise<CheckResult> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  // A check that loses the race may still fail later (a hung connection closing): handled here.
  const pending = check();
  pending.catch(() => undefined);
  try {
    await Promise.race([pending, timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check in parallel; the whole answer takes at most CHECK_TIMEOUT_MS even if one hangs. */
export async function checkAll(checks: Record<string, HealthCheck>) {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name] ?? (async () => {}))));
  const byName = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  const down = names.filter((_, i) => !results[i]?.ok);
  return { ok: down.length === 0, down, checks: byName };
}
