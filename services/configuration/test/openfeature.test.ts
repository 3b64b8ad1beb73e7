/** The standard OpenFeature server SDK, evaluating Vextrus flags through VextrusFlagProvider. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ErrorCode, OpenFeature } from "@openfeature/server-sdk";
import { VextrusFlagProvider } from "@vextrus/config/openfeature";
import { type ConfigHarness, startConfiguration } from "./harness.ts";

let h: ConfigHarness;

beforeAll(async () => {
  h = await startConfiguration("config_openfeature");
  const provider = new VextrusFlagProvider({
    url: "http://configuration.test",
    fetch: (url, init) => Promise.resolve(h.app.fetch(new Request(url, init))),
  });
  await OpenFeature.setProviderAndWait(provider);
}, 30_000);
afterAll(async () => {
  await OpenFeature.close();
  await h.stop();
});

describe("OpenFeature", () => {
  test("boolean and variant flags, targeting and reasons come through the standard client", async () => {
    const t = await h.tenant();
    const early = Bun.randomUUIDv7();
    await t.api.set.mutate({
      key: "workflow.flags.parallelApproval",
      scope: { level: "tenant" },
      value: { enabled: true, variant: "on", userIds: [early] },
      expectedVersion: 0,
    });
    await t.api.set.mutate({
      key: "documents.flags.invoiceLayout",
      scope: { level: "tenant" },
      value: { enabled: true, variant: "mushak63" },
      expectedVersion: 0,
    });
    const client = OpenFeature.getClient();
    const context = { tenantId: t.tenantId, authorization: `Bearer ${t.token}` };
    const on = await client.getBooleanDetails("workflow.flags.parallelApproval", false, {
      ...context,
      targetingKey: early,
    });
    expect(on).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    const other = await client.getBooleanDetails("workflow.flags.parallelApproval", true, {
      ...context,
      targetingKey: Bun.randomUUIDv7(),
    });
    expect(other).toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });
    expect(await client.getStringValue("documents.flags.invoiceLayout", "classic", context)).toBe("mushak63");
  });

  test("unknown flags, wrong types and missing context fall back to the caller's default with an error code", async () => {
    const t = await h.tenant();
    const client = OpenFeature.getClient();
    const context = { tenantId: t.tenantId, authorization: `Bearer ${t.token}` };
    const unknown = await client.getBooleanDetails("nope.flags.x", true, context);
    expect([unknown.value, unknown.errorCode]).toEqual([true, ErrorCode.FLAG_NOT_FOUND]);
    const mismatch = await client.getBooleanDetails("documents.flags.invoiceLayout", false, context);
    expect([mismatch.value, mismatch.errorCode]).toEqual([false, ErrorCode.TYPE_MISMATCH]);
    const noTenant = await client.getBooleanDetails("workflow.flags.parallelApproval", true, {});
    expect([noTenant.value, noTenant.errorCode]).toEqual([true, ErrorCode.INVALID_CONTEXT]);
  });
});
