;; `local.tee a; local.set b` (how compilers keep one value in two locals,
;; such as a pointer stepped in a loop and read after it): the producer
;; writes `a`, and `b` is copied from the accumulator the producer left the
;; value in (`CopyAcc`, or its `f32`/`f64` form), not from `a`'s slot. A
;; `v128` and a value that is not fresh are copied from the slot.
(module
  (func (param i32) (result i32) (local i32 i32)
    (local.set 2 (local.tee 1 (i32.add (local.get 0) (i32.const -4))))
    (i32.add (local.get 1) (local.get 2)))
  (func (param f32 f64) (result f64) (local f32 f32 f64 f64)
    (local.set 3 (local.tee 2 (f32.mul (local.get 0) (local.get 0))))
    (local.set 5 (local.tee 4 (f64.add (local.get 1) (local.get 1))))
    (f64.add (f64.promote_f32 (f32.add (local.get 2) (local.get 3))) (f64.mul (local.get 4) (local.get 5))))
  (func (param v128) (result v128) (local v128 v128)
    (local.set 2 (local.tee 1 (i32x4.add (local.get 0) (local.get 0))))
    (i32x4.sub (local.get 1) (local.get 2)))
  (func (param i32) (result i32) (local i32 i32)
    (local.set 1 (local.get 0))
    (local.set 2 (local.tee 1 (local.get 0)))
    (i32.add (local.get 1) (local.get 2))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=3 consts=[] frame=6
;;    0: I32AddImmCopy { dst: s1, lhs: s0, copy: s2, imm: -4 }
;;    1: I32Add(BinOp { dst: s4, lhs: s1, rhs: s2 })
;;    2: Return1 { src: s4 }
;;
;; function 1:
;; params=2 locals=6 consts=[] frame=9
;;    0: F32Mul(BinOp { dst: s2, lhs: s0, rhs: s0 })
;;    1: CopyAccF32 { dst: s3 }
;;    2: F64Add(BinOp { dst: s4, lhs: s1, rhs: s1 })
;;    3: CopyAccF64 { dst: s5 }
;;    4: F32Add(BinOp { dst: acc, lhs: s2, rhs: s3 })
;;    5: F64PromoteF32Acc(AccUnOp { dst: s6 })
;;    6: F64Mul(BinOp { dst: acc, lhs: s4, rhs: s5 })
;;    7: F64AddAcc(AccBinOp { dst: s6, rhs: s6 })
;;    8: Return1 { src: s6 }
;;
;; function 2:
;; params=2 locals=6 consts=[] frame=10
;;    0: I32x4Add(BinOp { dst: s2, lhs: s0, rhs: s0 })
;;    1: Copy128 { dst: s4, src: s2 }
;;    2: I32x4Sub(BinOp { dst: s6, lhs: s2, rhs: s4 })
;;    3: ReturnSpan { src: s6, len: 2 }
;;
;; function 3:
;; params=1 locals=3 consts=[] frame=5
;;    0: Copy2 { a: s1, src_a: s0, b: s1, src_b: s0 }
;;    1: Copy { dst: s2, src: s1 }
;;    2: I32Add(BinOp { dst: s3, lhs: s1, rhs: s2 })
;;    3: Return1 { src: s3 }
