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
