;; Dot product of one query with every row of a packed Float32 matrix, with
;; 128-bit SIMD (4 lanes × 4 accumulators = 16 floats per step). The source of
;; the bytes embedded in core/vectors/score_kernel_wasm.ts; rebuild them with
;; `deno run -A tools/build_kernel.ts` after editing this file.
;;
;; Layout (byte offsets into the imported memory, all chosen by the caller):
;;   matrix: rows × dim float32, row-major; query: dim float32; out: rows float32.
;; dim must be a multiple of 4 (the caller checks and otherwise stays in JS).
(module
  (import "env" "memory" (memory 1))
  (func (export "scores")
    (param $matrix i32) (param $rows i32) (param $dim i32)
    (param $query i32) (param $out i32)
    (local $p i32) (local $q i32) (local $rowEnd i32) (local $blockEnd i32)
    (local $rowBytes i32) (local $blockBytes i32) (local $outEnd i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    ;; bytes of each row covered by whole 64-byte (16-float) blocks
    (local.set $blockBytes (i32.and (local.get $rowBytes) (i32.const -64)))
    (local.set $p (local.get $matrix))
    (local.set $outEnd
      (i32.add (local.get $out) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $outEnd)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $query))
        (local.set $blockEnd (i32.add (local.get $p) (local.get $blockBytes)))
        (local.set $rowEnd (i32.add (local.get $p) (local.get $rowBytes)))
        ;; four independent accumulators hide the latency of each add
        (block $blocksDone
          (loop $block
            (br_if $blocksDone
              (i32.ge_u (local.get $p) (local.get $blockEnd)))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (v128.load (local.get $p))
                         (v128.load (local.get $q)))))
            (local.set $a1 (f32x4.add (local.get $a1)
              (f32x4.mul (v128.load offset=16 (local.get $p))
                         (v128.load offset=16 (local.get $q)))))
            (local.set $a2 (f32x4.add (local.get $a2)
              (f32x4.mul (v128.load offset=32 (local.get $p))
                         (v128.load offset=32 (local.get $q)))))
            (local.set $a3 (f32x4.add (local.get $a3)
              (f32x4.mul (v128.load offset=48 (local.get $p))
                         (v128.load offset=48 (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (local.set $q (i32.add (local.get $q) (i32.const 64)))
            (br $block)))
        ;; the tail: 4 floats at a time
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $p) (local.get $rowEnd)))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (v128.load (local.get $p))
                         (v128.load (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $tail)))
        (local.set $a0
          (f32x4.add (f32x4.add (local.get $a0) (local.get $a1))
                     (f32x4.add (local.get $a2) (local.get $a3))))
        (f32.store (local.get $out)
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a0))
                     (f32x4.extract_lane 1 (local.get $a0)))
            (f32.add (f32x4.extract_lane 2 (local.get $a0))
                     (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row)))))
