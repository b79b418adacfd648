import assert from "node:assert/strict";
import { ProblemError } from "../problem.ts";
import { HashGate } from "./hash_gate.ts";

Deno.test("the hash gate runs N at once, queues a few, and turns the rest away with Retry-After", async () => {
  const gate = new HashGate(2, 3);
  let running = 0;
  let peak = 0;
  const release: (() => void)[] = [];
  const work = () =>
    gate.run(async () => {
      peak = Math.max(peak, ++running);
      await new Promise<void>((r) => release.push(r));
      running--;
      return "done";
    });
  const admitted = Array.from({ length: 5 }, work);
  const refused = await work().then(() => null, (e) => e);
  assert.ok(refused instanceof ProblemError);
  assert.equal(refused.status, 503);
  assert.ok(Number(refused.headers["Retry-After"]) >= 1);
  let finished = 0;
  for (const p of admitted) p.then(() => finished++);
  while (finished < 5) {
    await new Promise((r) => setTimeout(r, 1));
    release.shift()?.();
  }
  assert.deepEqual(await Promise.all(admitted), Array(5).fill("done"));
  assert.equal(peak, 2);
});
