import assert from "node:assert/strict";
import { packBlob, unpackBlob } from "./model_blob.ts";

Deno.test("unpackBlob reads what packBlob wrote, also from an unaligned view", () => {
  const ints = Int32Array.of(1, -2, 2 ** 31 - 1, -(2 ** 31));
  const floats = Float32Array.of(0.5, -1.25, Math.fround(Math.PI), 3e38);
  const packed = packBlob("TEST", { n: 4 }, [ints, floats]);
  // a blob read from a file or a database may start at any byte offset
  const holder = new Uint8Array(packed.length + 3);
  holder.set(packed, 3);
  for (const bytes of [packed, holder.subarray(3)]) {
    const { header, arrays } = unpackBlob(bytes, "TEST");
    assert.deepEqual(header, { n: 4 });
    assert.ok(arrays[0] instanceof Int32Array);
    assert.ok(arrays[1] instanceof Float32Array);
    assert.deepEqual([...arrays[0]], [...ints]);
    assert.deepEqual([...arrays[1]], [...floats]);
  }
});

Deno.test("unpackBlob's arrays own their memory: changing the bytes later leaves them alone", () => {
  const bytes = packBlob("TEST", {}, [Int32Array.of(7, 8)]);
  const { arrays } = unpackBlob(bytes, "TEST");
  bytes.fill(0);
  assert.deepEqual([...arrays[0]], [7, 8]);
});

Deno.test("unpackBlob names a wrong magic and a truncated blob", () => {
  const bytes = packBlob("TEST", {}, [Int32Array.of(1, 2, 3)]);
  assert.throws(
    () => unpackBlob(bytes, "OTHR"),
    /expected a "OTHR" blob, found "TEST"/,
  );
  assert.throws(
    () => unpackBlob(bytes.subarray(0, bytes.length - 4), "TEST"),
    /truncated/,
  );
});
