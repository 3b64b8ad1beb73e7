import { outboxTable } from "@vextrus/events";
import { masterData } from "./common.ts";

export * from "./accounts.ts";
export { masterData } from "./common.ts";
export * from "./cost-centres.ts";
export * from "./imports.ts";
export * from "./items.ts";
export * from "./parties.ts";
export * from "./projects.ts";
export * from "./series.ts";
export * from "./terms.ts";
export * from "./units.ts";

/** Events written in the same transaction as the change they describe; the relay publishes them. */
export const outbox = outboxTable(masterData);
