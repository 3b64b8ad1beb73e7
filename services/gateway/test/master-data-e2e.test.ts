/**
 * Master data the way a client works with it: through the gateway with the typed client, signed in by
 * auth, every change recorded by the audit log from the event bus.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { seedTenant } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";

let services: RunningServices;
let gateway: RunningGateway;

beforeAll(async () => {
  services = await startServices("masterdata");
  gateway = startGateway(services.table);
}, 60_000);
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

test("a tenant admin keeps suppliers through the gateway; the audit log records each change", async () => {
  const tenant = await seedTenant(gateway, "Padma");
  const api = gateway.client({ token: tenant.adminToken });
  const bn = gateway.client({ token: tenant.adminToken, locale: "bn" });
  const supplier = await api.masterData.parties.create.mutate({
    name: "Padma Sand Traders",
    nameBn: "পদ্মা বালু ট্রেডার্স",
    roles: ["supplier"],
    bin: "000555666-0101",
    mobiles: ["01812345678"],
  });
  const duplicate = await api.masterData.parties.create.mutate({ name: "Padma Sand", roles: ["customer"] });
  const updated = await api.masterData.parties.update.mutate({
    id: supplier.id,
    expectedVersion: supplier.version,
    creditLimit: "1500000",
  });
  expect(updated.creditLimit).toBe("1500000.00");
  await api.masterData.parties.merge.mutate({ keepId: supplier.id, mergeId: duplicate.id });
  const found = await bn.masterData.parties.list.query({ search: "বালু" });
  expect(found.items.map((p) => p.id)).toEqual([supplier.id]);
  const refused = await bn.masterData.parties.create
    .mutate({ name: "X", roles: ["supplier"], bin: "12" })
    .then(
      () => undefined,
      (error: { data?: { issues?: { path: string; message: string }[] } }) => error.data?.issues?.[0],
    );
  expect(refused?.path).toBe("bin");
  expect(refused?.message).toMatch(/[\u0980-\u09FF]/);

  await services.settle();
  const { items } = await api.audit.events.list.query({
    typePrefix: "vextrus.master_data.party.",
    limit: 50,
  });
  const of = (id: string) =>
    items
      .filter((e) => e.subjectId === id)
      .map((e) => e.type)
      .reverse();
  expect(of(supplier.id)).toEqual(["vextrus.master_data.party.created", "vextrus.master_data.party.updated"]);
  expect(of(duplicate.id)).toEqual(["vextrus.master_data.party.created", "vextrus.master_data.party.merged"]);
  expect(items.find((e) => e.type === "vextrus.master_data.party.merged")?.data).toMatchObject({
    keepId: supplier.id,
    mergeId: duplicate.id,
  });
  const verified = await api.audit.verify.query({});
  expect(verified.ok).toBe(true);
}, 60_000);
