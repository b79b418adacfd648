import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { extractZip, readZipDirectory, ZipError } from "./zip.ts";

const encoder = new TextEncoder();

async function writeZip(bytes: Uint8Array): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/test.zip`, bytes);
  return `${dir}/test.zip`;
}

function sampleZip(): Uint8Array {
  return zipSync({
    top: {
      "a.csv": [encoder.encode("id,name\n1,x\n".repeat(1000)), { level: 6 }],
      "b.txt": [encoder.encode("stored as is"), { level: 0 }],
    },
  });
}

Deno.test("extractZip writes every file flattened and checks CRCs", async () => {
  const path = await writeZip(sampleZip());
  const out = await Deno.makeTempDir();
  const directory = await extractZip(path, out);
  assert.deepEqual(directory.entries.map((e) => e.name), [
    "top/",
    "top/a.csv",
    "top/b.txt",
  ]);
  assert.equal(
    await Deno.readTextFile(`${out}/a.csv`),
    "id,name\n1,x\n".repeat(1000),
  );
  assert.equal(await Deno.readTextFile(`${out}/b.txt`), "stored as is");
  assert.match(directory.identity, /^[0-9a-f]{64}$/);
});

Deno.test("a truncated zip is an error naming the file", async () => {
  const bytes = sampleZip();
  const path = await writeZip(bytes.subarray(0, bytes.length - 40));
  await assert.rejects(
    readZipDirectory(path),
    (error: Error) =>
      error instanceof ZipError &&
      error.message.startsWith(
        `${path} is not a valid zip: expected an end-of-central-directory record`,
      ),
  );
});

Deno.test("a damaged stored entry fails its CRC check", async () => {
  const bytes = sampleZip().slice();
  const text = encoder.encode("stored as is");
  // find the stored bytes and flip one
  let at = -1;
  for (let i = 0; i < bytes.length - text.length; i++) {
    if (text.every((b, j) => bytes[i + j] === b)) at = i;
  }
  bytes[at] ^= 0x20;
  const path = await writeZip(bytes);
  await assert.rejects(
    extractZip(path, await Deno.makeTempDir()),
    /is not a valid zip: top\/b.txt: expected CRC-32 [0-9a-f]+, found [0-9a-f]+/,
  );
});

Deno.test("entry names that would escape the folder are refused", async () => {
  const path = await writeZip(zipSync({ "x/..": encoder.encode("no") }));
  await assert.rejects(
    extractZip(path, await Deno.makeTempDir()),
    /unsafe entry name "x\/.."/,
  );
});
