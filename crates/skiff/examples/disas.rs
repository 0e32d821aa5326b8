//! Prints the interpreter code skiff translates a module into: every defined
//! function, or the ones named (by index or by name-section name).
//!
//! ```text
//! cargo run --release -p skiff --example disas -- module.wasm [FUNC…]
//! ```
//!
//! `SKIFF_FRAME_WINDOW_CELLS=N` shows the code with frame windows past N
//! cells (`Config::frame_window_cells`); `SKIFF_STRATEGY=auto` shows it
//! with tier-up's counting.

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().context("usage: disas MODULE.wasm|.wat [FUNC…]")?;
    let wanted: Vec<String> = args.collect();
    let bytes = std::fs::read(&path).with_context(|| format!("failed to read `{path}`"))?;
    let mut config = skiff::Config::new();
    let strategy = std::env::var("SKIFF_STRATEGY").unwrap_or_else(|_| "interpreter".into());
    config.strategy(strategy.parse().context("SKIFF_STRATEGY")?);
    if let Ok(cells) = std::env::var("SKIFF_FRAME_WINDOW_CELLS") {
        config.frame_window_cells(Some(cells.parse().context("SKIFF_FRAME_WINDOW_CELLS")?));
    }
    let engine = skiff::Engine::new(&config)?;
    let module = skiff::Module::new(&engine, &bytes)?;
    let names = function_names(&bytes);
    for index in 0.. {
        let name = names.get(&index).map(String::as_str);
        let Some(listing) = module.disassemble(index) else {
            // Imports have no code; stop after the last defined function.
            if module.imports().count() as u32 > index {
                continue;
            }
            break;
        };
        let selected = wanted.is_empty()
            || wanted.iter().any(|w| w.parse::<u32>().ok() == Some(index) || Some(w.as_str()) == name);
        if selected {
            println!("function {index} {}:\n{listing}", name.unwrap_or(""));
        }
    }
    Ok(())
}

/// Function names from the name section, when there is one.
fn function_names(bytes: &[u8]) -> std::collections::HashMap<u32, String> {
    let mut names = std::collections::HashMap::new();
    let Ok(wasm) = wat::parse_bytes(bytes) else { return names };
    for payload in wasmparser::Parser::new(0).parse_all(&wasm).flatten() {
        if let wasmparser::Payload::CustomSection(reader) = payload
            && let wasmparser::KnownCustom::Name(section) = reader.as_known()
        {
            for name in section.flatten() {
                if let wasmparser::Name::Function(map) = name {
                    for naming in map.into_iter().flatten() {
                        names.insert(naming.index, naming.name.to_string());
                    }
                }
            }
        }
    }
    names
}
