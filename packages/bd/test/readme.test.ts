import { expect, test } from "bun:test";
import * as bd from "../src/index.ts";

test("the README lists every runtime export", async () => {
  const readme = await Bun.file(new URL("../README.md", import.meta.url)).text();
  for (const name of Object.keys(bd)) {
    expect(readme).toContain(`\`${name}`);
  }
});
