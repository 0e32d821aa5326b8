;; Call arguments are placed in consecutive temporaries, which become the
;; callee's first slots; multi-value results come back in the same place.
(module
  (func $pair (param i32) (result i32 i32) (local.get 0) (i32.const 1))
  (func (param i32) (result i32)
    (call $pair (local.get 0))
    (i32.add)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=1 consts=[1] frame=4
;;    0: Copy2 { a: s2, src_a: s0, b: s3, src_b: s1 }
;;    1: ReturnSpan { src: s2, len: 2 }
;;
;; function 1:
;; params=1 locals=1 consts=[] frame=3
;;    0: Copy { dst: s1, src: s0 }
;;    1: CallInternal { func: 0, base: s1 }
;;    2: I32Add(BinOp { dst: s1, lhs: s1, rhs: s2 })
;;    3: Return1 { src: s1 }
