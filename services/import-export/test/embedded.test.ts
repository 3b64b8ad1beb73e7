/**
 * Embedded mode (one PGlite shared by every service, the in-process bus) imports as PostgreSQL mode
 * does: the one-pass preview's batch insert, the set-based create and update of master-data, the
 * reads and writes it sends together on the transaction, the rollback.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Stack, startStack, until } from "./harness.ts";

let stack: Stack;
beforeAll(async () => {
  // Every service's migrations run on the one PGlite first.
  stack = await startStack("embedded", { embedded: true });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const csv = (lines: string[]) => new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);

test("on PGlite: preview, apply (creates and an update), rollback", async () => {
  const t = await stack.tenant();
  const karim = await t.md.parties.create.mutate({
    name: "Karim Steel",
    roles: ["supplier"],
    bin: "000123456-0101",
  });
  const file = await t.upload(
    "pglite.csv",
    csv([
      "name,roles,bin,paymentTermsDays,District,Division,Address,Postcode",
      "Karim Steel Mills,supplier,000123456-0101,30,Dhaka,Dhaka,House 1,1205",
      "New One Ltd,customer,000999888-0101,,,,,",
      "No Roles Ltd,,000999777-0101,,,,,",
    ]),
    "text/csv",
  );
  const created = await t.ie().imports.create.mutate({
    entity: "party",
    fileId: file.id,
    mode: "upsert",
    keyColumn: "bin",
  });
  const ready = await until("the preview", async () => {
    const got = await t.ie().imports.get.query({ id: created.id });
    if (got.status === "failed") {
      throw new Error(`import failed: ${got.error}`);
    }
    return got.status === "ready" ? got : undefined;
  });
  expect(ready.preview).toEqual({ create: 1, update: 1, unchanged: 0, error: 1 });
  await t.ie().imports.commit.mutate({ id: ready.id, expectedVersion: ready.version });
  const done = await until("applied", async () => {
    const got = await t.ie().imports.get.query({ id: ready.id });
    if (got.status === "failed") {
      throw new Error(`import failed: ${got.error}`);
    }
    return got.status === "applied" ? got : undefined;
  });
  expect(done.progress).toMatchObject({ done: 3, failed: 1 });
  const updated = await t.md.parties.get.query({ id: karim.id });
  expect(updated).toMatchObject({ name: "Karim Steel Mills", paymentTermsDays: 30, version: 2 });
  expect(updated.addresses.map((a) => [a.districtId, a.postcode])).toEqual([[47, "1205"]]);
  const names = (await t.md.parties.list.query({})).items.map((p) => p.name).sort();
  expect(names).toEqual(["Karim Steel Mills", "New One Ltd"]);

  await t.ie().imports.rollback.mutate({ id: done.id, expectedVersion: done.version });
  await until("rolled back", async () =>
    (await t.ie().imports.get.query({ id: done.id })).status === "rolled_back" ? true : undefined,
  );
  expect(await t.md.parties.get.query({ id: karim.id })).toMatchObject({
    name: "Karim Steel",
    paymentTermsDays: null,
    addresses: [],
  });
  const after = (await t.md.parties.list.query({ includeArchived: true })).items;
  expect(after.find((p) => p.name === "New One Ltd")?.status).toBe("archived");
}, 120_000);
