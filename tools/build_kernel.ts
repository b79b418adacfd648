/**
 * Compiles core/vectors/score_kernel.wat with wabt (npm) into the bytes embedded in
 * core/vectors/score_kernel_wasm.ts, so that core needs no build step at run time.
 *
 *   deno run -A tools/build_kernel.ts
 */
import wabtInit from "wabt";

const WAT = new URL("../core/vectors/score_kernel.wat", import.meta.url);
const OUT = new URL("../core/vectors/score_kernel_wasm.ts", import.meta.url);

/** Assembles WebAssembly text (SIMD enabled) into module bytes. */
export async function assembleWat(
  name: string,
  text: string,
): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, text, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The TypeScript source that embeds `bytes` as base64. */
export function kernelSource(bytes: Uint8Array): string {
  const base64 = btoa(String.fromCharCode(...bytes));
  return [
    "/**",
    " * The SIMD scoring kernel, compiled from core/vectors/score_kernel.wat by",
    " * `deno run -A tools/build_kernel.ts`. Generated: do not edit.",
    " */",
    `export const SCORE_KERNEL_WASM_BASE64 =`,
    `  "${base64}";`,
    "",
  ].join("\n");
}

if (import.meta.main) {
  const bytes = await assembleWat(
    "score_kernel.wat",
    await Deno.readTextFile(WAT),
  );
  await Deno.writeTextFile(OUT, kernelSource(bytes));
  console.log(`Wrote ${OUT.pathname} (${bytes.length} bytes of WebAssembly)`);
}
