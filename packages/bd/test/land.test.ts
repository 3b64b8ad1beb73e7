import { expect, test } from "bun:test";
import { BdError, LAND_UNITS, squareFeet } from "../src/index.ts";

test("land areas become exact square feet", () => {
  expect(squareFeet("2.5", "katha")).toBe("1800.00");
  expect(squareFeet(1, "decimal")).toBe("435.60");
  expect(squareFeet("0.0001", "decimal")).toBe("0.04356");
  expect(squareFeet("১০", "katha")).toBe("7200.00");
  expect(squareFeet("3", "acre")).toBe("130680.00");
  expect(squareFeet("1250.5", "sft")).toBe("1250.50");
  expect(squareFeet("0", "acre")).toBe("0.00");
  // 100 decimal make an acre, and 1 katha is 720/435.6 decimal: checked through square feet.
  expect(squareFeet("100", "decimal")).toBe(squareFeet("1", "acre"));
  expect(LAND_UNITS).toEqual(["sft", "katha", "decimal", "acre"]);
});

test("anything but a non-negative area with at most 4 decimals is bd.land.area", () => {
  for (const bad of ["-1", "1.00001", "", "1e3", "abc", Number.NaN]) {
    expect(() => squareFeet(bad, "katha")).toThrow(BdError);
    try {
      squareFeet(bad, "katha");
    } catch (error) {
      expect((error as BdError).code).toBe("bd.land.area");
    }
  }
});
