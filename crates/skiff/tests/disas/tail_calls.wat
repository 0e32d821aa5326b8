;; A tail call evaluates its arguments into consecutive temporaries, like a
;; call; the executor then moves them down to the frame base and the callee
;; replaces the running function. Nothing follows it: it is a return.
(module
  (type $pred (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32) (result i32)))
  (table 1 funcref)
  (func $count (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $count
        (i32.sub (local.get $n) (i32.const 1))
        (i32.add (local.get $acc) (i32.const 2))))))
  (func (param i32) (result i32)
    (return_call $host (local.get 0)))
  (func (param i32) (result i32)
    (return_call_indirect (type $pred) (local.get 0) (i32.const 0))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 1:
;; params=2 locals=2 consts=[] frame=7
;;    0: BrIfNez { cond: s0, offset: 3 }
;;    1: Copy { dst: s4, src: s1 }
;;    2: Return1 { src: s4 }
;;    3: I32SubImm(BinOpImm { dst: s4, lhs: s0, imm: 1 })
;;    4: I32AddImm(BinOpImm { dst: s5, lhs: s1, imm: 2 })
;;    5: ReturnCallInternal { func: 0, base: s4 }
;;    6: Return1 { src: s4 }
;;
;; function 2:
;; params=1 locals=1 consts=[] frame=2
;;    0: Copy { dst: s1, src: s0 }
;;    1: ReturnCall { func: 0, base: s1 }
;;
;; function 3:
;; params=1 locals=1 consts=[0] frame=4
;;    0: Copy { dst: s2, src: s0 }
;;    1: ReturnCallIndirect { table: 0, index: s1, base: s2 }
;;    2: CallIndirectSig { sig: SigId(0) }
