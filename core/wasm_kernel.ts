/** Compiling the WebAssembly kernels that core embeds as base64. */

/**
 * A memoised compiler of one embedded kernel: the module, or null when this
 * runtime has no WebAssembly or cannot validate the kernel (no SIMD, no
 * relaxed SIMD), so that callers fall back to JS.
 *
 * @example
 * ```ts
 * const compiledKernel = kernelCompiler(SCORE_KERNEL_WASM_BASE64);
 * compiledKernel(); // WebAssembly.Module | null, compiled once
 * ```
 */
export function kernelCompiler(
  base64: string,
): () => WebAssembly.Module | null {
  let module: WebAssembly.Module | null | undefined;
  return () => {
    if (module !== undefined) return module;
    module = null;
    if (typeof WebAssembly === "undefined") return null;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    return module;
  };
}
