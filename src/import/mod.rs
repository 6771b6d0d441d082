//! Imports as one service used by the CLI and the web: schools (the SIIIR network), court
//! cases and designees. This module reads and validates files; the apply step (one
//! transaction, batch and audit row, nothing written on a dry run or a refusal) is the use
//! case in `app::imports`.

mod lists;
mod schools;

pub use lists::{import_cases, import_designees};
pub use schools::import_schools;

use sha2::{Digest, Sha256};

pub use crate::app::Ctx;
pub use crate::app::imports::{ImportError, ImportOptions, ImportOutcome};
pub use crate::domain::import_report::ImportKind;

/// Stages reported while an import runs (for a progress line on a terminal).
pub trait Progress: Send + Sync {
    fn stage(&self, message: &str);
}

pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _message: &str) {}
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Runs the import of this kind (`county` only applies to schools).
pub async fn run(
    kind: ImportKind,
    ctx: Ctx<'_>,
    file_name: &str,
    bytes: Vec<u8>,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    match kind {
        ImportKind::Schools => import_schools(ctx, file_name, bytes, options, progress).await,
        ImportKind::Cases => import_cases(ctx, file_name, bytes, options, progress).await,
        ImportKind::Designees => import_designees(ctx, file_name, bytes, options, progress).await,
    }
}
