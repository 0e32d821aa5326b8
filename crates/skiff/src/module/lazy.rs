//! Function bodies kept for translation on first call
//! ([`CompilationMode::LazyTranslation`] and [`CompilationMode::Lazy`]).
//!
//! A lazily compiled module keeps a copy of its code section and where each
//! body lies in it. Each defined function's code slot (`ModuleInner::code`)
//! is a `OnceLock` that the first call fills: the interpreter's call
//! handlers test it, and only an empty slot takes the out-of-line path into
//! [`ModuleInner::compiled`] (see ARCHITECTURE.md for why this design).
//!
//! [`CompilationMode::LazyTranslation`]: crate::CompilationMode::LazyTranslation
//! [`CompilationMode::Lazy`]: crate::CompilationMode::Lazy

use super::ModuleInner;
use crate::interp::translate::{CompiledFunc, FuncTranslator};
use anyhow::{Context, Result};
use std::ops::Range;
use wasmparser::{BinaryReader, FuncToValidate, FunctionBody, ValidatorResources, WasmFeatures};

/// The bodies of a module's defined functions, for translation on demand.
pub(crate) struct LazyBodies {
    /// A copy of the code section's contents.
    section: Box<[u8]>,
    /// Where `section` starts in the binary, so errors name binary offsets.
    section_offset: usize,
    /// Each defined function's body, as a range of `section`.
    bodies: Vec<Range<u32>>,
    /// Fully lazy mode: what validating each body at its first call needs.
    deferred_validation: Option<DeferredValidation>,
    features: WasmFeatures,
}

/// The validator's view of the module, kept to validate bodies later.
struct DeferredValidation {
    resources: ValidatorResources,
    /// The validator's type index of each defined function.
    types: Vec<u32>,
}

impl LazyBodies {
    /// Starts recording bodies: `range` is the code section's extent in `binary`.
    pub fn new(binary: &[u8], range: Range<usize>, features: WasmFeatures) -> LazyBodies {
        LazyBodies {
            section: binary[range.clone()].into(),
            section_offset: range.start,
            bodies: Vec::new(),
            deferred_validation: None,
            features,
        }
    }

    /// Records the next defined function's body, and in fully lazy mode what
    /// validating it at first call needs.
    pub fn push(
        &mut self,
        body: &FunctionBody<'_>,
        to_validate: Option<FuncToValidate<ValidatorResources>>,
    ) -> Result<()> {
        let range = body.range();
        let section_end = (self.section_offset + self.section.len()) as u64;
        if range.start < self.section_offset as u64 || range.end > section_end {
            anyhow::bail!("function body at {:#x} lies outside the code section", range.start);
        }
        let start = (range.start as usize - self.section_offset) as u32;
        let end = (range.end as usize - self.section_offset) as u32;
        self.bodies.push(start..end);
        if let Some(f) = to_validate {
            let deferred = self
                .deferred_validation
                .get_or_insert_with(|| DeferredValidation { resources: f.resources.clone(), types: Vec::new() });
            deferred.types.push(f.ty);
        }
        Ok(())
    }

    /// The body of defined function `defined`.
    pub fn body(&self, defined: u32) -> FunctionBody<'_> {
        let range = self.bodies[defined as usize].clone();
        let bytes = &self.section[range.start as usize..range.end as usize];
        let offset = (self.section_offset + range.start as usize) as u64;
        FunctionBody::new(BinaryReader::new_features(bytes, offset, self.features))
    }

    /// Validates (in fully lazy mode) and translates defined function
    /// `defined` of `module`.
    pub fn translate(&self, module: &ModuleInner, defined: u32) -> Result<CompiledFunc> {
        let func_index = module.num_imported_funcs + defined;
        let body = self.body(defined);
        if let Some(deferred) = &self.deferred_validation {
            let to_validate = FuncToValidate {
                resources: deferred.resources.clone(),
                index: func_index,
                ty: deferred.types[defined as usize],
                features: self.features,
            };
            to_validate
                .into_validator(Default::default())
                .validate(&body)
                .with_context(|| format!("function {func_index} is invalid"))?;
        }
        let env = module.translation_env();
        FuncTranslator::new(&env)
            .translate(func_index, &body)
            .with_context(|| format!("failed to translate function {func_index} on its first call"))
    }
}
