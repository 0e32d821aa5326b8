;; Sleeps in the host: `poll_oneoff` with one relative clock subscription
;; of 10^18 ns (about 31 years). Only a deadline watched by the host while
;; it waits (`-W timeout=`) can stop it.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; The subscription at 0: userdata 0, tag 0 (clock), clock id 1
  ;; (monotonic) at 16, timeout at 24, precision 0, flags 0 (relative).
  (data (i32.const 16) "\01\00\00\00")
  (data (i32.const 24) "\00\00\64\a7\b3\b6\e0\0d")
  (func (export "_start")
    ;; The event goes to 64, the count to 128.
    (drop (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))
