import { z } from "zod";

/** Settings of `topics:create`, the one command this package runs on its own. */
export const CreateTopicsEnv = z.object({
  KAFKA_BROKERS: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "must be host:port[,host:port…]"),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(""),
});

/** The only place this package reads the process environment. */
export const processEnv = (): Record<string, string | undefined> => process.env;
