// Builds the Dockerfile without a Docker engine, for the tests: every COPY is replayed on the files it
// selects (the build context less .dockerignore, or an earlier stage's folder) and every RUN runs in a
// folder standing for the stage's WORKDIR. The base image's own files are not there, so RUN steps must
// only use what the build adds plus `bun` (on PATH as the running Bun) and POSIX tools.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { basename, dirname, join, posix, relative } from "node:path";

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

/** Instructions in order; comments, parser directives and blank lines dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  let startLine = 0;
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = raw.trimEnd();
    if (pending === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) {
      continue;
    }
    if (pending !== "" && line.trimStart().startsWith("#")) {
      continue;
    }
    if (pending === "") {
      startLine = index + 1;
    }
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = "";
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match) {
      instructions.push({ keyword: (match[1] ?? "").toUpperCase(), args: match[2] ?? "", line: startLine });
    }
  }
  return instructions;
}

/** `--from=deps --chown=bun a b c/` → flags and words (JSON array form too). */
export function splitFlags(args: string): { flags: Record<string, string>; words: string[] } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (
    let match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
    match;
    match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)
  ) {
    flags[match[1] ?? ""] = match[2] ?? "true";
    rest = rest.slice(match[0].length);
  }
  const words = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter(Boolean);
  return { flags, words };
}

/** `.dockerignore` as Docker reads it: last matching pattern wins, `!` re-includes, a parent's match counts. */
export function dockerignore(context: string): (path: string) => boolean {
  const file = join(context, ".dockerignore");
  const patterns = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => {
          const negated = line.startsWith("!");
          const pattern = posix.normalize((negated ? line.slice(1) : line).trim()).replace(/^\/+/, "");
          return { negated, glob: new Bun.Glob(pattern) };
        })
    : [];
  const matches = (path: string): boolean => {
    let excluded = false;
    for (const { negated, glob } of patterns) {
      if (glob.match(path)) {
        excluded = !negated;
      }
    }
    return excluded;
  };
  return (path) => {
    const parts = path.split("/");
    return parts.some((_, i) => matches(parts.slice(0, i + 1).join("/")));
  };
}

/** Every file of the build context that COPY may see (paths relative to the context, `/`-separated). */
export function contextFiles(context: string): string[] {
  const ignored = dockerignore(context);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(context, dir), { withFileTypes: true })) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (ignored(path)) {
        continue;
      }
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push(path);
      }
    }
  };
  walk("");
  return files.sort();
}

export interface StageResult {
  name: string;
  /** The folder standing for the stage's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string;
  cmd: string[];
  healthcheck: string[];
}

export interface BuildOptions {
  dockerfile: string;
  context: string;
  /** An empty folder that receives one folder per stage. */
  out: string;
  buildArgs?: Record<string, string>;
  /** Stop (without running it) at the first instruction for which this is true. */
  stopBefore?: (instruction: Instruction) => boolean;
  /** Called before each RUN, e.g. to print progress. */
  onRun?: (instruction: Instruction, stage: StageResult) => void;
}

const SUBSTITUTED = new Set([
  "FROM",
  "ARG",
  "ENV",
  "WORKDIR",
  "COPY",
  "USER",
  "EXPOSE",
  "LABEL",
  "STOPSIGNAL",
]);

function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a, d, b) => {
      const value = vars[a ?? b];
      return value === undefined || value === "" ? (d ?? "") : value;
    },
  );
}

/** CMD / HEALTHCHECK CMD in exec (JSON) or shell form → argv. */
function commandOf(text: string): string[] {
  return text.trim().startsWith("[") ? (JSON.parse(text) as string[]) : ["/bin/sh", "-c", text];
}

function copyInto(source: string, target: string, targetIsDir: boolean): void {
  if (statSync(source).isDirectory()) {
    mkdirSync(target, { recursive: true });
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
    return;
  }
  const destination = targetIsDir ? join(target, basename(source)) : target;
  mkdirSync(dirname(destination), { recursive: true });
  cpSync(source, destination, { verbatimSymlinks: true });
}

