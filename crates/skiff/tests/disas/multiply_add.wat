;; An `i32.mul` by a constant feeding an `i32.add` of a constant is one
;; `I32MulAddImm` (a linear congruential generator's step), whether its
;; result goes to a local, to the accumulator for the next operator, or to
;; a temporary. A product kept in a local, a product of two slots, and
;; 64-bit arithmetic stay apart.
(module
  (func (param $x i32) (result i32)
    (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
    (local.get $x))
  (func (param $x i32) (result i32)
    (i32.shr_u (i32.add (i32.const 12345) (i32.mul (i32.const 1103515245) (local.get $x))) (i32.const 16)))
  (func (param $x i32) (param $y i32) (result i32) (local $p i32)
    (i32.add (i32.add (local.tee $p (i32.mul (local.get $x) (i32.const 3))) (i32.const 1)) (local.get $p)))
  (func (param $x i32) (param $y i32) (result i32)
    (i32.add (i32.mul (local.get $x) (local.get $y)) (i32.const 7)))
  (func (param $x i64) (result i64)
    (i64.add (i64.mul (local.get $x) (i64.const 5)) (i64.const 3))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=1 consts=[] frame=5
;;    0: I32MulAddImm { dst: s0, lhs: s0, mul: 1664525, add: 1013904223 }
;;    1: Return1 { src: s0 }
;;
;; function 1:
;; params=1 locals=1 consts=[] frame=7
;;    0: I32MulAddImm { dst: acc, lhs: s0, mul: 1103515245, add: 12345 }
;;    1: I32ShrUAccImm(AccBinOpImm { dst: s4, imm: 16 })
;;    2: Return1 { src: s4 }
;;
;; function 2:
;; params=2 locals=3 consts=[] frame=7
;;    0: I32MulImm(BinOpImm { dst: s2, lhs: s0, imm: 3 })
;;    1: I32AddAccImm(AccBinOpImm { dst: acc, imm: 1 })
;;    2: I32AddAcc(AccBinOp { dst: s5, rhs: s2 })
;;    3: Return1 { src: s5 }
;;
;; function 3:
;; params=2 locals=2 consts=[] frame=5
;;    0: I32Mul(BinOp { dst: acc, lhs: s0, rhs: s1 })
;;    1: I32AddAccImm(AccBinOpImm { dst: s3, imm: 7 })
;;    2: Return1 { src: s3 }
;;
;; function 4:
;; params=1 locals=1 consts=[] frame=5
;;    0: I64MulImm(BinOpImm { dst: acc, lhs: s0, imm: 5 })
;;    1: I64AddAccImm(AccBinOpImm { dst: s3, imm: 3 })
;;    2: Return1 { src: s3 }
