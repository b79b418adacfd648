;; The inner loop of the blocked SPD inverse (core/models/spd_inverse.ts):
;; C[i][j] = A_i · B_j, or C[i][j] −= A_i · B_j, over a rectangle of C,
;; optionally only where j ≤ i + shift (a lower triangle). A_i and B_j are
;; rows of `depth` float64 (depth even), dotted with 128-bit SIMD fused
;; multiply-adds (relaxed SIMD), 2 rows × 4 columns of C at a time so that
;; each loaded pair of values feeds several products.
;;
;; The source of the bytes embedded in core/models/spd_kernel_wasm.ts; rebuild
;; them with `deno run -A tools/build_kernel.ts` after editing this file.
;;
;; Byte addresses into the imported memory, all chosen by the caller:
;;   c: C[0][0], rows `ldc` float64 apart; a: A_0, b: B_0, rows `depth` apart.
(module
  (import "env" "memory" (memory 1))

  ;; Σ a[p]·b[p] over `bytes` bytes (a multiple of 16): the edges of C.
  (func $dot (param $a i32) (param $b i32) (param $bytes i32) (result f64)
    (local $end i32) (local $s v128)
    (local.set $end (i32.add (local.get $a) (local.get $bytes)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f64x2.relaxed_madd
          (v128.load (local.get $a)) (v128.load (local.get $b)) (local.get $s)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $step)))
    (f64.add (f64x2.extract_lane 0 (local.get $s))
             (f64x2.extract_lane 1 (local.get $s))))

  ;; Stores `value` at `addr`, or subtracts it from what is there.
  (func $put (param $addr i32) (param $value f64) (param $subtract i32)
    (f64.store (local.get $addr)
      (select
        (f64.sub (f64.load (local.get $addr)) (local.get $value))
        (local.get $value)
        (local.get $subtract))))

  (func $sum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v))
             (f64x2.extract_lane 1 (local.get $v))))

  ;; min(k, i + shift + 1), at least 0: how many columns row i updates.
  (func $limit (param $i i32) (param $k i32) (param $shift i32) (result i32)
    (local $l i32)
    (local.set $l (i32.add (i32.add (local.get $i) (local.get $shift)) (i32.const 1)))
    (if (i32.lt_s (local.get $l) (i32.const 0)) (then (local.set $l (i32.const 0))))
    (select (local.get $k) (local.get $l)
      (i32.lt_s (local.get $k) (local.get $l))))

  (func (export "dots")
    (param $c i32) (param $ldc i32) (param $a i32) (param $b i32)
    (param $depth i32) (param $m i32) (param $k i32) (param $shift i32)
    (param $subtract i32)
    (local $i i32) (local $j i32) (local $lim0 i32) (local $lim1 i32)
    (local $bytes i32) (local $ldcBytes i32) (local $rowC i32) (local $addr i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32)
    (local $pb2 i32) (local $pb3 i32) (local $end i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local.set $bytes (i32.shl (local.get $depth) (i32.const 3)))
    (local.set $ldcBytes (i32.shl (local.get $ldc) (i32.const 3)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $rowC (i32.add (local.get $c)
          (i32.mul (local.get $i) (local.get $ldcBytes))))
        (local.set $pa0 (i32.add (local.get $a)
          (i32.mul (local.get $i) (local.get $bytes))))
        (local.set $lim0 (call $limit (local.get $i) (local.get $k) (local.get $shift)))
        (local.set $j (i32.const 0))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $m))
          (then
            (local.set $lim1 (call $limit
              (i32.add (local.get $i) (i32.const 1)) (local.get $k) (local.get $shift)))
            ;; whole 2 × 4 blocks: row i's limit is the tighter one
            (block $blocksDone
              (loop $blocks
                (br_if $blocksDone (i32.gt_s
                  (i32.add (local.get $j) (i32.const 4)) (local.get $lim0)))
                (local.set $pa1 (i32.add (local.get $pa0) (local.get $bytes)))
                (local.set $pb0 (i32.add (local.get $b)
                  (i32.mul (local.get $j) (local.get $bytes))))
                (local.set $pb1 (i32.add (local.get $pb0) (local.get $bytes)))
                (local.set $pb2 (i32.add (local.get $pb1) (local.get $bytes)))
                (local.set $pb3 (i32.add (local.get $pb2) (local.get $bytes)))
                (local.set $end (i32.add (local.get $pa0) (local.get $bytes)))
                (local.set $c00 (v128.const i64x2 0 0))
                (local.set $c01 (v128.const i64x2 0 0))
                (local.set $c02 (v128.const i64x2 0 0))
                (local.set $c03 (v128.const i64x2 0 0))
                (local.set $c10 (v128.const i64x2 0 0))
                (local.set $c11 (v128.const i64x2 0 0))
                (local.set $c12 (v128.const i64x2 0 0))
                (local.set $c13 (v128.const i64x2 0 0))
                ;; four float64 of each row per trip: depth is even, so a
                ;; trip may end with one pair (the guard below)
                (block $depthDone
                  (loop $step
                    (br_if $depthDone (i32.ge_u (local.get $pa0) (local.get $end)))
                    (local.set $x0 (v128.load (local.get $pa0)))
                    (local.set $x1 (v128.load (local.get $pa1)))
                    (local.set $y (v128.load (local.get $pb0)))
                    (local.set $c00 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c00)))
                    (local.set $c10 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c10)))
                    (local.set $y (v128.load (local.get $pb1)))
                    (local.set $c01 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c01)))
                    (local.set $c11 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c11)))
                    (local.set $y (v128.load (local.get $pb2)))
                    (local.set $c02 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c02)))
                    (local.set $c12 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c12)))
                    (local.set $y (v128.load (local.get $pb3)))
                    (local.set $c03 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c03)))
                    (local.set $c13 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c13)))
                    (br_if $depthDone (i32.ge_u
                      (i32.add (local.get $pa0) (i32.const 16)) (local.get $end)))
                    (local.set $x0 (v128.load offset=16 (local.get $pa0)))
                    (local.set $x1 (v128.load offset=16 (local.get $pa1)))
                    (local.set $y (v128.load offset=16 (local.get $pb0)))
                    (local.set $c00 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c00)))
                    (local.set $c10 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c10)))
                    (local.set $y (v128.load offset=16 (local.get $pb1)))
                    (local.set $c01 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c01)))
                    (local.set $c11 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c11)))
                    (local.set $y (v128.load offset=16 (local.get $pb2)))
                    (local.set $c02 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c02)))
                    (local.set $c12 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c12)))
                    (local.set $y (v128.load offset=16 (local.get $pb3)))
                    (local.set $c03 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $c03)))
                    (local.set $c13 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $c13)))
                    (local.set $pa0 (i32.add (local.get $pa0) (i32.const 32)))
                    (local.set $pa1 (i32.add (local.get $pa1) (i32.const 32)))
                    (local.set $pb0 (i32.add (local.get $pb0) (i32.const 32)))
                    (local.set $pb1 (i32.add (local.get $pb1) (i32.const 32)))
                    (local.set $pb2 (i32.add (local.get $pb2) (i32.const 32)))
                    (local.set $pb3 (i32.add (local.get $pb3) (i32.const 32)))
                    (br $step)))
                ;; back to the start of row i
                (local.set $pa0 (i32.add (local.get $a)
                  (i32.mul (local.get $i) (local.get $bytes))))
                (local.set $addr (i32.add (local.get $rowC)
                  (i32.shl (local.get $j) (i32.const 3))))
                (call $put (local.get $addr) (call $sum (local.get $c00)) (local.get $subtract))
                (call $put (i32.add (local.get $addr) (i32.const 8)) (call $sum (local.get $c01)) (local.get $subtract))
                (call $put (i32.add (local.get $addr) (i32.const 16)) (call $sum (local.get $c02)) (local.get $subtract))
                (call $put (i32.add (local.get $addr) (i32.const 24)) (call $sum (local.get $c03)) (local.get $subtract))
                (local.set $addr (i32.add (local.get $addr) (local.get $ldcBytes)))
                (call $put (local.get $addr) (call $sum (local.get $c10)) (local.get $subtract))
                (call $put (i32.add (local.get $addr) (i32.const 8)) (call $sum (local.get $c11)) (local.get $subtract))
                (call $put (i32.add (local.get $addr) (i32.const 16)) (call $sum (local.get $c12)) (local.get $subtract))
                (call $put (i32.add (local.get $addr) (i32.const 24)) (call $sum (local.get $c13)) (local.get $subtract))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $blocks)))
            ;; what is left of row i + 1 beyond the blocks
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $bytes)))
            (local.set $addr (i32.add (i32.add (local.get $rowC) (local.get $ldcBytes))
              (i32.shl (local.get $j) (i32.const 3))))
            (local.set $pb0 (i32.add (local.get $b)
              (i32.mul (local.get $j) (local.get $bytes))))
            (local.set $end (local.get $j))
            (block $tail1Done
              (loop $tail1
                (br_if $tail1Done (i32.ge_s (local.get $end) (local.get $lim1)))
                (call $put (local.get $addr)
                  (call $dot (local.get $pa1) (local.get $pb0) (local.get $bytes))
                  (local.get $subtract))
                (local.set $addr (i32.add (local.get $addr) (i32.const 8)))
                (local.set $pb0 (i32.add (local.get $pb0) (local.get $bytes)))
                (local.set $end (i32.add (local.get $end) (i32.const 1)))
                (br $tail1)))))
        ;; what is left of row i (all of it when it has no partner row)
        (local.set $addr (i32.add (local.get $rowC)
          (i32.shl (local.get $j) (i32.const 3))))
        (local.set $pb0 (i32.add (local.get $b)
          (i32.mul (local.get $j) (local.get $bytes))))
        (block $tail0Done
          (loop $tail0
            (br_if $tail0Done (i32.ge_s (local.get $j) (local.get $lim0)))
            (call $put (local.get $addr)
              (call $dot (local.get $pa0) (local.get $pb0) (local.get $bytes))
              (local.get $subtract))
            (local.set $addr (i32.add (local.get $addr) (i32.const 8)))
            (local.set $pb0 (i32.add (local.get $pb0) (local.get $bytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tail0)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))
)
