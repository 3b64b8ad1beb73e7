import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { dhakaYear } from "../src/dates.ts";
import {
  BdMobile,
  Bin,
  Etin,
  issueCode,
  mobileOperator,
  Nid,
  nidTo17,
  Postcode,
  parseNid,
} from "../src/index.ts";
import { codes, message } from "./helpers.ts";

function zodCodes(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof z.ZodError) {
      return error.issues.map(issueCode);
    }
    throw error;
  }
  throw new Error("expected a ZodError");
}

describe("Nid", () => {
  test("accepts 10, 13 and 17 digits and returns ASCII digits", () => {
    expect(Nid.parse("1234567890")).toBe("1234567890");
    expect(Nid.parse("8198510123456")).toBe("8198510123456");
    expect(Nid.parse("19858198510123456")).toBe("19858198510123456");
    expect(Nid.parse("১৯৮৫৮১৯৮৫১০১২৩৪৫৬")).toBe("19858198510123456");
    expect(Nid.parse(" 1985 81 9 85 10 123456 ")).toBe("19858198510123456");
    expect(Nid.parse("1985-8198-5101-23456")).toBe("19858198510123456");
  });

  test("rejects other lengths, letters and non-strings", () => {
    for (const bad of ["", "123456789", "12345678901", "123456789012", "123456789012345678"]) {
      expect(codes(Nid, bad)).toEqual(["bd.nid.length"]);
    }
    expect(codes(Nid, "12345678O0")).toEqual(["bd.nid.digits"]);
    expect(codes(Nid, "1234567890.")).toEqual(["bd.nid.digits"]);
    expect(codes(Nid, 1234567890)).toEqual(["zod.invalid_type"]);
  });

  test("17 digits: birth year from 1900 to the current year", () => {
    expect(Nid.parse("19008198510123456")).toBe("19008198510123456");
    expect(codes(Nid, "18998198510123456")).toEqual(["bd.nid.birth_year"]);
    const year = dhakaYear();
    expect(Nid.parse(`${year}8198510123456`)).toBe(`${year}8198510123456`);
    expect(codes(Nid, `${year + 1}8198510123456`)).toEqual(["bd.nid.birth_year"]);
  });

  test("17 digits: RMO digit (position 7) in 1, 2, 3, 4, 5, 9", () => {
    for (const rmo of "123459") {
      expect(codes(Nid, `198581${rmo}8510123456`)).toEqual([]);
    }
    for (const rmo of "0678") {
      expect(codes(Nid, `198581${rmo}8510123456`)).toEqual(["bd.nid.rmo"]);
    }
  });

  test("issues are custom zod issues with the code in params and English + Bengali messages", () => {
    const issue = Nid.safeParse("123").error?.issues[0];
    expect(issue).toMatchObject({
      code: "custom",
      message: "NID must have 10, 13 or 17 digits",
      params: { code: "bd.nid.length" },
    });
    expect(message(Nid, "123", "bn")).toBe("এনআইডি নম্বর ১০, ১৩ বা ১৭ অঙ্কের হতে হবে");
    expect(message(Nid, "19858168510123456", "en")).toContain("RMO");
    expect(message(Nid, "19858168510123456", "bn")).toContain("আরএমও");
  });

  test("parseNid reads the parts of a 17-digit NID", () => {
    expect(parseNid("19858198510123456")).toEqual({
      value: "19858198510123456",
      kind: "full17",
      birthYear: 1985,
      districtCode: "81",
      rmo: 9,
    });
    expect(parseNid("১২৩৪৫৬৭৮৯০")).toEqual({ value: "1234567890", kind: "smart10" });
    expect(parseNid("8198510123456")).toEqual({ value: "8198510123456", kind: "old13" });
    expect(zodCodes(() => parseNid("12"))).toEqual(["bd.nid.length"]);
  });

  test("nidTo17 puts the birth year in front of a 13-digit NID", () => {
    expect(nidTo17("8198510123456", 1985)).toBe("19858198510123456");
    expect(nidTo17("৮১৯৮৫১০১২৩৪৫৬", 1985)).toBe("19858198510123456");
    expect(zodCodes(() => nidTo17("1234567890", 1985))).toEqual(["bd.nid.to17"]);
    expect(zodCodes(() => nidTo17("19858198510123456", 1985))).toEqual(["bd.nid.to17"]);
    expect(zodCodes(() => nidTo17("8198510123456", 85))).toEqual(["bd.nid.birth_year"]);
    expect(zodCodes(() => nidTo17("8198510123456", 1985.5))).toEqual(["bd.nid.birth_year"]);
    expect(zodCodes(() => nidTo17("8168510123456", 1985))).toEqual(["bd.nid.rmo"]);
    expect(zodCodes(() => nidTo17("819851012345", 1985))).toEqual(["bd.nid.length"]);
  });
});

