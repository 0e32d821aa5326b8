;; `call_ref` reads the callee from a slot and places arguments like any
;; call. `br_on_null` and `br_on_non_null` test the whole reference cell
;; (null is 0); a branch that carries values copies them on the taken path
;; only, behind a branch with the opposite test. `ref.as_non_null` only
;; checks: the reference stays in its slot.
(module
  (type $unop (func (param i32) (result i32)))
  (func $call (param $f (ref null $unop)) (param $x i32) (result i32)
    (call_ref $unop (local.get $x) (ref.as_non_null (local.get $f))))
  (func $or_zero (param $f (ref null $unop)) (param $x i32) (result i32)
    (block $null
      (return (call_ref $unop (local.get $x) (br_on_null $null (local.get $f)))))
    (i32.const 0))
  (func $carry (param $f (ref null $unop)) (param $x i32) (result i32)
    (block $has (result i32 (ref $unop))
      (i32.add (local.get $x) (i32.const 1))
      (br_on_non_null $has (local.get $f))
      (return))
    (return_call_ref $unop)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=2 consts=[] frame=4
;;    0: RefAsNonNull { src: s0 }
;;    1: Copy { dst: s2, src: s1 }
;;    2: CallRef { func: s0, base: s2 }
;;    3: Return1 { src: s2 }
;;
;; function 1:
;; params=2 locals=2 consts=[0] frame=5
;;    0: BrIfNull { cond: s0, offset: 4 }
;;    1: Copy { dst: s3, src: s1 }
;;    2: CallRef { func: s0, base: s3 }
;;    3: Return1 { src: s3 }
;;    4: Return1 { src: s2 }
;;
;; function 2:
;; params=2 locals=2 consts=[] frame=5
;;    0: I32AddImm(BinOpImm { dst: s3, lhs: s1, imm: 1 })
;;    1: BrIfNull { cond: s0, offset: 3 }
;;    2: Copy { dst: s4, src: s0 }
;;    3: Br { offset: 2 }
;;    4: Return1 { src: s3 }
;;    5: ReturnCallRef { func: s4, base: s3 }
