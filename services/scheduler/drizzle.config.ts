import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "../../drizzle/scheduler",
  schemaFilter: ["scheduler"],
  entities: { roles: false },
});
