;; Counts down from its argument-free constant in a loop with no calls: long
;; enough to outlast a small fuel budget, short enough to finish without one.
(module
  (func (export "_start")
    (local $i i32)
    (local.set $i (i32.const 1000000))
    (loop $l
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $l (local.get $i)))))
