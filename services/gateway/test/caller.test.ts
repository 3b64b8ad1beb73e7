import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { tenantHints, unverifiedTenant } from "../src/caller.ts";

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const bearer = (claims: unknown) => `Bearer ${encode({ alg: "EdDSA" })}.${encode(claims)}.c2ln`;
const TENANT = "0193a4b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b";

describe("the tenant hint read from a token", () => {
  test("is the token's tid claim when it is a UUID, lower-cased; otherwise none", () => {
    expect(unverifiedTenant(bearer({ tid: TENANT.toUpperCase() }))).toBe(TENANT);
    expect(unverifiedTenant(bearer({ tid: "acme" }))).toBeUndefined();
    expect(unverifiedTenant(bearer({ sub: "x" }))).toBeUndefined();
    expect(unverifiedTenant(`Basic ${encode({ tid: TENANT })}`)).toBeUndefined();
    expect(unverifiedTenant("Bearer not-a-jwt")).toBeUndefined();
    expect(unverifiedTenant(undefined)).toBeUndefined();
  });

  test("remembered per header, it answers exactly as reading the token each time", () => {
    const header = fc.oneof(
      fc.uuid().map((tid) => bearer({ tid })),
      fc.string().map((tid) => bearer({ tid })),
      fc.string().map((text) => `Bearer ${text}`),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(header, { nil: null }), { maxLength: 40 }),
        fc.nat(8),
        (headers, capacity) => {
          // A capacity below the number of distinct headers makes the memory clear itself on the way.
          const hint = tenantHints(capacity + 1);
          for (const value of [...headers, ...headers]) {
            expect(hint(value)).toBe(value === null ? undefined : unverifiedTenant(value));
          }
        },
      ),
    );
  });
});
