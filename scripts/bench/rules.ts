/**
 * `npm run bench:rules`: our rules engine against json-rules-engine on one 50-rule set and 100,000
 * random fact sets (identical decisions asserted), then evaluations/s with each one stored in
 * PostgreSQL. The work lives beside the service (services/rules-engine/bench), which owns the
 * json-rules-engine dev dependency.
 */
import { runRulesBench } from "../../services/rules-engine/bench/rules.bench.ts";
import { ensurePostgres } from "../test-infra/postgres.ts";

const pg = await ensurePostgres();
try {
  await runRulesBench({ adminUrl: pg.url });
} finally {
  await pg.stop();
}
