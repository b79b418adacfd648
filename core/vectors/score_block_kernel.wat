;; Dot products of a block of queries with every row of a packed Float32
;; matrix, so that one pass over the matrix serves the whole block: each pair
;; of rows is loaded once and dotted with every query while the queries stay
;; in cache. 2 rows × 4 queries at a time with 128-bit fused multiply-adds
;; (relaxed SIMD): eight accumulators, and each loaded vector feeds two or four
;; products. The source of the bytes embedded in
;; core/vectors/score_block_kernel_wasm.ts; rebuild them with
;; `deno run -A tools/build_kernel.ts` after editing this file.
;;
;; Layout (byte offsets into the imported memory, all chosen by the caller):
;;   matrix: rows × dim float32, row-major; queries: count × dim float32;
;;   out: count × rows float32, query-major (out[q·rows + r] = query q · row r).
;; dim must be a multiple of 4 and count a multiple of 4 (the caller pads).
(module
  (import "env" "memory" (memory 1))

  (func $sum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v))
               (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v))
               (f32x4.extract_lane 3 (local.get $v)))))

  (func (export "blockScores")
    (param $matrix i32) (param $rows i32) (param $dim i32)
    (param $queries i32) (param $count i32) (param $out i32)
    (local $r i32) (local $g i32) (local $rowBytes i32) (local $outBytes i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32)
    (local $pb2 i32) (local $pb3 i32) (local $end i32) (local $o i32)
    (local $next i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    ;; distance between one query's scores and the next one's
    (local.set $outBytes (i32.shl (local.get $rows) (i32.const 2)))
    (block $rowsDone
      (loop $rowPairs
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $g (i32.const 0))
        (block $groupsDone
          (loop $groups
            (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $count)))
            (local.set $pa0 (i32.add (local.get $matrix)
              (i32.mul (local.get $r) (local.get $rowBytes))))
            ;; a last row without a partner is paired with itself
            (local.set $pa1 (select
              (i32.add (local.get $pa0) (local.get $rowBytes))
              (local.get $pa0)
              (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows))))
            (local.set $pb0 (i32.add (local.get $queries)
              (i32.mul (local.get $g) (local.get $rowBytes))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $rowBytes)))
            (local.set $pb2 (i32.add (local.get $pb1) (local.get $rowBytes)))
            (local.set $pb3 (i32.add (local.get $pb2) (local.get $rowBytes)))
            (local.set $end (i32.add (local.get $pa0) (local.get $rowBytes)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c02 (v128.const i32x4 0 0 0 0))
            (local.set $c03 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0))
            (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c12 (v128.const i32x4 0 0 0 0))
            (local.set $c13 (v128.const i32x4 0 0 0 0))
            (block $depthDone
              (loop $step
                (br_if $depthDone (i32.ge_u (local.get $pa0) (local.get $end)))
                (local.set $x0 (v128.load (local.get $pa0)))
                (local.set $x1 (v128.load (local.get $pa1)))
                (local.set $y (v128.load (local.get $pb0)))
                (local.set $c00 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c00)))
                (local.set $c10 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c10)))
                (local.set $y (v128.load (local.get $pb1)))
                (local.set $c01 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c01)))
                (local.set $c11 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c11)))
                (local.set $y (v128.load (local.get $pb2)))
                (local.set $c02 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c02)))
                (local.set $c12 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c12)))
                (local.set $y (v128.load (local.get $pb3)))
                (local.set $c03 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c03)))
                (local.set $c13 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c13)))
                ;; dim is a multiple of 4, not of 8: a trip may end here
                (br_if $depthDone (i32.ge_u
                  (i32.add (local.get $pa0) (i32.const 16)) (local.get $end)))
                (local.set $x0 (v128.load offset=16 (local.get $pa0)))
                (local.set $x1 (v128.load offset=16 (local.get $pa1)))
                (local.set $y (v128.load offset=16 (local.get $pb0)))
                (local.set $c00 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c00)))
                (local.set $c10 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c10)))
                (local.set $y (v128.load offset=16 (local.get $pb1)))
                (local.set $c01 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c01)))
                (local.set $c11 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c11)))
                (local.set $y (v128.load offset=16 (local.get $pb2)))
                (local.set $c02 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c02)))
                (local.set $c12 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c12)))
                (local.set $y (v128.load offset=16 (local.get $pb3)))
                (local.set $c03 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $c03)))
                (local.set $c13 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $c13)))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 32)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 32)))
                (local.set $pb0 (i32.add (local.get $pb0) (i32.const 32)))
                (local.set $pb1 (i32.add (local.get $pb1) (i32.const 32)))
                (local.set $pb2 (i32.add (local.get $pb2) (i32.const 32)))
                (local.set $pb3 (i32.add (local.get $pb3) (i32.const 32)))
                (br $step)))
            ;; out[(g + j)·rows + r]; row r + 1 one float further (the same
            ;; place again when row r has no partner: it is stored twice)
            (local.set $o (i32.add
              (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
              (i32.mul (local.get $g) (local.get $outBytes))))
            (local.set $next (select (i32.const 4) (i32.const 0)
              (i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows))))
            (f32.store (local.get $o) (call $sum (local.get $c00)))
            (f32.store (i32.add (local.get $o) (local.get $next)) (call $sum (local.get $c10)))
            (local.set $o (i32.add (local.get $o) (local.get $outBytes)))
            (f32.store (local.get $o) (call $sum (local.get $c01)))
            (f32.store (i32.add (local.get $o) (local.get $next)) (call $sum (local.get $c11)))
            (local.set $o (i32.add (local.get $o) (local.get $outBytes)))
            (f32.store (local.get $o) (call $sum (local.get $c02)))
            (f32.store (i32.add (local.get $o) (local.get $next)) (call $sum (local.get $c12)))
            (local.set $o (i32.add (local.get $o) (local.get $outBytes)))
            (f32.store (local.get $o) (call $sum (local.get $c03)))
            (f32.store (i32.add (local.get $o) (local.get $next)) (call $sum (local.get $c13)))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br $groups)))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $rowPairs)))))