describe("Etin", () => {
  test("12 digits", () => {
    expect(Etin.parse("224187378587")).toBe("224187378587");
    expect(Etin.parse("২২৪১-৮৭৩৭-৮৫৮৭")).toBe("224187378587");
    expect(codes(Etin, "22418737858")).toEqual(["bd.etin.length"]);
    expect(codes(Etin, "2241873785870")).toEqual(["bd.etin.length"]);
    expect(codes(Etin, "22418737858x")).toEqual(["bd.etin.digits"]);
  });

  test("the 10-digit TIN is void", () => {
    expect(codes(Etin, "1234567890")).toEqual(["bd.etin.legacy"]);
    expect(message(Etin, "1234567890", "en")).toBe(
      "10-digit TINs have been void since 2014-01-01; use the 12-digit e-TIN",
    );
    expect(message(Etin, "১২৩৪৫৬৭৮৯০", "bn")).toContain("বাতিল");
  });
});

describe("Bin", () => {
  test("13 digits, also written 9+4", () => {
    expect(Bin.parse("0001234560101")).toBe("0001234560101");
    expect(Bin.parse("000123456-0101")).toBe("0001234560101");
    expect(codes(Bin, "00012345601")).toEqual(["bd.bin.legacy"]);
    expect(codes(Bin, "000123456")).toEqual(["bd.bin.legacy"]);
    expect(codes(Bin, "000123456010")).toEqual(["bd.bin.length"]);
    expect(codes(Bin, "00012345601010")).toEqual(["bd.bin.length"]);
    expect(codes(Bin, "BIN0001234560101")).toEqual(["bd.bin.digits"]);
  });

  test("void BINs say so in both languages", () => {
    expect(message(Bin, "000123456", "en")).toBe(
      "9- and 11-digit BINs have been void since 2019-11-30; use the 13-digit BIN",
    );
    expect(message(Bin, "00012345601", "bn")).toContain("বাতিল");
  });
});

describe("BdMobile", () => {
  test("accepts the usual ways of writing a number", () => {
    for (const input of [
      "01712345678",
      "+8801712345678",
      "8801712345678",
      "008801712345678",
      "+880 1712-345678",
      "017-1234-5678",
      " 01712 345 678 ",
      "০১৭১২৩৪৫৬৭৮",
      "+৮৮০১৭১২৩৪৫৬৭৮",
      "+88 01712345678",
      "(+880) 17 1234 5678",
      "(017) 1234-5678",
    ]) {
      expect(BdMobile.parse(input)).toBe("+8801712345678");
    }
  });

  test("operator prefixes 013 to 019 only", () => {
    for (const op of "3456789") {
      expect(BdMobile.parse(`01${op}12345678`)).toBe(`+8801${op}12345678`);
    }
    for (const bad of ["01112345678", "01012345678", "01212345678", "+8801112345678"]) {
      expect(codes(BdMobile, bad)).toEqual(["bd.mobile.prefix"]);
    }
    expect(codes(BdMobile, "0212345678")).toEqual(["bd.mobile.prefix"]);
    expect(message(BdMobile, "01112345678", "bn")).toContain("০১৩ থেকে ০১৯");
  });

  test("length and format", () => {
    expect(codes(BdMobile, "0171234567")).toEqual(["bd.mobile.length"]);
    expect(codes(BdMobile, "017123456789")).toEqual(["bd.mobile.length"]);
    expect(codes(BdMobile, "+880171234567")).toEqual(["bd.mobile.length"]);
    expect(codes(BdMobile, "0")).toEqual(["bd.mobile.length"]);
    expect(codes(BdMobile, "1712345678")).toEqual(["bd.mobile.format"]);
    expect(codes(BdMobile, "(+880) 17 1234 56a")).toEqual(["bd.mobile.format"]);
    expect(codes(BdMobile, "+4401712345678")).toEqual(["bd.mobile.format"]);
    expect(codes(BdMobile, "00441712345678")).toEqual(["bd.mobile.format"]);
    expect(codes(BdMobile, "017 1234 567a")).toEqual(["bd.mobile.format"]);
    expect(codes(BdMobile, "01712+345678")).toEqual(["bd.mobile.format"]);
    expect(codes(BdMobile, "")).toEqual(["bd.mobile.format"]);
    expect(message(BdMobile, "abc", "en")).toBe("Write the mobile number as 01XXXXXXXXX or +8801XXXXXXXXX");
  });

  test("mobileOperator names the original operator", () => {
    expect(mobileOperator("01712345678")).toBe("Grameenphone");
    expect(mobileOperator("01312345678")).toBe("Grameenphone");
    expect(mobileOperator("01412345678")).toBe("Banglalink");
    expect(mobileOperator("+8801912345678")).toBe("Banglalink");
    expect(mobileOperator("01512345678")).toBe("Teletalk");
    expect(mobileOperator("০১৬১২৩৪৫৬৭৮")).toBe("Robi");
    expect(mobileOperator("01812345678")).toBe("Robi");
    expect(zodCodes(() => mobileOperator("01112345678"))).toEqual(["bd.mobile.prefix"]);
  });
});

describe("Postcode", () => {
  test("4 digits", () => {
    expect(Postcode.parse("1207")).toBe("1207");
    expect(Postcode.parse("১২০৭")).toBe("1207");
    expect(codes(Postcode, "120")).toEqual(["bd.postcode.length"]);
    expect(codes(Postcode, "12070")).toEqual(["bd.postcode.length"]);
    expect(codes(Postcode, "12o7")).toEqual(["bd.postcode.digits"]);
    expect(message(Postcode, "1", "bn")).toBe("পোস্টকোড ৪ অঙ্কের হতে হবে");
  });
});
