// The README's client example: with `npm start` running, `npm run example`. The gateway is
// GATEWAY_URL (default http://localhost:3000; set it when GATEWAY_PORT or the host differs).
import { createVextrusClient } from "@vextrus/client";

const url = process.env.GATEWAY_URL ?? "http://localhost:3000";
const slug = `rupayan-${Date.now().toString(36)}`;
const anon = createVextrusClient({ url });
const { accessToken, refreshToken } = await anon.auth.registerTenant.mutate({
  tenant: { slug, legalName: "Rupayan Housing Ltd" },
  admin: { name: "Farhana Islam", email: `farhana@${slug}.com.bd`, password: "Jute-Harbour-Monsoon-42" },
});
const api = createVextrusClient({ url, token: accessToken, refreshToken });
console.log(
  await api.organization.companies.create.mutate({ name: "Rupayan Housing", bin: "000123456-0101" }),
);
