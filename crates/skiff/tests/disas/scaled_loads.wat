;; An array access, `base + (index << k)` feeding a load, is one scaled load:
;; the shift and the add do not run on their own. With the shifted value
;; kept in a local they stay. The base may be a constant (a static array).
;; The index may come from the instruction before the shift (which stays,
;; and keeps writing its slot: the scaled load reads the index from there),
;; and a plain `base + index` is a scaled load with shift 0.
(module
  (memory 1)
  (func (param i32 i32) (result i32)
    (i32.load offset=8 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))
  (func (param i32 i32) (result i32) (local i32)
    (i32.load (i32.add (local.get 0) (local.tee 2 (i32.shl (local.get 1) (i32.const 2))))))
  (func (param i32) (result i32)
    (i32.load (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024))))
  (func (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 0) (i32.shl (i32.and (local.get 1) (i32.const 255)) (i32.const 2)))))
  (func (param i32 i32) (result i32)
    (i32.load8_u offset=3 (i32.add (local.get 0) (local.get 1))))
  (func (param i32 i32) (result i32)
    (i32.load8_u (i32.add (local.get 0) (i32.xor (local.get 1) (i32.const 7))))))

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
;;    1: I32AddAcc(AccBinOp { dst: acc, rhs: s0 })
;;    2: I32LoadAcc(AccLoad { dst: s4, offset: 0 })
;;    3: Return1 { src: s4 }
;;
;; function 2:
;; params=1 locals=1 consts=[1024] frame=5
;;    0: I32LoadScaled(ScaledLoad { dst: s3, base: s1, index: s0, shift: 2, offset: 0 })
;;    1: Return1 { src: s3 }
;;
;; function 3:
;; params=2 locals=2 consts=[] frame=7
;;    0: I32AndImm(BinOpImm { dst: s5, lhs: s1, imm: 255 })
;;    1: I32LoadScaled(ScaledLoad { dst: s4, base: s0, index: s5, shift: 2, offset: 0 })
;;    2: Return1 { src: s4 }
;;
;; function 4:
;; params=2 locals=2 consts=[] frame=4
;;    0: I32Load8UScaled(ScaledLoad { dst: s2, base: s0, index: s1, shift: 0, offset: 3 })
;;    1: Return1 { src: s2 }
;;
;; function 5:
;; params=2 locals=2 consts=[] frame=6
;;    0: I32XorImm(BinOpImm { dst: s4, lhs: s1, imm: 7 })
;;    1: I32Load8UScaled(ScaledLoad { dst: s3, base: s0, index: s4, shift: 0, offset: 0 })
;;    2: Return1 { src: s3 }
