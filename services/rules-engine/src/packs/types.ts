import type { FactCatalog, RuleDraft } from "../engine/model.ts";

/** A built-in rule set installed for every tenant, editable afterwards like any other. */
export interface Pack {
  key: string;
  name: string;
  facts: FactCatalog;
  rules: RuleDraft[];
}

/** Rules of the packs are in force from this day (the earliest table @vextrus/bd knows suffices). */
export const PACK_EFFECTIVE_FROM = "2000-01-01";
