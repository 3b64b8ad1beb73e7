/** Helpers of the benchmarks that run services in processes of their own, as deployed. */
import { portForLater } from "@vextrus/platform/testing";

export const freePort = () => portForLater();

/** Starts `entry` with `env` in its own process and waits until its /health/ready answers 200. */
export async function startServer(name: string, entry: string, env: Record<string, string>) {
  // A port chosen beforehand (a peer had to be told it), else a free one.
  const port = env.PORT ? Number(env.PORT) : freePort();
  // BENCH_PROFILE=<service>[,<service>…] writes each named service's CPU profile under
  // /tmp/bench-profile-<service>/ when it exits (bun --cpu-prof), to see where its time goes.
  const profiled = (process.env.BENCH_PROFILE ?? "").split(",").includes(name);
  const profile = profiled ? ["--cpu-prof", "--cpu-prof-dir", `/tmp/bench-profile-${name}`] : [];
  const proc = Bun.spawn([process.execPath, ...profile, entry], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: "info",
      ...(name === "gateway" && process.env.GATEWAY_BUN_OPTIONS
        ? { BUN_OPTIONS: process.env.GATEWAY_BUN_OPTIONS }
        : {}),
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  // Up to a minute: on a loaded machine a service's migrations alone can take longer than 10 s.
  for (let attempt = 0; attempt < 600; attempt++) {
    const ready = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (ready?.ok) {
      return { url, proc };
    }
    await Bun.sleep(100);
  }
  proc.kill();
  throw new Error(`${name} did not become ready`);
}
