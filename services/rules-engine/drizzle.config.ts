import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "../../drizzle/rules-engine",
  schemaFilter: ["rules_engine"],
  entities: { roles: false },
});
