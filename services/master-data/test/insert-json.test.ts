import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { importedRows, parties } from "../src/db/schema.ts";
import { insertJson } from "../src/domain/imports/insert-json.ts";
import { startMasterData } from "./harness.ts";

let md: Awaited<ReturnType<typeof startMasterData>>;

beforeAll(async () => {
  md = await startMasterData("md_insert_json");
});

afterAll(async () => {
  await md.stop();
});

const party = (i: number, tenantId: string, extra: Record<string, unknown> = {}) => ({
  id: Bun.randomUUIDv7(),
  tenantId,
  name: `Insert ${i} Ltd`,
  nameBn: `ইনসার্ট ${i}`,
  roles: ["supplier", "customer"],
  bin: `${100_000_000 + i}0101`,
  mobiles: ["+8801712000001"],
  addresses: [{ kind: "billing", line1: "House 1", district: "Dhaka" }],
  creditLimit: "150000.50",
  paymentTermsDays: 30,
  createdAt: new Date("2025-08-15T04:00:00Z"),
  updatedAt: new Date("2025-08-15T04:00:00Z"),
  ...extra,
});

describe("insertJson: a batch in one statement, one JSON parameter", () => {
  test("answers the rows as drizzle's insert … returning() does; missing columns get their defaults", async () => {
    const { tenantId } = await md.newTenant();
    const [viaJson, viaDrizzle] = await md.db.tenant(tenantId, async (tx) => {
      const a = await insertJson(tx, parties, [party(1, tenantId, { kind: "individual" })], {
        returning: true,
      });
      const b = await tx
        .insert(parties)
        .values(party(2, tenantId, { kind: "individual" }) as never)
        .returning();
      return [a, b] as const;
    });
    const strip = (row: Record<string, unknown> | undefined) => {
      const { id: _, name: __, nameBn: ___, bin: ____, ...rest } = row ?? {};
      return rest;
    };
    expect(viaJson).toHaveLength(1);
    expect(strip(viaJson[0])).toEqual(strip(viaDrizzle[0]));
    expect(viaJson[0]).toMatchObject({
      kind: "individual",
      status: "active",
      version: 1,
      roles: ["supplier", "customer"],
      creditLimit: "150000.50",
      mergedIntoId: null,
    });
    expect(viaJson[0]?.createdAt).toEqual(new Date("2025-08-15T04:00:00Z"));
  });

  test("on conflict do nothing leaves out the colliding row; without returning nothing is answered", async () => {
    const { tenantId } = await md.newTenant();
    const first = party(3, tenantId);
    const again = party(3, tenantId, { name: "Same BIN" });
    const [written, skipped, plain] = await md.db.tenant(tenantId, async (tx) => [
      await insertJson(tx, parties, [first], { returning: true }),
      await insertJson(tx, parties, [again, party(4, tenantId)], {
        onConflictDoNothing: true,
        returning: true,
      }),
      await insertJson(tx, parties, [party(5, tenantId)]),
    ]);
    expect(written.map((r) => r.id)).toEqual([first.id]);
    expect(skipped.map((r) => r.name)).toEqual(["Insert 4 Ltd"]);
    expect(plain).toEqual([]);
    const [row] =
      await md.sql`select count(*)::int as n from master_data.parties where tenant_id = ${tenantId}`;
    expect(row?.n).toBe(3);
  });

  test("a defaulted column given by some rows only goes through drizzle (its DEFAULT for the others)", async () => {
    const { tenantId } = await md.newTenant();
    const rows = await md.db.tenant(tenantId, (tx) =>
      insertJson(tx, parties, [party(6, tenantId, { kind: "individual" }), party(7, tenantId)], {
        returning: true,
      }),
    );
    expect(rows.map((r) => r.kind)).toEqual(["individual", "organisation"]);
  });

  test("a JSON column keeps its object; a row without the optional column stores null", async () => {
    const { tenantId } = await md.newTenant();
    const importId = Bun.randomUUIDv7();
    const recordId = Bun.randomUUIDv7();
    const before = { id: recordId, name: "Before", at: new Date("2025-01-01T00:00:00Z") };
    await md.db.tenant(tenantId, (tx) =>
      insertJson(tx, importedRows, [
        {
          tenantId,
          importId,
          rowNo: 1,
          entity: "party",
          recordId,
          action: "updated",
          versionAfter: 2,
          before,
        },
        { tenantId, importId, rowNo: 2, entity: "party", recordId, action: "created", versionAfter: 1 },
      ]),
    );
    const rows = await md.sql`
      select row_no, before, rolled_back_at from master_data.imported_rows where import_id = ${importId} order by row_no`;
    expect(rows.map((r) => [r.row_no, r.before, r.rolled_back_at])).toEqual([
      [1, { id: recordId, name: "Before", at: "2025-01-01T00:00:00.000Z" }, null],
      [2, null, null],
    ]);
  });
});
