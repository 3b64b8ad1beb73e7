import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { EnvError, localeFromHeader, readEnv, ServiceEnv } from "../src/index.ts";

describe("locale", () => {
  test("Bengali only when the caller prefers it", () => {
    expect(localeFromHeader(undefined)).toBe("en");
    expect(localeFromHeader("bn")).toBe("bn");
    expect(localeFromHeader("bn-BD,bn;q=0.9,en;q=0.5")).toBe("bn");
    expect(localeFromHeader("en-US,en;q=0.9,bn;q=0.8")).toBe("en");
    expect(localeFromHeader("fr-FR,bn;q=0.3")).toBe("bn");
    expect(localeFromHeader("fr-FR")).toBe("en");
  });
});

describe("env", () => {
  const Schema = ServiceEnv.extend({ PORT: z.coerce.number().int().min(1).max(65_535) });

  test("defaults apply and valid settings parse", () => {
    const env = readEnv(Schema, { PORT: "3002", KAFKA_BROKERS: "127.0.0.1:9092,127.0.0.1:9093" });
    expect(env).toMatchObject({
      PORT: 3002,
      DATA_DIR: ".data",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  test("every bad or missing setting is named", () => {
    try {
      readEnv(Schema, { DATABASE_URL: "mysql://x", KAFKA_BROKERS: "nohostport", LOG_LEVEL: "loud" });
      throw new Error("expected EnvError");
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const problems = (error as EnvError).problems.join("\n");
      expect(problems).toContain("PORT: missing");
      expect(problems).toContain("DATABASE_URL: must be a postgres:// URL");
      expect(problems).toContain("KAFKA_BROKERS: must be host:port");
      expect(problems).toContain("LOG_LEVEL");
    }
  });
});
