;; Frames start their declared locals at zero, so setting one to zero
;; before anything wrote it emits nothing, past forward branches too
;; (function 0: C's `sum = 0` at entry). A parameter, a local written
;; before (function 1), a non-zero constant, and anything after a loop
;; begins (function 2: the back edge brings the loop's writes) get the
;; copy. A `v128` local counts as zero only as a whole (function 3).
(module
  (func (param $n i32) (result i32) (local $sum i32) (local $f f64)
    (local.set $sum (i32.const 0))
    (br_if 0 (local.get $n) (i32.eqz (local.get $n)))
    drop
    (local.set $f (f64.const 0))
    (local.set $sum (i32.const 0))
    (i32.add (local.get $sum) (local.get $n)))
  (func (param $n i32) (result i32) (local $x i32)
    (local.set $n (i32.const 0))
    (local.set $x (i32.const 5))
    (local.set $x (i32.const 0))
    (local.get $x))
  (func (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.const 0))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.set $i (i32.const 0))
    (local.get $i))
  (func (result v128) (local $v v128)
    (local.set $v (v128.const i64x2 0 0))
    (local.set $v (v128.const i64x2 0 1))
    (local.set $v (v128.const i64x2 0 0))
    (local.get $v)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=3 consts=[] frame=8
;;    0: BrIfNez { cond: s0, offset: 2 }
;;    1: Return1 { src: s0 }
;;    2: I32Add(BinOp { dst: s6, lhs: s1, rhs: s0 })
;;    3: Return1 { src: s6 }
;;
;; function 1:
;; params=1 locals=2 consts=[] frame=6
;;    0: CopyImm32 { dst: s0, bits: 0 }
;;    1: CopyImm32 { dst: s1, bits: 5 }
;;    2: CopyImm32 { dst: s1, bits: 0 }
;;    3: Return1 { src: s1 }
;;
;; function 2:
;; params=1 locals=2 consts=[] frame=7
;;    0: CopyImm32 { dst: s1, bits: 0 }
;;    1: I32SubImm(BinOpImm { dst: s0, lhs: s0, imm: 1 })
;;    2: BrIfNezAcc { offset: -2 }
;;    3: CopyImm32 { dst: s1, bits: 0 }
;;    4: Return1 { src: s1 }
;;
;; function 3:
;; params=0 locals=2 consts=[0, 1, 0, 0] frame=10
;;    0: Copy128 { dst: s0, src: s2 }
;;    1: Copy128 { dst: s0, src: s4 }
;;    2: ReturnSpan { src: s0, len: 2 }
