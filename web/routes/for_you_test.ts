import assert from "node:assert/strict";
import { listLength, STEP } from "./for_you.tsx";

Deno.test("listLength asks for whole steps of recommendations, at most 96", () => {
  assert.equal(listLength(undefined), STEP);
  assert.equal(listLength("abc"), STEP);
  assert.equal(listLength("-5"), STEP);
  assert.equal(listLength("48"), 48);
  assert.equal(listLength("30"), 48);
  assert.equal(listLength("1000"), 96);
});
