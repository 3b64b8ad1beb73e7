/**
 * The floor of `npm run bench:platform` (scenario d): the same primary-key read of the same row with
 * nothing of the kit around it — a bare `Bun.serve` and one postgres.js prepared statement, the JSON
 * row as the body. What a read costs on this machine with no framework at all.
 */
import postgres from "postgres";

const { DATABASE_URL = "", PORT = "0" } = process.env;
const sql = postgres(DATABASE_URL, { max: 10, onnotice: () => {} });
const server = Bun.serve({
  port: Number(PORT),
  hostname: "127.0.0.1",
  async fetch(request) {
    const id = new URL(request.url).searchParams.get("id") ?? "";
    const rows = await sql`select * from organization.companies where id = ${id}`;
    return rows[0] ? Response.json(rows[0]) : new Response("not found", { status: 404 });
  },
});
console.log(`READY ${server.url}`);
