;; An array access, `base + (index << k)` feeding a load, is one scaled load:
;; the shift and the add do not run on their own. With the shifted value
;; kept in a local they stay.
(module
  (memory 1)
  (func (param i32 i32) (result i32)
    (i32.load offset=8 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))
  (func (param i32 i32) (result i32) (local i32)
    (i32.load (i32.add (local.get 0) (local.tee 2 (i32.shl (local.get 1) (i32.const 2)))))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=2 consts=[] frame=6
;;    0: I32LoadScaled(ScaledLoad { dst: s3, base: s0, index: s1, shift: 2, offset: 8 })
;;    1: Return1 { src: s3 }
;;
;; function 1:
;; params=2 locals=3 consts=[] frame=7
;;    0: I32ShlImm(BinOpImm { dst: s2, lhs: s1, imm: 2 })
;;    1: I32AddAcc(AccBinOp { dst: s4, rhs: s0 })
;;    2: I32LoadAcc(AccLoad { dst: s4, offset: 0 })
;;    3: Return1 { src: s4 }
