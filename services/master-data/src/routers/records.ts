import { PageSchema } from "@vextrus/platform";
import type { z } from "zod";
import type { MdContext } from "../deps.ts";
import { ByIdInput, VersionedInput } from "../domain/common.ts";
import { tenantProcedure } from "../trpc.ts";

type Verb<Input, Out> = (call: { ctx: MdContext; input: Input }) => Promise<Out>;
type Versioned = z.infer<typeof VersionedInput>;

/**
 * A verb's answer, handed to `.output(row)` (which checks it at run time): tRPC cannot resolve a generic
 * schema's input type either, and the verbs' signatures above already tie their answers to `row`.
 */
const checked = (answer: Promise<unknown>) => answer as Promise<never>;

/**
 * The six procedures of a master record — create / get / list / update / archive / restore — guarded
 * by `master-data:<entity>:create | read | update | archive`, each answering the entity's `row` schema
 * (a page of them for `list`). (The inputs are cast to their schemas' outputs: tRPC cannot infer a
 * generic schema's output, which `.input()` has already guaranteed.)
 */
export function recordProcedures<
  Create extends z.ZodType,
  Update extends z.ZodType,
  List extends z.ZodType,
  Row extends z.ZodType,
>(
  entity: string,
  schemas: { create: Create; update: Update; list: List; row: Row },
  verbs: {
    create: Verb<z.output<Create>, z.input<Row>>;
    get: Verb<{ id: string }, z.input<Row>>;
    list: Verb<z.output<List>, { items: z.input<Row>[]; nextCursor: string | null }>;
    update: Verb<z.output<Update>, z.input<Row>>;
    archive: Verb<Versioned, z.input<Row>>;
    restore: Verb<Versioned, z.input<Row>>;
  },
) {
  const can = (action: string) => tenantProcedure.meta({ permission: `master-data:${entity}:${action}` });
  const row = schemas.row;
  const page = PageSchema(row);
  return {
    create: can("create")
      .input(schemas.create)
      .output(row)
      .mutation(({ ctx, input }) => checked(verbs.create({ ctx, input: input as z.output<Create> }))),
    get: can("read")
      .input(ByIdInput)
      .output(row)
      .query(({ ctx, input }) => checked(verbs.get({ ctx, input }))),
    list: can("read")
      .input(schemas.list)
      .output(page)
      .query(({ ctx, input }) => checked(verbs.list({ ctx, input: input as z.output<List> }))),
    update: can("update")
      .input(schemas.update)
      .output(row)
      .mutation(({ ctx, input }) => checked(verbs.update({ ctx, input: input as z.output<Update> }))),
    archive: can("archive")
      .input(VersionedInput)
      .output(row)
      .mutation(({ ctx, input }) => checked(verbs.archive({ ctx, input }))),
    restore: can("archive")
      .input(VersionedInput)
      .output(row)
      .mutation(({ ctx, input }) => checked(verbs.restore({ ctx, input }))),
  };
}
