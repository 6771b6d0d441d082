#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Benchmark baseline: read every cell of a workbook with calamine and nothing else.
//! Usage: bare_read FILE.xlsx — prints cells, non-empty cells and seconds.

use std::time::Instant;

use calamine::{DataType, Reader, open_workbook_auto};

// Same allocator as the service, so the comparison measures the import's own work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bare_read FILE")?;
    let started = Instant::now();
    let mut workbook = open_workbook_auto(&path)?;
    let (mut cells, mut filled, mut text_bytes) = (0u64, 0u64, 0usize);
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name)?;
        for cell in range.cells() {
            cells += 1;
            if !cell.2.is_empty() {
                filled += 1;
                text_bytes += cell.2.as_string().map_or(0, |s| s.len());
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("cells={cells} filled={filled} text_bytes={text_bytes} seconds={seconds:.3}");
    Ok(())
}
