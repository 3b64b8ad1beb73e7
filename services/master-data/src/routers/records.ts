import type { z } from "zod";
import type { MdContext } from "../deps.ts";
import { ByIdInput, VersionedInput } from "../domain/common.ts";
import { tenantProcedure } from "../trpc.ts";

type Verb<Input, Out> = (call: { ctx: MdContext; input: Input }) => Promise<Out>;
type Versioned = z.infer<typeof VersionedInput>;

/**
 * The six procedures of a master record — create / get / list / update / archive / restore — guarded
 * by `master-data:<entity>:create | read | update | archive`. (The inputs are cast to their schemas'
 * outputs: tRPC cannot infer a generic schema's output, which `.input()` has already guaranteed.)
 */
export function recordProcedures<
  Create extends z.ZodType,
  Update extends z.ZodType,
  List extends z.ZodType,
  Row,
  Page,
>(
  entity: string,
  schemas: { create: Create; update: Update; list: List },
  verbs: {
    create: Verb<z.output<Create>, Row>;
    get: Verb<{ id: string }, Row>;
    list: Verb<z.output<List>, Page>;
    update: Verb<z.output<Update>, Row>;
    archive: Verb<Versioned, Row>;
    restore: Verb<Versioned, Row>;
  },
) {
  const can = (action: string) => tenantProcedure.meta({ permission: `master-data:${entity}:${action}` });
  return {
    create: can("create")
      .input(schemas.create)
      .mutation(({ ctx, input }) => verbs.create({ ctx, input: input as z.output<Create> })),
    get: can("read")
      .input(ByIdInput)
      .query(({ ctx, input }) => verbs.get({ ctx, input })),
    list: can("read")
      .input(schemas.list)
      .query(({ ctx, input }) => verbs.list({ ctx, input: input as z.output<List> })),
    update: can("update")
      .input(schemas.update)
      .mutation(({ ctx, input }) => verbs.update({ ctx, input: input as z.output<Update> })),
    archive: can("archive")
      .input(VersionedInput)
      .mutation(({ ctx, input }) => verbs.archive({ ctx, input })),
    restore: can("archive")
      .input(VersionedInput)
      .mutation(({ ctx, input }) => verbs.restore({ ctx, input })),
  };
}
