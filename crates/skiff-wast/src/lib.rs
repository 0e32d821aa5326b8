//! Runs WebAssembly spec test scripts (`.wast`) against skiff.
//!
//! Every directive of the core spec scripts is handled: modules (binary,
//! text, quoted, named, definitions and instances), `register`, `invoke`,
//! `get`, `assert_return` (with NaN patterns), `assert_trap`,
//! `assert_exhaustion`, `assert_exception`, `assert_invalid`, `assert_malformed`,
//! `assert_unlinkable` and module-level traps (`assert_uninstantiable`).
//! For `assert_invalid` and `assert_malformed` what counts is that the module
//! is rejected; trap messages must contain the spec's text.

mod spectest;

use anyhow::{Context, Result, anyhow, bail};
use skiff::{Config, Engine, Extern, Instance, Linker, Module, Store, ThrownException, Trap, Val};
use std::collections::HashMap;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// The outcome of one script.
#[derive(Debug, Default)]
pub struct ScriptReport {
    pub passed: usize,
    pub failed: usize,
    /// One line per failed directive: `line:col: what went wrong`.
    pub failures: Vec<String>,
}

/// Runs the script `text` (named `name` in messages) under `config`.
/// Fails only if the script cannot be parsed; failed directives are counted.
pub fn run_script(config: &Config, name: &str, text: &str) -> Result<ScriptReport> {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = ParseBuffer::new_with_lexer(lexer).map_err(|e| with_name(e, name, text))?;
    let wast = parser::parse::<Wast>(&buf).map_err(|e| with_name(e, name, text))?;
    let mut runner = Runner::new(config)?;
    let mut report = ScriptReport::default();
    for directive in wast.directives {
        let (line, col) = directive.span().linecol_in(text);
        match runner.run(directive) {
            Ok(()) => report.passed += 1,
            Err(e) => {
                report.failed += 1;
                report.failures.push(format!("{name}:{}:{}: {e:#}", line + 1, col + 1));
            }
        }
    }
    Ok(report)
}

fn with_name(mut e: wast::Error, name: &str, text: &str) -> anyhow::Error {
    e.set_path(name.as_ref());
    e.set_text(text);
    anyhow!(e)
}

struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    /// Named instances (`$id`) and the most recent one.
    instances: HashMap<String, Instance>,
    current: Option<Instance>,
    /// Named module definitions, for `module instance`.
    definitions: HashMap<String, Module>,
}

impl Runner {
    fn new(config: &Config) -> Result<Runner> {
        let engine = Engine::new(config)?;
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker.allow_shadowing(true);
        spectest::define(&mut linker, &mut store)?;
        Ok(Runner { engine, store, linker, instances: HashMap::new(), current: None, definitions: HashMap::new() })
    }

