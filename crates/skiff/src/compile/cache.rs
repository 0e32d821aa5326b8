//! The on-disk cache of compiled code ([`Config::cache_dir`]): what a
//! later process needs not compile again.
//!
//! - **Entries.** One file per module and kind: under
//!   `Strategy::Cranelift` the whole module's code ([`Kind::Module`]);
//!   under `Strategy::Auto` the functions that ran hot ([`Kind::Tiered`]),
//!   written when the module is dropped if more got hot than were loaded,
//!   so each run starts compiled where the last ones were hot.
//! - **Keys.** The SHA-256 of the kind, every field of the artifact header
//!   (skiff's build, Cranelift's version, the target, CPU features, every
//!   setting that changes the code) and the module's bytes. The name of an
//!   entry is its key; a module or engine that differs in anything the
//!   code depends on has another key.
//! - **Checking.** An entry starts with a magic, the format, its kind and
//!   key, and the SHA-256 of its body; the body is an artifact whose own
//!   header and offsets are checked again. An entry that fails any check
//!   (truncated, corrupt, foreign) is reported with a warning, deleted and
//!   compiled again, never mapped.
//! - **Processes.** Entries are written to a temporary file and renamed
//!   into place, so a reader sees a whole entry or none; two processes
//!   writing one key leave one of their entries.
//! - **Size.** After each write the cache is trimmed to
//!   [`Config::cache_max_size`], least recently used first (reading an
//!   entry touches its modification time).
//!
//! [`Config::cache_dir`]: crate::Config::cache_dir
//! [`Config::cache_max_size`]: crate::Config::cache_max_size

use crate::engine::{CacheStats, Engine};
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The first bytes of every entry.
const MAGIC: &[u8; 12] = b"\0skiff-cache";
/// The entry layout's version.
const FORMAT: u32 = 1;
/// Magic, format, kind, key, checksum, body length.
const HEADER_LEN: usize = 12 + 4 + 1 + 32 + 32 + 8;
/// Temporary files older than this are a crashed writer's, and removed.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// What an entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A whole module's code (`Strategy::Cranelift`).
    Module = 1,
    /// The functions of a module that ran hot (`Strategy::Auto`).
    Tiered = 2,
}

impl Kind {
    fn extension(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::Tiered => "tiered",
        }
    }
}

/// An entry's identity (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    kind: Kind,
    hash: [u8; 32],
}

impl Key {
    /// The key of `kind` code of module `wasm` for `engine`.
    pub fn new(engine: &Engine, kind: Kind, wasm: &[u8]) -> Result<Key> {
        Key::of_digest(engine, kind, &digest(wasm))
    }

    /// [`Key::new`] from the module's [`digest`]. The header needs the
    /// engine's target, which takes milliseconds to make: tier-up asks
    /// only once something runs hot.
    pub fn of_digest(engine: &Engine, kind: Kind, wasm_digest: &[u8; 32]) -> Result<Key> {
        let mut hasher = Sha256::new();
        hasher.update([kind as u8]);
        for (name, value) in super::artifact::header(engine)? {
            for field in [name, value.as_str()] {
                hasher.update((field.len() as u64).to_le_bytes());
                hasher.update(field);
            }
        }
        hasher.update(wasm_digest);
        Ok(Key { kind, hash: hasher.finalize().into() })
    }

    fn file_name(&self) -> String {
        let hex: String = self.hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("{hex}.{}", self.kind.extension())
    }
}

/// The SHA-256 of a module's bytes.
pub(crate) fn digest(wasm: &[u8]) -> [u8; 32] {
    Sha256::digest(wasm).into()
}

/// An engine's cache: a directory and what it did.
pub(crate) struct Cache {
    dir: PathBuf,
    max_size: u64,
    hits: AtomicU64,
    misses: AtomicU64,
    stored: AtomicU64,
    rejected: AtomicU64,
}

