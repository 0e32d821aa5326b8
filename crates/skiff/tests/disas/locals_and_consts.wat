;; local.get and constants emit nothing; a result feeding local.set is
;; written straight into the local.
(module
  (func (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.add (local.get 0) (i32.const 7)))
    (i32.mul (local.get 2) (local.get 1))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=3 consts=[] frame=6
;;    0: I32AddImm(BinOpImm { dst: s2, lhs: s0, imm: 7 })
;;    1: I32MulAcc(AccBinOp { dst: s4, rhs: s1 })
;;    2: Return1 { src: s4 }
