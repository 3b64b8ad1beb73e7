import { purchaseApprovalPack } from "./purchase-approval.ts";
import { rajukBuildingPack } from "./rajuk-building.ts";
import { taxVatPack } from "./tax-vat.ts";
import type { Pack } from "./types.ts";

/** Every built-in pack, installed for each new tenant. */
export const PACKS: readonly Pack[] = [taxVatPack, purchaseApprovalPack, rajukBuildingPack];
export const PACK_KEYS = ["tax.vat", "purchase.approval", "rajuk.building"] as const;
export type { Pack };
