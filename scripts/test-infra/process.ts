// Small process and port helpers shared by the PostgreSQL and Kafka starters.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { portForLater } from "@vextrus/platform/testing";
import type { Subprocess } from "bun";

export const repoRoot = resolve(import.meta.dir, "../..");

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function seconds(sinceMs: number): string {
  return `${((performance.now() - sinceMs) / 1000).toFixed(1)} s`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function isPortFree(port: number): boolean {
  try {
    const listener = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
    listener.stop(true);
    return true;
  } catch {
    return false;
  }
}

/** The preferred port when it is free, else one below the ephemeral range (never one in `exclude`). */
export function freePort(preferred: number, exclude: number[] = []): number {
  return !exclude.includes(preferred) && isPortFree(preferred) ? preferred : portForLater(exclude);
}

/** Runs a command to completion and returns its exit code and combined output. */
export async function run(cmd: string[], cwd = repoRoot): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn(cmd, { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: `${stdout}${stderr}`.trim() };
}

/** Resolves with `promise`'s value, or with `fallback` after `ms` (the timer never outlives it). */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: Timer | undefined;
  const timeout = new Promise<F>((done) => {
    timer = setTimeout(() => done(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true if the process exits within `ms`, false otherwise. */
export async function exitsWithin(proc: Subprocess, ms: number): Promise<boolean> {
  return within(
    proc.exited.then(() => true),
    ms,
    false,
  );
}

/** Sends `signal`, then SIGKILL if the process is still running after `graceMs`. */
export async function stopProcess(proc: Subprocess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return;
  }
  proc.kill(signal);
  if (!(await exitsWithin(proc, graceMs))) {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

/** Signals a pid we do not hold a handle for; false when it no longer exists. */
export function signalPid(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function tailOf(file: string, lines = 30): string {
  if (!existsSync(file)) {
    return "(no log)";
  }
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
