import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "../../drizzle/master-data",
  schemaFilter: ["master_data"],
  entities: { roles: false },
});
