;; A binary operator whose left operand a plain load just read into a
;; temporary loads it itself (`…Load`): `x op a[i]` is one instruction. A
;; commutative operator with the loaded value on the right takes it the
;; same way; a loaded value also kept in a local, a load that adds a
;; constant to its address (`…LoadAddImm`), and operators without such a
;; form leave the load on its own.
(module
  (memory 1)
  (func (param i32 f64) (result f64)
    (f64.mul (f64.load offset=16 (local.get 0)) (local.get 1)))
  (func (param i32 f64) (result f64)
    (f64.add (local.get 1) (f64.load (local.get 0))))
  (func (param i32 i32) (result i32)
    (i32.sub (i32.load offset=4 (local.get 0)) (local.get 1)))
  (func (param i32 i32) (result i32) (local i32)
    (i32.add (local.tee 2 (i32.load (local.get 0))) (local.get 1)))
  (func (param i32 i64) (result i64)
    (i64.add (i64.load (i32.add (local.get 0) (i32.const 8))) (local.get 1)))
  (func (param i32 f64) (result f64)
    (f64.div (f64.load (local.get 0)) (local.get 1))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=2 consts=[] frame=4
;;    0: F64MulLoad(Loaded { dst: s2, rhs: s1, addr: s0, offset: 16 })
;;    1: Return1 { src: s2 }
;;
;; function 1:
;; params=2 locals=2 consts=[] frame=4
;;    0: F64AddLoad(Loaded { dst: s2, rhs: s1, addr: s0, offset: 0 })
;;    1: Return1 { src: s2 }
;;
;; function 2:
;; params=2 locals=2 consts=[] frame=4
;;    0: I32SubLoad(Loaded { dst: s2, rhs: s1, addr: s0, offset: 4 })
;;    1: Return1 { src: s2 }
;;
;; function 3:
;; params=2 locals=3 consts=[] frame=5
;;    0: I32Load(Load { dst: s2, addr: s0, offset: 0 })
;;    1: I32AddAcc(AccBinOp { dst: s3, rhs: s1 })
;;    2: Return1 { src: s3 }
;;
;; function 4:
;; params=2 locals=2 consts=[] frame=5
;;    0: I64LoadAddImm(AddImmLoad { dst: acc, base: s0, imm: 8 })
;;    1: I64AddAcc(AccBinOp { dst: s3, rhs: s1 })
;;    2: Return1 { src: s3 }
;;
;; function 5:
;; params=2 locals=2 consts=[] frame=4
;;    0: F64Load(Load { dst: acc, addr: s0, offset: 0 })
;;    1: F64DivAcc(AccBinOp { dst: s2, rhs: s1 })
;;    2: Return1 { src: s2 }
