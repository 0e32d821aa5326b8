;; Fibonacci numbers, two ways. Try:
;;
;;   cargo run --release -p skiff-cli -- run examples/fib.wat --invoke fib 30
;;   cargo run --release -p skiff-cli -- run examples/fib.wat --invoke fib_iter 90
(module
  ;; fib(n) by naive recursion: exponential time, a good interpreter benchmark.
  (func $fib (export "fib") (param $n i32) (result i64)
    (if (result i64) (i32.lt_s (local.get $n) (i32.const 2))
      (then (i64.extend_i32_s (local.get $n)))
      (else
        (i64.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; fib(n) by iteration: linear time. fib(92) is the largest that fits in an i64.
  (func (export "fib_iter") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a)))
