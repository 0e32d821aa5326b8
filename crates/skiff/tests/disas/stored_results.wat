;; An operator whose result only a store of the same width reads stores it
;; itself (`…Store`): `a[i] = x op y` is one instruction, with the left
;; operand from the accumulator (`…AccStore`) or a constant right operand
;; (`…ImmStore`) as the operator alone would have. A result that is also
;; kept in a local, a narrower store, and an operator without such a form
;; leave the store on its own.
(module
  (memory 1)
  (func (param i32 f64 f64)
    (f64.store offset=8 (local.get 0) (f64.sub (local.get 1) (local.get 2))))
  (func (param i32 f64 f64)
    (f64.store (local.get 0) (f64.add (f64.mul (local.get 1) (local.get 2)) (local.get 1))))
  (func (param i32 i64)
    (i64.store (local.get 0) (i64.add (local.get 1) (i64.const 1))))
  (func (param i32 i32)
    (i32.store offset=4 (local.get 0) (i32.and (i32.xor (local.get 1) (local.get 0)) (i32.const 255))))
  (func (param i32 i32) (local i32)
    (i32.store (local.get 0) (local.tee 2 (i32.add (local.get 1) (local.get 0)))))
  (func (param i32 i32)
    (i32.store8 (local.get 0) (i32.add (local.get 1) (local.get 0))))
  (func (param i32 i32)
    (i32.store (local.get 0) (i32.div_u (local.get 1) (local.get 0)))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=3 locals=3 consts=[] frame=6
;;    0: F64SubStore(Stored { op: BinOp { dst: s0, lhs: s1, rhs: s2 }, offset: 8 })
;;    1: Return0
;;
;; function 1:
;; params=3 locals=3 consts=[] frame=6
;;    0: F64Mul(BinOp { dst: acc, lhs: s1, rhs: s2 })
;;    1: F64AddAccStore(Stored { op: AccBinOp { dst: s0, rhs: s1 }, offset: 0 })
;;    2: Return0
;;
;; function 2:
;; params=2 locals=2 consts=[] frame=6
;;    0: I64AddImmStore(Stored { op: BinOpImm { dst: s0, lhs: s1, imm: 1 }, offset: 0 })
;;    1: Return0
;;
;; function 3:
;; params=2 locals=2 consts=[] frame=6
;;    0: I32Xor(BinOp { dst: acc, lhs: s1, rhs: s0 })
;;    1: I32AndAccImmStore(Stored { op: AccBinOpImm { dst: s0, imm: 255 }, offset: 4 })
;;    2: Return0
;;
;; function 4:
;; params=2 locals=3 consts=[] frame=6
;;    0: I32Add(BinOp { dst: s2, lhs: s1, rhs: s0 })
;;    1: I32Store(Store { addr: s0, value: s2, offset: 0 })
;;    2: Return0
;;
;; function 5:
;; params=2 locals=2 consts=[] frame=5
;;    0: I32Add(BinOp { dst: s3, lhs: s1, rhs: s0 })
;;    1: I32Store8(Store { addr: s0, value: s3, offset: 0 })
;;    2: Return0
;;
;; function 6:
;; params=2 locals=2 consts=[] frame=5
;;    0: I32DivU(BinOp { dst: s3, lhs: s1, rhs: s0 })
;;    1: I32Store(Store { addr: s0, value: s3, offset: 0 })
;;    2: Return0
