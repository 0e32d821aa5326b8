;; The `loops` benchmark kernel (benches/kernels/loops.wat): its inner loop
;; is one instruction per wasm operator or fused pair.
;; Nested counting loops with integer arithmetic; returns a checksum.
;; Outer loop runs n times, inner loop runs 1000 times per outer iteration.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32)
    (local $j i32)
    (local $acc i64)
    (local $x i32)
    (local.set $acc (i64.const 0x9e3779b97f4a7c15))
    (local.set $x (i32.const 1))
    (block $outer_done
      (loop $outer
        (br_if $outer_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $inner_done
          (loop $inner
            (br_if $inner_done (i32.ge_u (local.get $j) (i32.const 1000)))
            ;; x = x * 1664525 + 1013904223 + j
            (local.set $x
              (i32.add
                (i32.add (i32.mul (local.get $x) (i32.const 1664525))
                         (i32.const 1013904223))
                (local.get $j)))
            ;; acc = rotl(acc ^ x, 5) + (i ^ (x >> 7))
            (local.set $acc
              (i64.add
                (i64.rotl (i64.xor (local.get $acc) (i64.extend_i32_u (local.get $x)))
                          (i64.const 5))
                (i64.extend_i32_u
                  (i32.xor (local.get $i) (i32.shr_u (local.get $x) (i32.const 7))))))
            ;; occasionally fold in a division to keep the mix varied
            (if (i32.eqz (i32.and (local.get $j) (i32.const 15)))
              (then
                (local.set $acc
                  (i64.sub (local.get $acc)
                           (i64.extend_i32_u
                             (i32.rem_u (local.get $x)
                                        (i32.add (local.get $j) (i32.const 7))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $acc)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=5 consts=[11400714819323198485, 15] frame=21
;;    0: Copy { dst: s3, src: s5 }
;;    1: CopyImm32 { dst: s4, bits: 1 }
;;    2: BrIfI32GeU(CmpBranch { lhs: s1, rhs: s0, offset: 17 })
;;    3: CopyImm32 { dst: s2, bits: 0 }
;;    4: BrIfI32GeUImm(CmpBranchImm { lhs: s2, imm: 1000, offset: 13 })
;;    5: I32MulAddImm { dst: acc, lhs: s4, mul: 1664525, add: 1013904223 }
;;    6: I32AddAcc(AccBinOp { dst: s4, rhs: s2 })
;;    7: I64XorAcc(AccBinOp { dst: acc, rhs: s3 })
;;    8: I64RotlAccImm(AccBinOpImm { dst: s17, imm: 5 })
;;    9: I32XorShrUImm { dst: acc, src: s4, rhs: s1, imm: 7 }
;;   10: I64AddAcc(AccBinOp { dst: s3, rhs: s17 })
;;   11: BrIfI32AndNez(CmpBranch { lhs: s2, rhs: s6, offset: 4 })
;;   12: I32AddImm(BinOpImm { dst: s19, lhs: s2, imm: 7 })
;;   13: I32RemU(BinOp { dst: s18, lhs: s4, rhs: s19 })
;;   14: I64Sub(BinOp { dst: s3, lhs: s3, rhs: s18 })
;;   15: I32AddImmBrIfLtUImm(StepBranchImm { slot: s2, step: 1, imm: 1000, offset: -10 })
;;   16: BrIfI32LtUImm(CmpBranchImm { lhs: s2, imm: 1000, offset: -11 })
;;   17: I32AddImmBrIfLtU(StepBranch { slot: s1, step: 1, rhs: s0, offset: -14 })
;;   18: BrIfI32LtU(CmpBranch { lhs: s1, rhs: s0, offset: -15 })
;;   19: Return1 { src: s3 }
