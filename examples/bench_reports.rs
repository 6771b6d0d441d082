#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Times the `den-status` and `cases` reports on a seeded national database beside a bare
//! rust_xlsxwriter write of the same cells (same run, best of N), and prints the ratio. The
//! report's rows come from the register (as a download from the server does); reading the
//! register once (what the command line pays before an export) is timed apart.
//!
//! ISJ_DATABASE_URL=sqlite://bench.db cargo run --release --example bench_reports [runs]

// The service's allocator (src/main.rs), so the report is timed as the service builds it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use chrono::Utc;
use isj_tracker::domain::report_table::{Report, Value};
use isj_tracker::reports::{ReportFilter, ReportKind, build};
use rust_xlsxwriter::{Format, Workbook};

/// The same cells with no formats, no freeze, no filter, no summary: what any writer must do.
fn bare(report: &Report) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for table in &report.tables {
        let sheet = workbook.add_worksheet();
        for (c, column) in table.columns.iter().enumerate() {
            sheet.write_string(0, c as u16, column.header)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Value::Text(t) | Value::Code(t) | Value::Status(_, t) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Value::Date(Some(d)) => {
                        sheet.write_datetime_with_format(r, c, d, &date)?;
                    }
                    Value::Date(None) => {}
                    Value::Int(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                }
            }
        }
    }
    workbook.save_to_buffer()
}

fn best(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[0]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("ISJ_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://data/bench.db?mode=rwc".into());
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let db = isj_tracker::db::connect(&url).await?;
    let tz = chrono_tz::Europe::Bucharest;
    let mut reads = Vec::new();
    let mut register = None;
    for _ in 0..runs {
        let start = Instant::now();
        register = Some(isj_tracker::register::Register::read_once(&db, Utc::now(), tz).await?);
        reads.push(start.elapsed().as_secs_f64());
    }
    let register = register.expect("at least one run");
    println!(
        "register read once (command line): {:.3} s",
        best(&mut reads)
    );
    for kind in [ReportKind::DenStatus, ReportKind::Cases] {
        let (mut full, mut writer, mut plain) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = 0;
        for _ in 0..runs {
            let start = Instant::now();
            let report = build(
                &db,
                &register,
                kind,
                &ReportFilter::default(),
                Utc::now(),
                tz,
            )
            .await?;
            let written = Instant::now();
            let bytes = isj_tracker::excel::report_writer::xlsx(&report, "ISJ")?;
            writer.push(written.elapsed().as_secs_f64());
            full.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            let bare_bytes = bare(&report)?;
            plain.push(start.elapsed().as_secs_f64());
            rows = report.tables[0].rows.len();
            std::hint::black_box((bytes, bare_bytes));
        }
        let (f, w, p) = (best(&mut full), best(&mut writer), best(&mut plain));
        println!(
            "{:<11} {rows:>6} rows: bare rust_xlsxwriter write {p:.3} s | report writer on the same cells {w:.3} s, ratio {:.2} | whole report from the register {f:.3} s, ratio {:.2} (target <= 1.5)",
            kind.name(),
            w / p,
            f / p
        );
    }
    Ok(())
}
