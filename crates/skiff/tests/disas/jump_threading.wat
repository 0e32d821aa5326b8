;; Jump threading: the `then` arm of an `if` that ends the function returns
;; directly instead of branching to the return, and a branch to a branch
;; goes straight to the final target. `br_table` entries stay branches.
;; A `br` back to a loop whose header exits to right after that `br` (a
;; `while` loop) becomes the header's test negated (loop inversion), unless
;; the header tests the accumulator or a float (no exact negation).
(module
  (func $fib (param i32) (result i64)
    (if (result i64) (i32.lt_u (local.get 0) (i32.const 2))
      (then (i64.extend_i32_u (local.get 0)))
      (else (i64.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (param i32) (result i32)
    (block $a
      (block $b
        (br_table $a $b 1 (local.get 0)))
      (return (i32.const 7)))
    (i32.const 9))
  (func (param i32) (result i32) (local i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br $l)))
    (local.get 1))
  (func (param f64) (result f64)
    (block $done
      (loop $l
        (br_if $done (f64.lt (local.get 0) (f64.const 1)))
        (local.set 0 (f64.mul (local.get 0) (f64.const 0.5)))
        (br $l)))
    (local.get 0)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=1 consts=[] frame=7
;;    0: BrIfI32GeUImm(CmpBranchImm { lhs: s0, imm: 2, offset: 3 })
;;    1: Copy { dst: s4, src: s0 }
;;    2: Return1 { src: s4 }
;;    3: I32SubImm(BinOpImm { dst: s4, lhs: s0, imm: 1 })
;;    4: CallInternal { func: 0, base: s4 }
;;    5: I32SubImm(BinOpImm { dst: s5, lhs: s0, imm: 2 })
;;    6: CallInternal { func: 0, base: s5 }
;;    7: I64Add(BinOp { dst: s4, lhs: s4, rhs: s5 })
;;    8: Return1 { src: s4 }
;;
;; function 1:
;; params=1 locals=1 consts=[7, 9] frame=4
;;    0: BrTable { index: s0, len: 2 }
;;    1: Br { offset: 4 }
;;    2: Br { offset: 2 }
;;    3: Br { offset: 2 }
;;    4: Return1 { src: s1 }
;;    5: Return1 { src: s2 }
;;
;; function 2:
;; params=1 locals=2 consts=[] frame=5
;;    0: BrIfI32GeU(CmpBranch { lhs: s1, rhs: s0, offset: 3 })
;;    1: I32AddImmBrIfLtU(StepBranch { slot: s1, step: 3, rhs: s0, offset: 0 })
;;    2: BrIfI32LtU(CmpBranch { lhs: s1, rhs: s0, offset: -1 })
;;    3: Return1 { src: s1 }
;;
;; function 3:
;; params=1 locals=1 consts=[4607182418800017408, 4602678819172646912] frame=5
;;    0: BrIfF64Lt(CmpBranch { lhs: s0, rhs: s1, offset: 3 })
;;    1: F64Mul(BinOp { dst: s0, lhs: s0, rhs: s2 })
;;    2: Br { offset: -2 }
;;    3: Return1 { src: s0 }
