import assert from "node:assert/strict";
import { ROUTE_FILES, routePath } from "./router.ts";

Deno.test("routePath follows Fresh's file conventions", () => {
  assert.equal(routePath("index.tsx"), "/");
  assert.equal(routePath("movies/index.tsx"), "/movies");
  assert.equal(routePath("movies/[id].tsx"), "/movies/:id");
  assert.equal(routePath("for_you.tsx"), "/for-you");
  assert.equal(routePath("rate.ts"), "/rate");
});

Deno.test("every file in web/routes/ is registered, and only those", async () => {
  const files: string[] = [];
  const walk = async (dir: URL, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) {
        await walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
      } else if (
        /\.tsx?$/.test(entry.name) && !entry.name.startsWith("_") &&
        !entry.name.endsWith("_test.ts")
      ) {
        files.push(`${prefix}${entry.name}`);
      }
    }
  };
  await walk(new URL("./routes/", import.meta.url), "");
  assert.deepEqual(files.sort(), ROUTE_FILES.map((r) => r.file).sort());
});
