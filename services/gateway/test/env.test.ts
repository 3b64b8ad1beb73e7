import { describe, expect, test } from "bun:test";
import { EnvError, readEnv } from "@vextrus/platform";
import { GatewayEnv } from "../src/env.ts";

describe("gateway settings", () => {
  test("SERVICE_URLS becomes the routing table; defaults are the documented ones", () => {
    const env = readEnv(GatewayEnv, {
      SERVICE_URLS: "auth=http://127.0.0.1:3001, organization=http://organization:3002/",
      CORS_ORIGINS: "https://app.vextrus.com.bd, http://localhost:5173",
    });
    expect(env.SERVICE_URLS).toEqual({
      auth: "http://127.0.0.1:3001",
      organization: "http://organization:3002/",
    });
    expect(env.CORS_ORIGINS).toEqual(["https://app.vextrus.com.bd", "http://localhost:5173"]);
    expect(env).toMatchObject({
      PORT: 3000,
      UPSTREAM_TIMEOUT_MS: 10_000,
      MAX_BATCH_SIZE: 50,
      HOST: "0.0.0.0",
    });
    expect(readEnv(GatewayEnv, {}).SERVICE_URLS).toEqual({});
  });

  test("a bad entry, or a burst smaller than a full batch, is refused naming the variable", () => {
    const problems = (source: Record<string, string>) => {
      try {
        readEnv(GatewayEnv, source);
        return [];
      } catch (error) {
        return error instanceof EnvError ? [...error.problems] : ["not an EnvError"];
      }
    };
    expect(problems({ SERVICE_URLS: "auth=ftp://x" })[0]).toStartWith("SERVICE_URLS:");
    expect(problems({ SERVICE_URLS: "Auth=http://x:1" })[0]).toStartWith("SERVICE_URLS:");
    expect(problems({ SERVICE_URLS: "auth" })[0]).toStartWith("SERVICE_URLS:");
    expect(problems({ RATE_LIMIT_TENANT_BURST: "10", MAX_BATCH_SIZE: "50" })[0]).toStartWith(
      "RATE_LIMIT_TENANT_BURST:",
    );
    expect(problems({ RATE_LIMIT_TENANT_PER_SECOND: "0", RATE_LIMIT_TENANT_BURST: "0" })).toEqual([]);
  });
});
