import assert from "node:assert/strict";
import type { Movie } from "../../core/types.ts";
import {
  TINY_MODEL_NAME,
  writeTinyModel,
} from "../../tests/fixtures/make_tiny_model.ts";
import {
  minilmEmbedder,
  minilmFingerprint,
  missingModelFiles,
  ModelNotFoundError,
} from "./minilm.ts";

const toyStory: Movie = {
  id: 1,
  title: "Toy Story",
  year: 1995,
  genres: ["Animation", "Comedy"],
  tags: ["funny"],
  imdbId: null,
  tmdbId: null,
};

/** A model folder with only the int8 file, as a q8-only copy would have. */
async function quantizedOnlyModel(): Promise<string> {
  const modelDir = await Deno.makeTempDir({ prefix: "tiny_q8_" });
  const folder = await writeTinyModel(modelDir);
  await Deno.rename(
    `${folder}/onnx/model.onnx`,
    `${folder}/onnx/model_quantized.onnx`,
  );
  return modelDir;
}

Deno.test("q8 loads onnx/model_quantized.onnx, fp32 asks for onnx/model.onnx", async () => {
  const modelDir = await quantizedOnlyModel();
  const folder = `${modelDir}/${TINY_MODEL_NAME}`;
  assert.deepEqual(await missingModelFiles(folder, "q8"), []);
  assert.deepEqual(await missingModelFiles(folder, "fp32"), [
    "onnx/model.onnx",
  ]);
  const options = {
    model: TINY_MODEL_NAME,
    modelDir,
    allowRemote: false,
    batchSize: 4,
  };
  const q8 = minilmEmbedder({ ...options, dtype: "q8" });
  try {
    const [vector] = await q8.embed([toyStory]);
    assert.equal(vector.length, 8);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-5, "unit length");
  } finally {
    await q8.dispose();
  }
  const fp32 = minilmEmbedder(options);
  await assert.rejects(
    fp32.embed([toyStory]),
    (error: Error) =>
      error instanceof ModelNotFoundError &&
      error.message.includes("expected onnx/model.onnx in") &&
      error.message.includes("deno task minilm"),
  );
  await fp32.dispose();
});

Deno.test("the fingerprint names the precision, and fp32 keeps the one stores already hold", () => {
  const model = "Xenova/all-MiniLM-L6-v2";
  assert.equal(
    minilmFingerprint(model, "fp32"),
    "minilm/Xenova/all-MiniLM-L6-v2/mean/normalized",
  );
  assert.notEqual(
    minilmFingerprint(model, "q8"),
    minilmFingerprint(model, "fp32"),
  );
  assert.equal(
    minilmEmbedder({
      model,
      modelDir: "/nowhere",
      allowRemote: false,
      batchSize: 1,
      dtype: "q8",
    }).fingerprint,
    minilmFingerprint(model, "q8"),
  );
});
