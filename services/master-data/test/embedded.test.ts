/**
 * The embedded database (PGlite, as `npm start` runs it) runs the same migrations, and the search
 * terms' triggers write as the service's role there too.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { PGlite } from "@electric-sql/pglite";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, migrateService, pgliteDatabase } from "@vextrus/platform/db";
import { openPglite } from "@vextrus/platform/pglite";
import { createTestSigner } from "@vextrus/platform/testing";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { clientFor } from "./harness.ts";

let pglite: PGlite;
beforeAll(async () => {
  pglite = await openPglite();
  await migrateService({ pglite }, "master-data", MIGRATIONS);
}, 60_000);
afterAll(async () => {
  await pglite.close();
});

test("on PGlite: units, items and parties are created and found by the words of their names", async () => {
  const signer = await createTestSigner();
  const app = createApp({
    db: pgliteDatabase({ client: pglite, appRole: APP_ROLE }),
    log: createLogger({ write: () => {} }),
    verifyToken: await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" }),
  });
  const tenantId = Bun.randomUUIDv7();
  const api = clientFor(app, await signer.sign({ tenantId, permissions: ["master-data:*"] }));
  const units = await api.units.installDefaults.mutate();
  expect(units).toHaveLength(14);
  const bag = units.find((u) => u.code === "bag")?.id ?? "";
  await api.items.create.mutate({ code: "CEM", name: "Portland cement", nameBn: "সিমেন্ট", baseUnitId: bag });
  await api.parties.create.mutate({ name: "Meghna Cement Mills", roles: ["supplier"] });
  expect((await api.units.list.query({ search: "cement" })).items.map((u) => u.code)).toEqual(["bag"]);
  expect((await api.items.list.query({ search: "সিমেন্ট" })).items.map((i) => i.code)).toEqual(["CEM"]);
  expect((await api.parties.list.query({ search: "meghna" })).items.map((p) => p.name)).toEqual([
    "Meghna Cement Mills",
  ]);
  const other = clientFor(
    app,
    await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["master-data:*"] }),
  );
  expect((await other.items.list.query({ search: "cement" })).items).toEqual([]);
}, 60_000);
