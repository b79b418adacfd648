import assert from "node:assert/strict";
import { withDefaults } from "./options.ts";

Deno.test("withDefaults: set options win, undefined ones keep the default", () => {
  const defaults = { lambda: 500, minCount: 10, symmetric: false };
  assert.deepEqual(
    withDefaults(defaults, { lambda: 1, minCount: undefined, symmetric: true }),
    { lambda: 1, minCount: 10, symmetric: true },
  );
  assert.deepEqual(withDefaults(defaults, {}), defaults);
  assert.deepEqual(withDefaults(defaults, { minCount: 0 }).minCount, 0);
});