impl Cache {
    /// The cache in `dir` (created if missing), trimmed to `max_size` bytes.
    pub fn open(dir: &Path, max_size: u64) -> Result<Cache> {
        fs::create_dir_all(dir).with_context(|| format!("failed to create the cache directory `{}`", dir.display()))?;
        Ok(Cache {
            dir: dir.to_path_buf(),
            max_size,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stored: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
        })
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
        }
    }

    /// The body of entry `key`, checked; `None` if there is none, or, with
    /// a warning, if it is damaged (it is then deleted).
    pub fn get(&self, key: &Key) -> Option<Vec<u8>> {
        let path = self.dir.join(key.file_name());
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                if error.kind() != std::io::ErrorKind::NotFound {
                    eprintln!("warning: cannot read the cache entry `{}`: {error}", path.display());
                }
                self.misses.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        match check(key, &bytes) {
            Ok(()) => {
                // Recently used: trimmed last.
                if let Ok(file) = fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                self.hits.fetch_add(1, Ordering::Relaxed);
                let mut bytes = bytes;
                bytes.drain(..HEADER_LEN);
                Some(bytes)
            }
            Err(error) => {
                self.reject(key, &format!("{error:#}"));
                None
            }
        }
    }

    /// Deletes entry `key`, whose body turned out unusable, with a warning.
    pub fn reject(&self, key: &Key, reason: &str) {
        let path = self.dir.join(key.file_name());
        eprintln!("warning: ignoring the cache entry `{}` ({reason}); compiling again", path.display());
        self.rejected.fetch_add(1, Ordering::Relaxed);
        self.misses.fetch_add(1, Ordering::Relaxed);
        let _ = fs::remove_file(&path);
    }

    /// Stores `body` as entry `key`, then trims the cache. Failures are
    /// warnings: the cache only saves time.
    pub fn put(&self, key: &Key, body: &[u8]) {
        if let Err(error) = self.write(key, body) {
            eprintln!("warning: cannot write to the cache `{}`: {error:#}", self.dir.display());
            return;
        }
        self.stored.fetch_add(1, Ordering::Relaxed);
        if let Err(error) = self.trim() {
            eprintln!("warning: cannot trim the cache `{}`: {error:#}", self.dir.display());
        }
    }

    fn write(&self, key: &Key, body: &[u8]) -> Result<()> {
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT.to_le_bytes());
        header.push(key.kind as u8);
        header.extend_from_slice(&key.hash);
        header.extend_from_slice(&Sha256::digest(body));
        header.extend_from_slice(&(body.len() as u64).to_le_bytes());
        let name = key.file_name();
        // Unique among processes (pid) and threads of one (the counter).
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let temp =
            self.dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        let result = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(&header)?;
            file.write_all(body)?;
            file.sync_data()?;
            fs::rename(&temp, self.dir.join(&name))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result.with_context(|| format!("entry `{name}`"))
    }

    /// Deletes the least recently used entries until the cache holds at
    /// most `max_size` bytes, and temporary files a crashed writer left.
    fn trim(&self) -> Result<()> {
        let now = SystemTime::now();
        let mut entries = Vec::new();
        let mut total = 0u64;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta.modified().unwrap_or(now);
            if name.ends_with(".tmp") {
                if now.duration_since(modified).is_ok_and(|age| age > STALE_TEMP) {
                    let _ = fs::remove_file(entry.path());
                }
                continue;
            }
            if !(name.ends_with(".module") || name.ends_with(".tiered")) || !meta.is_file() {
                continue;
            }
            total += meta.len();
            entries.push((modified, meta.len(), entry.path()));
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= self.max_size {
                break;
            }
            // Another process may have removed it already.
            let _ = fs::remove_file(path);
            total -= len;
        }
        Ok(())
    }
}

/// Checks entry `bytes` against `key`: magic, format, kind, key, length and
/// checksum.
fn check(key: &Key, bytes: &[u8]) -> Result<()> {
    if bytes.len() < HEADER_LEN {
        bail!("truncated");
    }
    let (header, body) = bytes.split_at(HEADER_LEN);
    if &header[..12] != MAGIC {
        bail!("not a skiff cache entry");
    }
    if header[12..16] != FORMAT.to_le_bytes() {
        bail!("another format");
    }
    if header[16] != key.kind as u8 || header[17..49] != key.hash {
        bail!("another module's entry");
    }
    let len = u64::from_le_bytes(header[81..89].try_into().expect("8 bytes"));
    if len != body.len() as u64 {
        bail!("truncated");
    }
    if header[49..81] != Sha256::digest(body)[..] {
        bail!("corrupt: checksum mismatch");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(max_size: u64) -> (Cache, PathBuf) {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "skiff-cache-unit-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        (Cache::open(&dir, max_size).unwrap(), dir)
    }

    fn key(n: u8) -> Key {
        Key { kind: Kind::Module, hash: [n; 32] }
    }

    #[test]
    fn entries_round_trip_and_damage_is_caught() {
        let (cache, dir) = cache(1 << 20);
        assert!(cache.get(&key(1)).is_none());
        cache.put(&key(1), b"code");
        assert_eq!(cache.get(&key(1)).as_deref(), Some(&b"code"[..]));
        let path = dir.join(key(1).file_name());
        let good = fs::read(&path).unwrap();
        // A flipped bit, a cut, a foreign key, another format: each is
        // rejected and removed.
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        let mut foreign = good.clone();
        foreign[20] ^= 1;
        let mut format = good.clone();
        format[12] = 9;
        for bad in [flipped, good[..good.len() - 1].to_vec(), good[..10].to_vec(), foreign, format] {
            fs::write(&path, bad).unwrap();
            assert!(cache.get(&key(1)).is_none());
            assert!(!path.exists());
        }
        assert_eq!(cache.stats().rejected, 5);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn the_least_recently_used_entries_go_first() {
        let (cache, dir) = cache(2 * (HEADER_LEN as u64 + 100));
        let old = SystemTime::now() - Duration::from_secs(100);
        for n in 1..=2 {
            cache.put(&key(n), &[n; 100]);
            let file = fs::File::options().append(true).open(dir.join(key(n).file_name())).unwrap();
            file.set_modified(old + Duration::from_secs(n.into())).unwrap();
        }
        // Reading 1 makes 2 the least recently used.
        assert!(cache.get(&key(1)).is_some());
        cache.put(&key(3), &[3; 100]);
        assert!(cache.get(&key(2)).is_none());
        assert!(cache.get(&key(1)).is_some() && cache.get(&key(3)).is_some());
        let _ = fs::remove_dir_all(dir);
    }
}
