import { z } from "zod";

/** A payload schema with its version; the version travels as the envelope's `dataversion`. */
export interface EventDefinition<Schema extends z.ZodType = z.ZodType> {
  version: number;
  schema: Schema;
}

export const v1 = <Schema extends z.ZodType>(schema: Schema): EventDefinition<Schema> => ({
  version: 1,
  schema,
});

/** A record as it looked, in JSON (dates as ISO strings). Producers put whole rows here. */
export const Snapshot = z.record(z.string(), z.unknown());

/** A new record: `{ id, after }`. */
export const Created = z.looseObject({ id: z.uuid(), after: Snapshot });

/** A changed record: `{ id, before, after }`, so the audit log can show a field-level diff. */
export const Changed = z.looseObject({ id: z.uuid(), before: Snapshot, after: Snapshot });

/** A record that went away: its id and, when known, how it looked. */
export const Removed = z.looseObject({ id: z.uuid(), before: Snapshot.optional() });

export const IsoTime = z.iso.datetime({ offset: true });
