;; A result consumed by the very next instruction also travels in the
;; accumulator register: the consumer's `…Acc` form reads it from there
;; instead of waiting for it to pass through memory. Commutative operators
;; are swapped to put the fresh value on the left.
(module
  (memory 1)
  (func (param i32 i32) (result i32)
    (i32.load offset=4
      (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 2)))))
  (func (param i64 i64) (result i64)
    (i64.sub (i64.mul (local.get 0) (local.get 1)) (local.get 1))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=2 consts=[] frame=6
;;    0: I32LoadScaled(ScaledLoad { dst: s3, base: s1, index: s0, shift: 2, offset: 4 })
;;    1: Return1 { src: s3 }
;;
;; function 1:
;; params=2 locals=2 consts=[] frame=4
;;    0: I64Mul(BinOp { dst: acc, lhs: s0, rhs: s1 })
;;    1: I64SubAcc(AccBinOp { dst: s2, rhs: s1 })
;;    2: Return1 { src: s2 }
