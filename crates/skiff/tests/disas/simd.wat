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

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=3 locals=6 consts=[8589934593, 17179869187] frame=12
;;    0: I32x4Add(BinOp { dst: s4, lhs: s1, rhs: s6 })
;;    1: I32x4ExtractLane(LaneOp { dst: s3, src: s4, lane: 2 })
;;    2: I32Add(BinOp { dst: s8, lhs: s0, rhs: s3 })
;;    3: Return1 { src: s8 }
;;
;; function 1:
;; params=1 locals=1 consts=[1659036619975561472, 2237758002680174856] frame=8
;;    0: V128Load { dst: s4, addr: s0, offset: 0 }
;;    1: V128Load32Splat(Load { dst: s6, addr: s0, offset: 4 })
;;    2: I8x16Shuffle { dst: s4, a: s4, b: s6, lanes: s1 }
;;    3: V128Store { addr: s0, value: s4, offset: 16 }
;;    4: GlobalGet128 { dst: s4, global: 0 }
;;    5: V128Load16Lane { dst: s3, addr: s0, src: s4, lane: 3, offset: 0 }
;;    6: ReturnSpan { src: s3, len: 2 }
;;
;; function 2:
;; params=5 locals=5 consts=[] frame=10
;;    0: BrIfEqz { cond: s0, offset: 3 }
;;    1: Copy128 { dst: s5, src: s1 }
;;    2: Br { offset: 2 }
;;    3: Select128 { dst: s5, cond: s0, if_true: s1, if_false: s3 }
;;    4: GlobalSet128 { src: s3, global: 0 }
;;    5: ReturnSpan { src: s5, len: 2 }
;;
;; function 3:
;; params=2 locals=2 consts=[0, 0] frame=12
;;    0: CopyImm32 { dst: s7, bits: 1 }
;;    1: Copy128 { dst: s8, src: s0 }
;;    2: Copy128 { dst: s10, src: s2 }
;;    3: CallInternal { func: 2, base: s7 }
;;    4: CopyImm32 { dst: s6, bits: 7 }
;;    5: CallInternal { func: 0, base: s6 }
;;    6: Return1 { src: s6 }
