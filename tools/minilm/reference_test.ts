/**
 * The MiniLM model built by `deno task minilm` embeds, through our
 * TypeScript embedder (transformers.js tokenizer, onnxruntime-node, mean
 * pooling), the same vectors as the Python reference computed from the same
 * weights (reference.py: the Rust tokenizer and a numpy forward pass).
 * Runs when the model is in MODEL_DIR; ignored, saying so, when it is not.
 */
import assert from "node:assert/strict";
import { configFromEnv } from "../../config/mod.ts";
import type { Movie } from "../../core/types.ts";
import {
  type MinilmDtype,
  minilmEmbedder,
  missingModelFiles,
} from "../../pipeline/embedders/minilm.ts";
import { movieText } from "../../pipeline/movie_text.ts";

interface ReferenceFixture {
  maxSeqLength: number;
  sentences: { text: string; tokens: number; vectorFloat32Base64: string }[];
}

/** Lowest cosine each precision must reach on every sentence. */
const REQUIRED: Record<MinilmDtype, number> = { fp32: 0.999, q8: 0.99 };

const fixture: ReferenceFixture = JSON.parse(
  await Deno.readTextFile(new URL("./reference_vectors.json", import.meta.url)),
);
const config = configFromEnv();
const folder = `${config.modelDir}/${config.EMBEDDING_MODEL}`;

function referenceVector(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, normA = 0, normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return dot / Math.sqrt(normA * normB);
}

/** A movie whose movieText is `text` exactly (every reference text ends with "."). */
function movieSaying(text: string, id: number): Movie {
  const movie: Movie = {
    id,
    title: text.slice(0, -1),
    year: null,
    genres: [],
    tags: [],
    imdbId: null,
    tmdbId: null,
  };
  assert.equal(movieText(movie), text);
  return movie;
}

for (const dtype of ["fp32", "q8"] as const) {
  const missing = await missingModelFiles(folder, dtype);
  Deno.test({
    name: missing.length
      ? `MiniLM ${dtype} matches the Python reference (ignored: ${
        missing.join(", ")
      } not in ${folder}; build it with deno task minilm and set MODEL_DIR)`
      : `MiniLM ${dtype} matches the Python reference vectors (cosine >= ${
        REQUIRED[dtype]
      } each, ${fixture.sentences.length} sentences in one padded batch)`,
    ignore: missing.length > 0,
    async fn() {
      const embedder = minilmEmbedder({
        model: config.EMBEDDING_MODEL,
        modelDir: config.modelDir,
        allowRemote: false,
        batchSize: 64,
        dtype,
      });
      try {
        const movies = fixture.sentences.map((s, i) => movieSaying(s.text, i));
        const vectors = await embedder.embed(movies);
        const cosines = fixture.sentences.map((s, i) =>
          cosine(vectors[i], referenceVector(s.vectorFloat32Base64))
        );
        console.log(
          `${dtype} cosines: ${cosines.map((c) => c.toFixed(6)).join(" ")}`,
        );
        cosines.forEach((c, i) =>
          assert.ok(
            c >= REQUIRED[dtype],
            `"${fixture.sentences[i].text.slice(0, 60)}…": cosine ${
              c.toFixed(6)
            }, expected >= ${REQUIRED[dtype]}`,
          )
        );
        // The long text (over maxSeqLength tokens) only matches if both truncate alike.
        assert.ok(
          fixture.sentences.some((s) => s.tokens >= fixture.maxSeqLength),
          "the fixture should hold a text longer than maxSeqLength",
        );
      } finally {
        await embedder.dispose();
      }
    },
  });
}
