/**
 * The server half of `npm run bench:platform`: one service built with the kit, with two procedures
 * that read the same organization row by id — inside a tenant (RLS) transaction, and without one.
 */
import { companies } from "@vextrus/organization/schema";
import {
  createLogger,
  createMetrics,
  createService,
  createTokenVerifier,
  initServiceTrpc,
  listen,
  notFound,
} from "@vextrus/platform";
import { APP_ROLE, postgresDatabase, preparedQuery } from "@vextrus/platform/db";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { z } from "zod";

const { DATABASE_URL = "", PORT = "0", JWT_PUBLIC_KEY = "" } = process.env;
const db = postgresDatabase({ url: DATABASE_URL, appRole: APP_ROLE });
const direct = drizzle({ client: postgres(DATABASE_URL, { max: 10 }) });
const { router, tenantProcedure } = initServiceTrpc<Record<string, never>>();
const ById = z.object({ id: z.uuid() });
const missing = () => notFound({ en: "Company", bn: "কোম্পানি" }, "bench.company.not_found");

// Built once, as services build their hot reads (preparedQuery); (c) builds its query per call.
const companyById = preparedQuery("bench.companyById", (tx) =>
  tx
    .select()
    .from(companies)
    .where(eq(companies.id, sql.placeholder("id"))),
);

const benchRouter = router({
  inTenant: tenantProcedure.input(ById).query(async ({ ctx, input }) => {
    // As organization's `get`: one statement, its COMMIT pipelined behind it.
    const rows = await db.tenant(ctx.tenantId, (tx) => companyById(tx, { id: input.id }), {
      readOnly: true,
      oneStatement: true,
    });
    return rows[0] ?? missing();
  }),
  direct: tenantProcedure.input(ById).query(async ({ input }) => {
    const rows = await direct.select().from(companies).where(eq(companies.id, input.id));
    return rows[0] ?? missing();
  }),
});

const app = createService({
  name: "bench",
  version: "0",
  router: benchRouter,
  deps: {},
  log: createLogger({ level: "warn" }),
  metrics: createMetrics("bench"),
  checks: { postgres: () => db.ping() },
  verifyToken: await createTokenVerifier({ publicKey: JWT_PUBLIC_KEY }),
});
const server = listen(app, Number(PORT), "bench");
console.log(`READY ${server.url}`);
process.on("SIGTERM", () => process.exit(0)); // lets --cpu-prof write its profile
