;; A `v128` takes two consecutive cells: locals, constants and operand
;; temporaries are laid out by cell, so a scalar after a vector sits two
;; cells on. Each SIMD operator is one instruction reading its operands'
;; slots; `v128.const` is a pair of constant slots, a shuffle's lane
;; pattern too. A `v128` result that feeds `local.set` is written straight
;; into the local; copies of a `v128` move both cells at once.
(module
  (memory 1)
  (global $g (mut v128) (v128.const i64x2 1 2))
  ;; Mixed scalar and vector locals: $i at s0, $v at s1-s2, $x at s3, $w at s4-s5.
  (func $mix (param $i i32) (param $v v128) (result i32)
    (local $x i32) (local $w v128)
    (local.set $w (i32x4.add (local.get $v) (v128.const i32x4 1 2 3 4)))
    (local.set $x (i32x4.extract_lane 2 (local.get $w)))
    (i32.add (local.get $i) (local.get $x)))
  ;; Memory: a load, a splat, a lane load and a store.
  (func $mem (param $p i32) (result v128)
    (v128.store offset=16 (local.get $p)
      (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
        (v128.load (local.get $p))
        (v128.load32_splat offset=4 (local.get $p))))
    (v128.load16_lane 3 (local.get $p) (global.get $g)))
  ;; Blocks and branches carry vectors; `select` picks one.
  (func $flow (param $c i32) (param $a v128) (param $b v128) (result v128)
    (block (result v128)
      (br_if 0 (local.get $a) (local.get $c))
      (drop)
      (select (local.get $a) (local.get $b) (local.get $c)))
    (global.set $g (local.get $b)))
  ;; Calls pass vectors in consecutive temporaries, two cells each.
  (func (param v128) (result i32)
    (call $mix (i32.const 7) (call $flow (i32.const 1) (local.get 0) (v128.const i64x2 0 0)))))