    fn run(&mut self, directive: WastDirective<'_>) -> Result<()> {
        match directive {
            WastDirective::Module(mut module) => {
                let name = module_name(&module);
                let module = self.compile(&mut module)?;
                let instance = self.linker.instantiate(&mut self.store, &module)?;
                self.current = Some(instance);
                if let Some(name) = name {
                    self.instances.insert(name, instance);
                }
            }
            WastDirective::ModuleDefinition(mut module) => {
                let name = module_name(&module);
                let module = self.compile(&mut module)?;
                if let Some(name) = name {
                    self.definitions.insert(name, module);
                }
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let module = module.context("module instance without a module name")?;
                let def = self.definitions.get(module.name()).context("unknown module definition")?.clone();
                let inst = self.linker.instantiate(&mut self.store, &def)?;
                self.current = Some(inst);
                if let Some(name) = instance {
                    self.instances.insert(name.name().to_string(), inst);
                }
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module.map(|m| m.name()))?;
                self.linker.instance(&mut self.store, name, instance)?;
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(&invoke)?;
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = self.execute(exec)?;
                if actual.len() != results.len() {
                    bail!("expected {} results, got {}", results.len(), actual.len());
                }
                for (i, (got, want)) in actual.iter().zip(&results).enumerate() {
                    let WastRet::Core(want) = want else { bail!("component values are not supported") };
                    if !self.matches(got, want)? {
                        bail!("result {i}: expected {want:?}, got {got:?}");
                    }
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(values) => bail!("expected a trap ({message}), got {values:?}"),
                Err(e) => check_trap(&e, message)?,
            },
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(values) => bail!("expected an uncaught exception, got {values:?}"),
                Err(e) if e.downcast_ref::<ThrownException>().is_some() => {
                    if self.store.take_pending_exception().is_none() {
                        bail!("the call failed with an exception, but the store holds none");
                    }
                }
                Err(e) => bail!("expected an uncaught exception, got the error: {e:#}"),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(values) => bail!("expected exhaustion ({message}), got {values:?}"),
                Err(e) => match e.downcast_ref::<Trap>() {
                    Some(Trap::StackOverflow) => {}
                    _ => bail!("expected stack exhaustion, got: {e:#}"),
                },
            },
            WastDirective::AssertInvalid { mut module, message, .. }
            | WastDirective::AssertMalformed { mut module, message, .. } => {
                if let QuoteWat::QuoteComponent(..) = module {
                    return Ok(());
                }
                if self.compile(&mut module).is_ok() {
                    bail!("expected the module to be rejected ({message}), but it compiled");
                }
            }
            WastDirective::AssertUnlinkable { mut module, message, .. } => {
                let bytes = module.encode()?;
                let module = Module::new(&self.engine, bytes)?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => bail!("expected a link error ({message}), but instantiation succeeded"),
                    Err(e) if e.downcast_ref::<Trap>().is_some() => {
                        bail!("expected a link error ({message}), got a trap: {e:#}")
                    }
                    Err(_) => {}
                }
            }
            other => bail!("unsupported directive {:?}", std::mem::discriminant(&other)),
        }
        Ok(())
    }

    fn compile(&self, module: &mut QuoteWat<'_>) -> Result<Module> {
        let bytes = module.encode()?;
        Module::new(&self.engine, bytes)
    }

    fn instance(&self, name: Option<&str>) -> Result<Instance> {
        match name {
            Some(name) => self.instances.get(name).copied().with_context(|| format!("unknown module `{name}`")),
            None => self.current.context("no module instantiated yet"),
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Val>> {
        let instance = self.instance(invoke.module.map(|m| m.name()))?;
        let func = instance
            .get_func(&mut self.store, invoke.name)
            .with_context(|| format!("no function export `{}`", invoke.name))?;
        let args = invoke.args.iter().map(|a| self.arg(a)).collect::<Result<Vec<_>>>()?;
        let mut results = vec![Val::I32(0); func.ty(&self.store).results().len()];
        func.call(&mut self.store, &args, &mut results)?;
        Ok(results)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Wat(mut wat) => {
                let module = Module::new(&self.engine, wat.encode()?)?;
                self.linker.instantiate(&mut self.store, &module)?;
                Ok(Vec::new())
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module.map(|m| m.name()))?;
                match instance.get_export(&mut self.store, global) {
                    Some(Extern::Global(g)) => Ok(vec![g.get(&self.store)]),
                    _ => bail!("no global export `{global}`"),
                }
            }
        }
    }

    fn arg(&mut self, arg: &WastArg<'_>) -> Result<Val> {
        let WastArg::Core(arg) = arg else { bail!("component values are not supported") };
        Ok(match arg {
            WastArgCore::I32(v) => Val::I32(*v),
            WastArgCore::I64(v) => Val::I64(*v),
            WastArgCore::F32(v) => Val::F32(v.bits),
            WastArgCore::F64(v) => Val::F64(v.bits),
            WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes()).into()),
            WastArgCore::RefNull(wast::core::HeapType::Abstract {
                ty: wast::core::AbstractHeapType::Extern, ..
            }) => Val::ExternRef(None),
            WastArgCore::RefNull(wast::core::HeapType::Abstract {
                ty: wast::core::AbstractHeapType::Exn | wast::core::AbstractHeapType::NoExn,
                ..
            }) => Val::ExnRef(None),
            WastArgCore::RefNull(_) => Val::FuncRef(None),
            WastArgCore::RefExtern(n) => Val::ExternRef(Some(skiff::ExternRef::new(&mut self.store, *n)?)),
            other => bail!("unsupported argument {other:?}"),
        })
    }

    fn matches(&self, got: &Val, want: &WastRetCore<'_>) -> Result<bool> {
        Ok(match (got, want) {
            (Val::I32(a), WastRetCore::I32(b)) => a == b,
            (Val::I64(a), WastRetCore::I64(b)) => a == b,
            (Val::F32(a), WastRetCore::F32(p)) => f32_matches(*a, p),
            (Val::F64(a), WastRetCore::F64(p)) => f64_matches(*a, p),
            (Val::V128(v), WastRetCore::V128(pattern)) => v128_matches(v.as_u128(), pattern),
            (Val::FuncRef(f), WastRetCore::RefNull(_)) => f.is_none(),
            (Val::ExternRef(e), WastRetCore::RefNull(_)) => e.is_none(),
            (Val::ExnRef(e), WastRetCore::RefNull(_)) => e.is_none(),
            (Val::FuncRef(f), WastRetCore::RefFunc(_)) => f.is_some(),
            (Val::ExternRef(Some(e)), WastRetCore::RefExtern(n)) => match n {
                None => true,
                Some(n) => e.data(&self.store)?.downcast_ref::<u32>() == Some(n),
            },
            (_, WastRetCore::Either(options)) => {
                for option in options {
                    if self.matches(got, option)? {
                        return Ok(true);
                    }
                }
                false
            }
            _ => false,
        })
    }
}

