/**
 * Compiles the WebAssembly kernels of core/ with wabt (npm) into the bytes
 * embedded beside them, so that core needs no build step at run time:
 * core/vectors/score_kernel.wat → score_kernel_wasm.ts (top-k scoring),
 * core/vectors/score_block_kernel.wat → score_block_kernel_wasm.ts (a block of
 * queries per pass, for all-pairs neighbours) and
 * core/models/spd_kernel.wat → spd_kernel_wasm.ts (the SPD inverse of EASE).
 *
 *   deno run -A tools/build_kernel.ts
 */
import wabtInit from "wabt";

/** One kernel: its text, the generated module and the constant it exports. */
interface KernelSource {
  wat: URL;
  out: URL;
  constant: string;
}

const KERNELS: KernelSource[] = [
  {
    wat: new URL("../core/vectors/score_kernel.wat", import.meta.url),
    out: new URL("../core/vectors/score_kernel_wasm.ts", import.meta.url),
    constant: "SCORE_KERNEL_WASM_BASE64",
  },
  {
    wat: new URL("../core/vectors/score_block_kernel.wat", import.meta.url),
    out: new URL(
      "../core/vectors/score_block_kernel_wasm.ts",
      import.meta.url,
    ),
    constant: "SCORE_BLOCK_KERNEL_WASM_BASE64",
  },
  {
    wat: new URL("../core/models/spd_kernel.wat", import.meta.url),
    out: new URL("../core/models/spd_kernel_wasm.ts", import.meta.url),
    constant: "SPD_KERNEL_WASM_BASE64",
  },
];

/** Assembles WebAssembly text (SIMD and relaxed SIMD enabled) into module bytes. */
export async function assembleWat(
  name: string,
  text: string,
): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(name, text, { simd: true, relaxed_simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The TypeScript source that embeds `bytes` as base64 under `constant`. */
export function kernelSource(
  bytes: Uint8Array,
  options: { wat: string; constant: string },
): string {
  const base64 = btoa(String.fromCharCode(...bytes));
  return [
    "/**",
    ` * The SIMD kernel compiled from ${options.wat} by`,
    " * `deno run -A tools/build_kernel.ts`. Generated: do not edit.",
    " */",
    `export const ${options.constant} =`,
    `  "${base64}";`,
    "",
  ].join("\n");
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  for (const kernel of KERNELS) {
    const wat = kernel.wat.pathname.slice(root.length);
    const bytes = await assembleWat(wat, await Deno.readTextFile(kernel.wat));
    await Deno.writeTextFile(
      kernel.out,
      kernelSource(bytes, { wat, constant: kernel.constant }),
    );
    console.log(
      `Wrote ${kernel.out.pathname} (${bytes.length} bytes of WebAssembly)`,
    );
  }
}
