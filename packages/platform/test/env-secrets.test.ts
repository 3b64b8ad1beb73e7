// Compose secrets: NAME_FILE points at a mounted file whose content is NAME.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { EnvError, readEnv } from "../src/env.ts";

const Schema = z.object({ SIGNING_KEY_SECRET: z.string().min(32), PORT: z.coerce.number().default(1) });

function problems(source: Record<string, string>): readonly string[] {
  try {
    readEnv(Schema, source);
    return [];
  } catch (error) {
    return error instanceof EnvError ? error.problems : [String(error)];
  }
}

test("NAME_FILE stands for NAME = the file's content, one trailing newline dropped", () => {
  const dir = mkdtempSync(join(tmpdir(), "vx-secret-"));
  try {
    const file = join(dir, "signing_key_secret");
    writeFileSync(file, `${"s".repeat(40)}\n`);
    expect(readEnv(Schema, { SIGNING_KEY_SECRET_FILE: file }).SIGNING_KEY_SECRET).toBe("s".repeat(40));
    // The content is validated like the variable itself.
    writeFileSync(file, "short\n");
    expect(problems({ SIGNING_KEY_SECRET_FILE: file })[0]).toStartWith("SIGNING_KEY_SECRET:");
    // Both set: refused, naming both.
    expect(problems({ SIGNING_KEY_SECRET_FILE: file, SIGNING_KEY_SECRET: "x".repeat(40) })).toEqual([
      "SIGNING_KEY_SECRET_FILE: set either SIGNING_KEY_SECRET or SIGNING_KEY_SECRET_FILE, not both",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an unreadable NAME_FILE is named, not a crash", () => {
  expect(problems({ SIGNING_KEY_SECRET_FILE: "/nonexistent/secret" })[0]).toStartWith(
    "SIGNING_KEY_SECRET_FILE: cannot read /nonexistent/secret",
  );
});

test("another program's *_FILE variable is left alone; wrapped schemas (pick, extend, refine, transform) still read NAME_FILE", () => {
  expect(
    problems({ SIGNING_KEY_SECRET: "k".repeat(40), TF_CLI_CONFIG_FILE: "/nonexistent/.terraformrc" }),
  ).toEqual([]);
  const dir = mkdtempSync(join(tmpdir(), "vx-secret-"));
  try {
    const file = join(dir, "secret");
    writeFileSync(file, "w".repeat(40));
    const wrapped = Schema.pick({ SIGNING_KEY_SECRET: true })
      .extend({ EXTRA: z.string().default("x") })
      .refine(() => true)
      .transform((env) => ({ ...env, seen: true }));
    expect(readEnv(wrapped, { SIGNING_KEY_SECRET_FILE: file }).SIGNING_KEY_SECRET).toBe("w".repeat(40));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
