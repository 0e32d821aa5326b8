;; A comparison feeding br_if or if fuses into one compare-and-branch; an
;; i32.eqz in between flips the branch instead of costing an instruction.
(module
  (func (param i32) (result i32) (local i32)
    (block
      (loop
        (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
        (if (i32.eqz (i32.and (local.get 1) (i32.const 1)))
          (then (local.set 1 (i32.add (local.get 1) (i32.const 3)))))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br 0)))
    (local.get 1))
  ;; A float comparison fuses only into a branch taken when it holds: its
  ;; negation is not the opposite comparison (NaN makes both false).
  (func (param f64 f64) (result i32)
    (block (br_if 0 (f64.le (f64.add (local.get 0) (local.get 0)) (local.get 1))) (return (i32.const 0)))
    (block (br_if 0 (i32.eqz (f64.lt (local.get 0) (local.get 1)))) (return (i32.const 1)))
    (i32.const 2)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=2 consts=[1] frame=7
;;    0: BrIfI32GeU(CmpBranch { lhs: s1, rhs: s0, offset: 5 })
;;    1: BrIfI32AndNez(CmpBranch { lhs: s1, rhs: s2, offset: 2 })
;;    2: I32AddImm(BinOpImm { dst: s1, lhs: s1, imm: 3 })
;;    3: I32AddImmBrIfLtU(StepBranch { slot: s1, step: 1, rhs: s0, offset: -2 })
;;    4: BrIfI32LtU(CmpBranch { lhs: s1, rhs: s0, offset: -3 })
;;    5: Return1 { src: s1 }
;;
;; function 1:
;; params=2 locals=2 consts=[0, 1, 2] frame=7
;;    0: F64Add(BinOp { dst: acc, lhs: s0, rhs: s0 })
;;    1: BrIfF64LeAcc(AccCmpBranch { rhs: s1, offset: 2 })
;;    2: Return1 { src: s2 }
;;    3: F64Lt(BinOp { dst: acc, lhs: s0, rhs: s1 })
;;    4: BrIfEqzAcc { offset: 2 }
;;    5: Return1 { src: s3 }
;;    6: Return1 { src: s4 }
