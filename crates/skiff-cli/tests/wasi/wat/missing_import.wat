;; Imports a function no runtime provides.
(module
  (import "env" "skiff_no_such_function" (func (param i32)))
  (func (export "_start")))
