import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "../../drizzle/document-generator",
  schemaFilter: ["document_generator"],
  entities: { roles: false },
});
