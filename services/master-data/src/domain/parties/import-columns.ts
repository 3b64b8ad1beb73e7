import { toLatinDigits } from "@vextrus/bd";
import { z } from "zod";
import { DISTRICTS, DIVISIONS, UPAZILAS } from "../geo/index.ts";
import { Address, BankAccount } from "./values.ts";
import type { Party } from "./verbs.ts";

/**
 * A party's addresses and bank accounts are lists of objects; a spreadsheet row carries one of each
 * in flat columns (`addressLine1`, `bankAccountNo`…), read from the very schemas `parties.create`
 * validates them with (`Address`, `BankAccount`), and folded back into `addresses` / `bankAccounts`
 * before that validation.
 */
interface JsonProperty {
  type?: string;
  enum?: string[];
  title?: string;
  titleBn?: string;
  example?: unknown;
}

export interface FlatColumn {
  name: string;
  field: string;
  title: { en: string; bn: string };
  kind: "text" | "integer" | "choice";
  options?: string[];
  example: string;
}

/** Places are written by name (English or Bengali) or by id. */
const PLACES = new Set(["divisionId", "districtId", "upazilaId"]);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function flatColumns(schema: z.ZodType, nameOf: (field: string) => string): FlatColumn[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonProperty>;
  };
  return Object.entries(json.properties).map(([field, p]) => ({
    name: nameOf(field),
    field,
    title: { en: p.title ?? field, bn: p.titleBn ?? p.title ?? field },
    kind: p.enum ? "choice" : PLACES.has(field) || p.type !== "integer" ? "text" : "integer",
    ...(p.enum ? { options: p.enum } : {}),
    example: p.example === undefined ? "" : String(p.example),
  }));
}

export const ADDRESS_COLUMNS = flatColumns(Address, (f) => `address${cap(f)}`);
export const BANK_COLUMNS = flatColumns(BankAccount, (f) => (f.startsWith("bank") ? f : `bank${cap(f)}`));
const GROUPS = [
  { list: "addresses", columns: ADDRESS_COLUMNS },
  { list: "bankAccounts", columns: BANK_COLUMNS },
] as const;

const norm = (s: string) => s.trim().toLowerCase();
const byName = <T extends { name: string; nameBn: string }>(places: readonly T[]) => {
  const map = new Map<string, T[]>();
  for (const p of places) {
    for (const n of [norm(p.name), norm(p.nameBn)]) {
      map.set(n, [...(map.get(n) ?? []), p]);
    }
  }
  return map;
};
const divisions = byName(DIVISIONS);
const districts = byName(DISTRICTS);
const upazilas = byName(UPAZILAS);

/** A place cell as an id: digits as they are, a name looked up (an upazila within its district). */
function placeId(field: string, value: unknown, districtId: unknown): unknown {
  if (typeof value !== "string") {
    return value;
  }
  const digits = toLatinDigits(value).trim();
  if (/^\d+$/.test(digits)) {
    return Number(digits);
  }
  const found =
    field === "divisionId"
      ? divisions.get(norm(value))
      : field === "districtId"
        ? districts.get(norm(value))
        : upazilas.get(norm(value))?.filter((u) => u.districtId === districtId);
  // Unknown (or ambiguous) names go on as written: the schema refuses them with its message.
  return found?.length === 1 ? found[0]?.id : value;
}

/**
 * A row's values with its flat address and bank columns folded into one-element `addresses` and
 * `bankAccounts` lists (when any of their columns has a value).
 */
export function foldFlat(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const group of GROUPS) {
    const item: Record<string, unknown> = {};
    for (const c of group.columns) {
      if (c.name in out) {
        item[c.field] = out[c.name];
        delete out[c.name];
      }
    }
    if (Object.keys(item).length === 0) {
      continue;
    }
    if (group.list === "addresses") {
      for (const field of ["divisionId", "districtId", "upazilaId"]) {
        if (field in item) {
          item[field] = placeId(field, item[field], field === "upazilaId" ? item.districtId : undefined);
        }
      }
    }
    out[group.list] = [item];
  }
  return out;
}

/** The flat column an issue of a folded list names (`addresses.0.postcode` → `addressPostcode`). */
export function columnOf(path: readonly PropertyKey[]): string {
  const [head, , field] = path;
  const group = GROUPS.find((g) => g.list === head);
  if (!group) {
    return String(head ?? "(row)");
  }
  return group.columns.find((c) => c.field === field)?.name ?? group.columns[0]?.name ?? String(head);
}

/**
 * An update adds the row's address and bank account to the party's, never drops the others: the
 * address of the same kind is replaced, a bank account of the same account number is replaced,
 * anything else is appended.
 */
export function mergeLists<T extends { addresses?: Address[]; bankAccounts?: BankAccount[] }>(
  current: Party,
  data: T,
): T {
  const merged = { ...data };
  const [address] = data.addresses ?? [];
  if (address) {
    merged.addresses = [...current.addresses.filter((a) => a.kind !== address.kind), address];
  }
  const [account] = data.bankAccounts ?? [];
  if (account) {
    merged.bankAccounts = [...current.bankAccounts.filter((b) => b.accountNo !== account.accountNo), account];
  }
  return merged;
}
