// One runnable jar from Maven Central, cached under .cache/<name>/<version>: the test servers that
// ship as a single jar (GreenMail, S3Proxy) are fetched and checked for the same way.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, run, seconds } from "./process.ts";

export interface MavenJar {
  /** Shown in progress lines, e.g. "GreenMail". */
  label: string;
  /** `group:artifact:version[:type:classifier]`. */
  artifact: string;
  /** The cache folder under .cache/, e.g. "greenmail". */
  cacheName: string;
  version: string;
  /** The file name Maven writes, e.g. `greenmail-standalone-2.1.13.jar`. */
  fileName: string;
}

export const jarPath = (jar: MavenJar): string =>
  join(repoRoot, ".cache", jar.cacheName, jar.version, jar.fileName);

/** Why the jar cannot be run here (no java; no mvn and nothing cached), or undefined when it can. */
export function missingJarTools(jar: MavenJar): string | undefined {
  if (!Bun.which("java")) {
    return "no `java` on PATH (Java 17+ needed)";
  }
  if (!existsSync(jarPath(jar)) && !Bun.which("mvn")) {
    return `no \`mvn\` on PATH and no cached jar at ${jarPath(jar)}`;
  }
  return undefined;
}

/** Copies the jar from Maven Central into its cache folder once; says where it came from. */
export async function ensureJar(jar: MavenJar): Promise<string> {
  const file = jarPath(jar);
  if (existsSync(file)) {
    return "cached jar";
  }
  const started = performance.now();
  console.log(`${jar.label}: fetching ${jar.artifact} with Maven…`);
  const dir = join(repoRoot, ".cache", jar.cacheName, jar.version);
  mkdirSync(dir, { recursive: true });
  const staging = join(dir, `tmp-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const maven = await run([
    "mvn",
    ...["-B", "-q", "-Dstyle.color=never", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy"],
    `-Dartifact=${jar.artifact}`,
    `-DoutputDirectory=${staging}`,
  ]);
  const fetched = join(staging, jar.fileName);
  if (maven.code !== 0 || !existsSync(fetched)) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Maven could not fetch ${jar.artifact}:\n${maven.output}`);
  }
  renameSync(fetched, file);
  rmSync(staging, { recursive: true, force: true });
  return `jar fetched from Maven Central in ${seconds(started)}`;
}
