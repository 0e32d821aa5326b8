//! Constant expressions: global initializers, segment offsets and element
//! items, decoded once at load and evaluated at instantiation.

use anyhow::{Result, bail};
use wasmparser::Operator;

/// One operation of a constant expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ConstOp {
    /// Pushes raw cell bits (an `i32`, `i64`, `f32` or `f64` constant).
    Const(u64),
    /// Pushes a `v128` constant.
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A validated constant expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConstExpr {
    ops: Vec<ConstOp>,
}

impl ConstExpr {
    pub fn parse(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            ops.push(match reader.read()? {
                Operator::I32Const { value } => ConstOp::Const(value as u32 as u64),
                Operator::I64Const { value } => ConstOp::Const(value as u64),
                Operator::F32Const { value } => ConstOp::Const(value.bits() as u64),
                Operator::F64Const { value } => ConstOp::Const(value.bits()),
                Operator::RefNull { .. } => ConstOp::RefNull,
                Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                Operator::I32Add => ConstOp::I32Add,
                Operator::I32Sub => ConstOp::I32Sub,
                Operator::I32Mul => ConstOp::I32Mul,
                Operator::I64Add => ConstOp::I64Add,
                Operator::I64Sub => ConstOp::I64Sub,
                Operator::I64Mul => ConstOp::I64Mul,
                Operator::End => break,
                Operator::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
                other => bail!("constant expression operator {other:?} is not supported yet"),
            });
        }
        Ok(ConstExpr { ops })
    }

    pub fn ref_func(index: u32) -> ConstExpr {
        ConstExpr { ops: vec![ConstOp::RefFunc(index)] }
    }

    /// Evaluates the expression to its bits: a cell, or a whole `v128`;
    /// `global` reads a global of the instance being built (its bits) and
    /// `func_ref` makes a function reference cell.
    pub fn eval(&self, global: impl Fn(u32) -> u128, func_ref: impl Fn(u32) -> u64) -> u128 {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &self.ops {
            let value = match *op {
                ConstOp::Const(bits) => u128::from(bits),
                ConstOp::V128(bits) => bits,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => u128::from(func_ref(f)),
                ConstOp::GlobalGet(g) => global(g),
                binop => {
                    let b = stack.pop().expect("validated") as u64;
                    let a = stack.pop().expect("validated") as u64;
                    u128::from(match binop {
                        ConstOp::I32Add => (a as u32).wrapping_add(b as u32) as u64,
                        ConstOp::I32Sub => (a as u32).wrapping_sub(b as u32) as u64,
                        ConstOp::I32Mul => (a as u32).wrapping_mul(b as u32) as u64,
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        ConstOp::I64Mul => a.wrapping_mul(b),
                        _ => unreachable!(),
                    })
                }
            };
            stack.push(value);
        }
        stack.pop().expect("validated constant expressions produce a value")
    }

    /// Evaluates an expression of a one-cell type (an offset, a reference).
    pub fn eval_cell(&self, global: impl Fn(u32) -> u128, func_ref: impl Fn(u32) -> u64) -> u64 {
        self.eval(global, func_ref) as u64
    }
}
