;; Two SIMD fusions. A product that only feeds the next instruction's
;; addition is one `…RelaxedMadd` (skiff's relaxed madd rounds twice, as
;; the pair does), whichever side of the addition it is on. A `v128.load`
;; from an address just computed as `base + constant` into a temporary is
;; one `V128LoadAddImm` (the sum wraps at 32 bits, as the `i32.add` would).
;; A vector just computed is handed to the next instruction in the `v128`
;; accumulator: `…Acc` forms take their first operand from it (a commuting
;; operator swaps to put it first; `sub` does not), and `V128StoreAcc`
;; stores it.
(module
  (memory 1)
  ;; The inner step of a matrix multiply: c += a * b[j], and the same with
  ;; the product on the left of the addition, in f64.
  (func $axpy (param $a v128) (param $b i32) (param $c v128) (result v128 v128)
    (f32x4.add (local.get $c) (f32x4.mul (local.get $a) (v128.load offset=0 (i32.add (local.get $b) (i32.const 16)))))
    (f64x2.add (f64x2.mul (local.get $a) (local.get $c)) (local.get $c)))
  ;; Not fused: the product is also kept in a local; the address is a
  ;; local's own sum (not a temporary); the load has an offset of its own.
  (func $kept (param $a v128) (param $p i32) (result v128 v128 v128)
    (local $prod v128) (local $q i32)
    (f32x4.add (local.get $a) (local.tee $prod (f32x4.mul (local.get $a) (local.get $a))))
    (v128.load (local.tee $q (i32.add (local.get $p) (i32.const 32))))
    (v128.load offset=16 (i32.add (local.get $p) (i32.const 32))))
  (func $acc (param $p i32) (param $x v128) (param $y v128)
    (v128.store (local.get $p) (i32x4.sub (local.get $x) (i32x4.add (local.get $x) (local.get $y))))
    (v128.store offset=16 (local.get $p) (i32x4.sub (i32x4.add (local.get $x) (local.get $y)) (local.get $y)))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=5 locals=5 consts=[] frame=12
;;    0: V128LoadAddImm { dst: s10, base: s2, imm: 16 }
;;    1: F32x4RelaxedMaddAcc(AccTernOp { dst: s6, b: s0, c: s3 })
;;    2: F64x2RelaxedMadd(TernOp { dst: s8, a: s0, b: s3, c: s3 })
;;    3: ReturnSpan { src: s6, len: 4 }
;;
;; function 1:
;; params=3 locals=6 consts=[] frame=14
;;    0: F32x4Mul(BinOp { dst: s3, lhs: s0, rhs: s0 })
;;    1: F32x4AddAcc(AccBinOp { dst: s8, rhs: s0 })
;;    2: I32AddImm(BinOpImm { dst: s5, lhs: s2, imm: 32 })
;;    3: V128Load { dst: s10, addr: s5, offset: 0 }
;;    4: I32AddImm(BinOpImm { dst: s12, lhs: s2, imm: 32 })
;;    5: V128Load { dst: s12, addr: s12, offset: 16 }
;;    6: ReturnSpan { src: s8, len: 6 }
;;
;; function 2:
;; params=5 locals=5 consts=[] frame=12
;;    0: I32x4Add(BinOp { dst: s8, lhs: s1, rhs: s3 })
;;    1: I32x4Sub(BinOp { dst: s6, lhs: s1, rhs: s8 })
;;    2: V128StoreAcc { addr: s0, offset: 0 }
;;    3: I32x4Add(BinOp { dst: s6, lhs: s1, rhs: s3 })
;;    4: I32x4SubAcc(AccBinOp { dst: s6, rhs: s3 })
;;    5: V128StoreAcc { addr: s0, offset: 16 }
;;    6: Return0
