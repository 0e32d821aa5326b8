;; An operator that loads its left operand (`…Load`) and whose result a
;; store of the same width puts back at the same address and offset is one
;; `…LoadStore`: `a[i] += x` (matmul's `c[i][j] += a[i][k] * b[k][j]`).
;; A store elsewhere (another offset, another address slot), a narrower
;; store, or a result also kept in a local leave the pair apart.
(module
  (memory 1)
  (func (param i32 f64)
    (f64.store (local.get 0) (f64.add (f64.load (local.get 0)) (local.get 1))))
  (func (param i32 i32)
    (i32.store offset=8 (local.get 0) (i32.xor (local.get 1) (i32.load offset=8 (local.get 0)))))
  (func (param i32 i64)
    (i64.store offset=8 (local.get 0) (i64.sub (i64.load (local.get 0)) (local.get 1))))
  (func (param i32 i32 i32)
    (i32.store (local.get 2) (i32.add (i32.load (local.get 0)) (local.get 1))))
  (func (param i32 i32)
    (i32.store8 (local.get 0) (i32.add (i32.load (local.get 0)) (local.get 1))))
  (func (param i32 f32) (result f32) (local f32)
    (f32.store (local.get 0) (local.tee 2 (f32.mul (f32.load (local.get 0)) (local.get 1))))
    (local.get 2)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=2 consts=[] frame=5
;;    0: F64AddLoadStore(LoadStored { rhs: s1, addr: s0, offset: 0 })
;;    1: Return0
;;
;; function 1:
;; params=2 locals=2 consts=[] frame=5
;;    0: I32XorLoadStore(LoadStored { rhs: s1, addr: s0, offset: 8 })
;;    1: Return0
;;
;; function 2:
;; params=2 locals=2 consts=[] frame=5
;;    0: I64SubLoad(Loaded { dst: s3, rhs: s1, addr: s0, offset: 0 })
;;    1: I64Store(Store { addr: s0, value: s3, offset: 8 })
;;    2: Return0
;;
;; function 3:
;; params=3 locals=3 consts=[] frame=6
;;    0: I32AddLoad(Loaded { dst: s4, rhs: s1, addr: s0, offset: 0 })
;;    1: I32Store(Store { addr: s2, value: s4, offset: 0 })
;;    2: Return0
;;
;; function 4:
;; params=2 locals=2 consts=[] frame=5
;;    0: I32AddLoad(Loaded { dst: s3, rhs: s1, addr: s0, offset: 0 })
;;    1: I32Store8(Store { addr: s0, value: s3, offset: 0 })
;;    2: Return0
;;
;; function 5:
;; params=2 locals=3 consts=[] frame=6
;;    0: F32MulLoad(Loaded { dst: s2, rhs: s1, addr: s0, offset: 0 })
;;    1: F32Store(Store { addr: s0, value: s2, offset: 0 })
;;    2: Return1 { src: s2 }
