;; Never returns and never calls out: only an interruption can stop it.
(module
  (func (export "_start")
    (loop $l (br $l))))
