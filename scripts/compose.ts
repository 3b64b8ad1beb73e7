// compose.yaml as the tests read it: parsed, with variables interpolated the way `docker compose` does.
import { join } from "node:path";
import { repoRoot } from "./test-infra/process.ts";

export type Node = Record<string, unknown>;

export function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function child(node: unknown, key: string): Node {
  const value = isNode(node) ? node[key] : undefined;
  return isNode(value) ? value : {};
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
}

export const composeText = await Bun.file(join(repoRoot, "compose.yaml")).text();
export const compose: Node = Bun.YAML.parse(composeText) as Node;

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` and `$$`, as compose reads them. */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, name, colon, operator, operand, bare) => {
      if (whole === "$$") {
        return "$";
      }
      const value = vars[name ?? bare];
      const missing = value === undefined || (colon === ":" && value === "");
      if (operator === "-") {
        return missing ? interpolate(operand, vars) : (value ?? "");
      }
      if (operator === "?" && missing) {
        throw new Error(`compose.yaml needs ${name}: ${operand}`);
      }
      return value ?? "";
    },
  );
}

/** A service's `environment` (a map or a list of KEY=value), values interpolated from `vars`. */
export function serviceEnvironment(
  name: string,
  vars: Record<string, string | undefined>,
): Record<string, string> {
  const env = child(compose, "services")[name];
  const raw = isNode(env) ? env.environment : undefined;
  const pairs: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((entry) => {
        const [key = "", ...value] = String(entry).split("=");
        return [key, value.join("=")];
      })
    : Object.entries(isNode(raw) ? raw : {}).map(([key, value]) => [
        key,
        value === null ? "" : String(value),
      ]);
  return Object.fromEntries(pairs.map(([key, value]) => [key, interpolate(value, vars)]));
}

/** The secrets a compose service mounts (short `- name` or long `- source: name` syntax). */
export function serviceSecrets(name: string): string[] {
  const list = child(compose, "services")[name];
  const raw = isNode(list) ? list.secrets : undefined;
  return (Array.isArray(raw) ? raw : []).map((entry) =>
    isNode(entry) ? String(entry.source) : String(entry),
  );
}

/** Compose mounts secret `x` at /run/secrets/x; tests stand a folder of files in for /run/secrets. */
export function secretsAt(env: Record<string, string>, dir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value.replace(/^\/run\/secrets\//, `${dir}/`)]),
  );
}

/** Runs ops/compose/init-secrets.sh into `dir` (as an operator does before `docker compose up`). */
export async function initSecrets(dir: string): Promise<void> {
  const proc = Bun.spawn(["sh", join(repoRoot, "ops/compose/init-secrets.sh"), dir], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) {
    throw new Error(`ops/compose/init-secrets.sh exited with ${code}: ${out}${err}`);
  }
}
