;; A right shift by a constant feeding an `i32.xor` is one instruction:
;; `I32XorShrUImm` on a slot, and `I32XorShrUAccImm` on the value the
;; instruction before computed. The xorshift `x ^ (x >> k)` of a hash
;; finalizer (`h ^= h >> 16; h *= k1; h ^= h >> 15; h *= k2; h ^= h >> 16`:
;; eight dispatches before, three now, as a multiply by a constant and the
;; xorshift of its product are one `I32MulXorShrUAccImm`), a shift of another value (function
;; 1), and a table-driven CRC step `table[(crc ^ b) & 0xff] ^ (crc >> 8)`
;; (function 4), whose table load also does the index's `i32.shl`
;; (`I32LoadShlAcc`): six dispatches a byte before, four now. Rotations
;; fuse the same way (`I32XorRotlImm`, a rotation right as the rotation
;; left it is): SHA-256's `rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)` (function
;; 5) in three dispatches instead of five. A signed shift, and a shift
;; whose result is also kept, stay apart.
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
    (i32.add (i32.xor (local.get $a) (local.tee $s (i32.shr_u (local.get $a) (i32.const 3)))) (local.get $s)))
  (memory 1)
  (func (param $crc i32) (param $p i32) (result i32)
    (i32.xor
      (i32.load offset=1024
        (i32.shl (i32.and (i32.xor (local.get $crc) (i32.load8_u (local.get $p))) (i32.const 255)) (i32.const 2)))
      (i32.shr_u (local.get $crc) (i32.const 8))))
  (func (param $a i32) (result i32)
    (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
      (i32.rotl (local.get $a) (i32.const 10)))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=1 consts=[] frame=9
;;    0: I32XorShrUImm { dst: s0, src: s0, rhs: s0, imm: 16 }
;;    1: I32MulXorShrUAccImm { dst: s0, rhs: s0, mul: 2146121005, shift: 15 }
;;    2: I32MulXorShrUAccImm { dst: s0, rhs: s0, mul: -2073254261, shift: 16 }
;;    3: Return1 { src: s0 }
;;
;; function 1:
;; params=2 locals=2 consts=[] frame=6
;;    0: I32XorShrUImm { dst: s3, src: s1, rhs: s0, imm: 3 }
;;    1: Return1 { src: s3 }
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
;;
;; function 4:
;; params=2 locals=2 consts=[] frame=8
;;    0: I32Load8U(Load { dst: acc, addr: s1, offset: 0 })
;;    1: I32XorAcc(AccBinOp { dst: acc, rhs: s0 })
;;    2: I32AndAccImm(AccBinOpImm { dst: acc, imm: 255 })
;;    3: I32LoadShlAcc { dst: s5, shift: 2, offset: 1024 }
;;    4: I32XorShrUImm { dst: s5, src: s0, rhs: s5, imm: 8 }
;;    5: Return1 { src: s5 }
;;
;; function 5:
;; params=1 locals=1 consts=[] frame=7
;;    0: I32RotrImm(BinOpImm { dst: s4, lhs: s0, imm: 2 })
;;    1: I32XorRotlImm { dst: s4, src: s0, rhs: s4, imm: 19 }
;;    2: I32XorRotlImm { dst: s4, src: s0, rhs: s4, imm: 10 }
;;    3: Return1 { src: s4 }
