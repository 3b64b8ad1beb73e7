import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "../../drizzle/file-storage",
  schemaFilter: ["file_storage"],
  entities: { roles: false },
});
