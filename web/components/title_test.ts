import assert from "node:assert/strict";
import { displayTitle } from "./title.ts";
import { pageWindow } from "./pagination.tsx";

Deno.test("displayTitle moves a trailing article to the front", () => {
  assert.equal(displayTitle("Usual Suspects, The"), "The Usual Suspects");
  assert.equal(displayTitle("Bug's Life, A"), "A Bug's Life");
  assert.equal(
    displayTitle("City of Lost Children, The (Cité des enfants perdus, La)"),
    "The City of Lost Children (Cité des enfants perdus, La)",
  );
  assert.equal(displayTitle("Toy Story"), "Toy Story");
  assert.equal(
    displayTitle("Crouching Tiger, Hidden Dragon"),
    "Crouching Tiger, Hidden Dragon",
  );
});

Deno.test("pageWindow shows ends, neighbours and gaps", () => {
  assert.deepEqual(pageWindow(1, 1), [1]);
  assert.deepEqual(pageWindow(1, 10), [1, 2, 3, null, 10]);
  assert.deepEqual(pageWindow(6, 10), [1, null, 4, 5, 6, 7, 8, null, 10]);
  assert.deepEqual(pageWindow(10, 10), [1, null, 8, 9, 10]);
});
