// The README's client example: with `npm start` running, `bun scripts/example.ts`.
import { createVextrusClient } from "@vextrus/client";

const slug = `rupayan-${Date.now().toString(36)}`;
const anon = createVextrusClient({ url: "http://localhost:3000" });
const { accessToken, refreshToken } = await anon.auth.registerTenant.mutate({
  tenant: { slug, legalName: "Rupayan Housing Ltd" },
  admin: { name: "Farhana Islam", email: `farhana@${slug}.com.bd`, password: "Jute-Harbour-Monsoon-42" },
});
const api = createVextrusClient({ url: "http://localhost:3000", token: accessToken, refreshToken });
console.log(
  await api.organization.companies.create.mutate({ name: "Rupayan Housing", bin: "000123456-0101" }),
);
