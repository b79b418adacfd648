/**
 * Sentence-transformer embedder (all-MiniLM-L6-v2 by default) through
 * transformers.js and onnxruntime-node: mean pooling, L2 normalisation.
 * The model is loaded on first use, so a run with nothing to embed needs
 * neither the model files nor the network.
 */
import {
  env,
  type FeatureExtractionPipeline,
  pipeline,
} from "@huggingface/transformers";
import type { Movie } from "../../core/types.ts";
import type { Embedder } from "./embedder.ts";
import { movieText } from "../movie_text.ts";

/** Options for `minilmEmbedder`. */
export interface MinilmOptions {
  /** Hub id or folder name under `modelDir`, e.g. "Xenova/all-MiniLM-L6-v2". */
  model: string;
  /** Where models are looked for and downloaded to. */
  modelDir: string;
  /** May the model be fetched from the Hugging Face hub when absent? */
  allowRemote: boolean;
  /** Texts per forward pass. */
  batchSize: number;
}

/** Thrown when the model is neither on disk nor allowed to be downloaded. */
export class ModelNotFoundError extends Error {
  constructor(model: string, folder: string, missing: string[]) {
    super(
      `Embedding model "${model}" not found: expected ${
        missing.join(" and ")
      } in ${folder}, and ALLOW_REMOTE_MODELS=false forbids downloading it. ` +
        `Fetch it once with network access (ALLOW_REMOTE_MODELS=true deno task pipeline embed), ` +
        `copy a downloaded model folder to ${folder}, set MODEL_DIR to where it is, ` +
        `or use EMBEDDER=tfidf.`,
    );
    this.name = "ModelNotFoundError";
  }
}

/** Thrown when the model is not on disk and the hub cannot be reached. */
export class ModelUnavailableError extends Error {
  constructor(model: string, folder: string, cause: TypeError) {
    const reason = cause.cause instanceof Error
      ? cause.cause.message
      : cause.message;
    super(
      `Embedding model "${model}" is not in ${folder} and cannot be fetched from the Hugging Face hub (${reason}). ` +
        `Run once with network access, copy a downloaded model folder to ${folder}, set MODEL_DIR to where it is, ` +
        `or use EMBEDDER=tfidf.`,
    );
    this.name = "ModelUnavailableError";
  }
}

async function missingFiles(folder: string): Promise<string[]> {
  const required = ["config.json", "tokenizer.json", "onnx/model.onnx"];
  const missing: string[] = [];
  for (const file of required) {
    const found = await Deno.stat(`${folder}/${file}`).then(
      (info) => info.isFile,
      (error) => {
        if (error instanceof Deno.errors.NotFound) return false;
        throw error;
      },
    );
    if (!found) missing.push(file);
  }
  return missing;
}

/**
 * A transformers.js feature-extraction embedder.
 *
 * @example
 * const embedder = minilmEmbedder({ model: "Xenova/all-MiniLM-L6-v2", modelDir: ".data/models", allowRemote: true, batchSize: 64 });
 */
export function minilmEmbedder(options: MinilmOptions): Embedder {
  let extractor: Promise<FeatureExtractionPipeline> | undefined;
  let loaded: FeatureExtractionPipeline | undefined;
  const load = async () => {
    const folder = `${options.modelDir}/${options.model}`;
    // Downloads land in cacheDir with the same <model>/<file> layout that
    // localModelPath is searched with, so a fetched model is found next time.
    env.cacheDir = options.modelDir;
    env.localModelPath = options.modelDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = options.allowRemote;
    if (!options.allowRemote) {
      const missing = await missingFiles(folder);
      if (missing.length) {
        throw new ModelNotFoundError(options.model, folder, missing);
      }
    }
    try {
      loaded = await pipeline("feature-extraction", options.model, {
        dtype: "fp32",
      });
    } catch (error) {
      // fetch rejects with TypeError only when the network fails.
      if (!(error instanceof TypeError)) throw error;
      throw new ModelUnavailableError(options.model, folder, error);
    }
    return loaded;
  };

  return {
    model: "minilm",
    fingerprint: `minilm/${options.model}/mean/normalized`,
    async embed(movies: Movie[]) {
      extractor ??= load();
      const run = await extractor;
      const out: Float32Array[] = [];
      for (let start = 0; start < movies.length; start += options.batchSize) {
        const texts = movies.slice(start, start + options.batchSize).map(
          movieText,
        );
        const tensor = await run(texts, { pooling: "mean", normalize: true });
        const [rows, dim] = tensor.dims;
        const data = tensor.data as Float32Array;
        for (let row = 0; row < rows; row++) {
          out.push(data.slice(row * dim, (row + 1) * dim));
        }
        tensor.dispose();
      }
      return out;
    },
    async dispose() {
      // A model that failed to load has nothing to release.
      await loaded?.dispose();
    },
  };
}
