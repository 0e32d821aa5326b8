;; `x ^ (x >> k)` is one instruction: `I32XorShrUImm` on a slot, and
;; `I32XorShrUAccImm` on the value the instruction before computed (a hash
;; finalizer: `h ^= h >> 16; h *= k1; h ^= h >> 15; h *= k2; h ^= h >> 16`,
;; eight dispatches before, five now). A shift of another value, a signed
;; shift, and a shift whose result is also kept stay apart.
(module
  (func (param $h i32) (result i32)
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x7feb352d)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x846ca68b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.get $h))
  (func (param $a i32) (param $b i32) (result i32)
    (i32.xor (local.get $a) (i32.shr_u (local.get $b) (i32.const 3))))
  (func (param $a i32) (result i32)
    (i32.xor (local.get $a) (i32.shr_s (local.get $a) (i32.const 3))))
  (func (param $a i32) (result i32) (local $s i32)
    (i32.add (i32.xor (local.get $a) (local.tee $s (i32.shr_u (local.get $a) (i32.const 3)))) (local.get $s))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=1 consts=[] frame=9
;;    0: I32XorShrUImm { dst: s0, src: s0, imm: 16 }
;;    1: I32MulAccImm(AccBinOpImm { dst: s0, imm: 2146121005 })
;;    2: I32XorShrUAccImm { dst: s0, imm: 15 }
;;    3: I32MulAccImm(AccBinOpImm { dst: s0, imm: -2073254261 })
;;    4: I32XorShrUAccImm { dst: s0, imm: 16 }
;;    5: Return1 { src: s0 }
;;
;; function 1:
;; params=2 locals=2 consts=[] frame=6
;;    0: I32ShrUImm(BinOpImm { dst: acc, lhs: s1, imm: 3 })
;;    1: I32XorAcc(AccBinOp { dst: s3, rhs: s0 })
;;    2: Return1 { src: s3 }
;;
;; function 2:
;; params=1 locals=1 consts=[] frame=5
;;    0: I32ShrSImm(BinOpImm { dst: acc, lhs: s0, imm: 3 })
;;    1: I32XorAcc(AccBinOp { dst: s2, rhs: s0 })
;;    2: Return1 { src: s2 }
;;
;; function 3:
;; params=1 locals=2 consts=[] frame=6
;;    0: I32ShrUImm(BinOpImm { dst: s1, lhs: s0, imm: 3 })
;;    1: I32XorAcc(AccBinOp { dst: acc, rhs: s0 })
;;    2: I32AddAcc(AccBinOp { dst: s3, rhs: s1 })
;;    3: Return1 { src: s3 }