fn f32_matches(bits: u32, pattern: &NanPattern<wast::token::F32>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, pattern: &NanPattern<wast::token::F64>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

/// Whether the `v128` `bits` (lane 0 in the low bits) matches a lane
/// pattern: exact integer lanes, float lanes with per-lane NaN patterns.
fn v128_matches(bits: u128, pattern: &V128Pattern) -> bool {
    let bytes = bits.to_le_bytes();
    match pattern {
        V128Pattern::I8x16(lanes) => lanes.iter().enumerate().all(|(i, &l)| bytes[i] as i8 == l),
        V128Pattern::I16x8(lanes) => {
            lanes.iter().enumerate().all(|(i, &l)| i16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]) == l)
        }
        V128Pattern::I32x4(lanes) => lanes.iter().enumerate().all(|(i, &l)| (bits >> (32 * i)) as u32 as i32 == l),
        V128Pattern::I64x2(lanes) => lanes.iter().enumerate().all(|(i, &l)| (bits >> (64 * i)) as u64 as i64 == l),
        V128Pattern::F32x4(lanes) => lanes.iter().enumerate().all(|(i, l)| f32_matches((bits >> (32 * i)) as u32, l)),
        V128Pattern::F64x2(lanes) => lanes.iter().enumerate().all(|(i, l)| f64_matches((bits >> (64 * i)) as u64, l)),
    }
}

fn module_name(module: &QuoteWat<'_>) -> Option<String> {
    match module {
        QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
        _ => None,
    }
}

/// Checks that `error` is a trap whose message contains the spec's text.
fn check_trap(error: &anyhow::Error, expected: &str) -> Result<()> {
    let Some(trap) = error.downcast_ref::<Trap>() else {
        bail!("expected a trap ({expected}), got the error: {error:#}");
    };
    // Some scripts add the failing index (`uninitialized element 2`); the
    // engine's messages name the condition only.
    let condition = expected.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    if !trap.message().contains(condition) {
        bail!("expected trap `{expected}`, got `{}`", trap.message());
    }
    Ok(())
}