/** COPY from the build context: sources may be files, folders or globs, filtered by .dockerignore. */
function copyFromContext(
  context: string,
  files: string[],
  sources: string[],
  target: string,
  toDir: boolean,
) {
  for (const source of sources) {
    const clean = posix.normalize(source).replace(/^\/+/, "").replace(/\/+$/, "");
    const selected =
      clean === "." || clean === ""
        ? files.map((file) => ({ file, rel: file }))
        : files.flatMap((file) => {
            if (/[*?[]/.test(clean)) {
              return new Bun.Glob(clean).match(file) ? [{ file, rel: basename(file) }] : [];
            }
            if (file === clean) {
              return [{ file, rel: basename(file) }];
            }
            return file.startsWith(`${clean}/`) ? [{ file, rel: file.slice(clean.length + 1) }] : [];
          });
    if (selected.length === 0) {
      throw new Error(`COPY ${source}: no such file in the build context (or it is in .dockerignore)`);
    }
    const single = selected.length === 1 && selected[0]?.file === clean && !toDir;
    for (const { file, rel } of selected) {
      copyInto(join(context, file), single ? target : join(target, rel), false);
    }
  }
}

/** A folder holding `bun` (the running Bun: under npm its file is named bun.exe), for RUN steps. */
function bunOnPath(out: string): string {
  const dir = join(out, ".bin");
  if (!existsSync(join(dir, "bun"))) {
    mkdirSync(dir, { recursive: true });
    symlinkSync(process.execPath, join(dir, "bun"));
  }
  return dir;
}

/** Replays the Dockerfile. Returns every stage, the last one being the image. */
export async function buildWithoutEngine(options: BuildOptions): Promise<StageResult[]> {
  const instructions = parseDockerfile(readFileSync(options.dockerfile, "utf8"));
  const files = contextFiles(options.context);
  const stages: StageResult[] = [];
  const globalArgs: Record<string, string> = {};
  let stage: StageResult | undefined;
  let args: Record<string, string> = {};
  const at = (path: string): string => join(stage?.root ?? "", path);
  const resolveDir = (path: string): string =>
    posix.isAbsolute(path) ? path : posix.join(stage?.workdir ?? "/", path);

  for (const instruction of instructions) {
    if (options.stopBefore?.(instruction)) {
      return stages;
    }
    const { keyword } = instruction;
    const vars = { ...args, ...(stage?.env ?? {}) };
    // Docker substitutes variables in these instructions only; RUN, CMD and HEALTHCHECK leave them to the shell.
    const text = SUBSTITUTED.has(keyword) ? substitute(instruction.args, vars) : instruction.args;
    const where = `Dockerfile line ${instruction.line} (${keyword})`;
    if (keyword === "FROM") {
      const [image = "", , name] = text.split(/\s+/);
      const parent = stages.find((s) => s.name === image);
      const root = join(options.out, `stage-${stages.length}`);
      mkdirSync(root, { recursive: true });
      if (parent) {
        cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true });
      }
      stage = {
        name: name ?? String(stages.length),
        root,
        workdir: parent?.workdir ?? "/",
        env: { ...(parent?.env ?? {}) },
        user: parent?.user ?? "root",
        cmd: [...(parent?.cmd ?? [])],
        healthcheck: [...(parent?.healthcheck ?? [])],
      };
      stages.push(stage);
      args = {};
      continue;
    }
    if (keyword === "ARG") {
      const [name = "", fallback] = text.split("=", 2);
      const value = options.buildArgs?.[name] ?? globalArgs[name] ?? fallback ?? "";
      if (stage) {
        args[name] = value;
      } else {
        globalArgs[name] = value;
      }
      continue;
    }
    if (!stage) {
      throw new Error(`${where}: only ARG may come before the first FROM`);
    }
    switch (keyword) {
      case "WORKDIR":
        stage.workdir = resolveDir(text);
        mkdirSync(at(stage.workdir), { recursive: true });
        break;
      case "ENV":
        for (const pair of text.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g) ?? []) {
          const [name = "", ...value] = pair.split("=");
          stage.env[name] = value.join("=").replace(/^"(.*)"$/, "$1");
        }
        break;
      case "USER":
        stage.user = text.trim();
        break;
      case "CMD":
        stage.cmd = commandOf(text);
        break;
      case "HEALTHCHECK": {
        const command = /^(?:--\S+\s+)*CMD\s+(.*)$/.exec(text)?.[1];
        stage.healthcheck = text.trim() === "NONE" || !command ? [] : commandOf(command);
        break;
      }
      case "EXPOSE":
      case "LABEL":
      case "STOPSIGNAL":
        break;
      case "COPY": {
        const { flags, words } = splitFlags(text);
        const target = words.pop();
        if (!target || words.length === 0) {
          throw new Error(`${where}: needs a source and a destination`);
        }
        const toDir = target.endsWith("/") || words.length > 1 || target === "." || target === "./";
        const destination = at(resolveDir(target));
        if (flags.from) {
          const from = stages.find((s) => s.name === flags.from);
          if (!from) {
            throw new Error(`${where}: --from=${flags.from} is not an earlier stage`);
          }
          for (const source of words) {
            const path = join(from.root, resolveDir(source));
            if (!existsSync(path)) {
              throw new Error(`${where}: ${source} does not exist in stage ${from.name}`);
            }
            copyInto(path, destination, toDir);
          }
        } else {
          copyFromContext(options.context, files, words, destination, toDir);
        }
        break;
      }
      case "RUN": {
        const argv = commandOf(text);
        options.onRun?.(instruction, stage);
        const proc = Bun.spawn(argv, {
          cwd: at(stage.workdir),
          env: {
            ...process.env,
            ...args,
            ...stage.env,
            PATH: `${bunOnPath(options.out)}:${process.env.PATH ?? ""}`,
          },
          stdin: "ignore",
          stdout: "pipe",
          stderr: "pipe",
        });
        const [out, err, code] = await Promise.all([
          new Response(proc.stdout).text(),
          new Response(proc.stderr).text(),
          proc.exited,
        ]);
        if (code !== 0) {
          throw new Error(`${where} exited with ${code}: ${instruction.args}\n${out}${err}`.trim());
        }
        break;
      }
      default:
        throw new Error(`${where}: ${keyword} is not replayed by scripts/dockerfile.ts (add it there)`);
    }
  }
  return stages;
}

/** The files under a folder, relative to it (for assertions on a stage's contents). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * What `bun install --frozen-lockfile` reads: the root manifest, lockfile, bunfig.toml, .npmrc, every
 * workspace's package.json and every patch named under patchedDependencies.
 */
export function installInputs(context: string): string[] {
  const manifest = JSON.parse(readFileSync(join(context, "package.json"), "utf8")) as {
    workspaces?: string[];
    patchedDependencies?: Record<string, string>;
  };
  const workspaceManifests = (manifest.workspaces ?? []).flatMap((pattern) => [
    ...new Bun.Glob(`${pattern}/package.json`).scanSync({ cwd: context, dot: false }),
  ]);
  return [
    "package.json",
    "bun.lock",
    ...["bunfig.toml", ".npmrc"].filter((file) => existsSync(join(context, file))),
    ...workspaceManifests.filter((file) => !file.includes("node_modules")),
    ...Object.values(manifest.patchedDependencies ?? {}),
  ].sort();
}
