#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Times what one write costs the register at the scale of the database it is pointed at: a
//! hearing added to a case, applied to the register (the case's entry and the case index built
//! again, the rest shared), as the server does after each commit. Prints the median and the
//! worst of N.
//!
//! ISJ_DATABASE_URL=sqlite://bench.db cargo run --release --example bench_register [runs]

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};
use isj_tracker::domain::cases::{HearingFacts, HearingRecord, HearingSource};
use isj_tracker::domain::change::{CaseRef, Change, ChangeRecord};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("ISJ_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://data/bench.db?mode=rwc".into());
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let db = isj_tracker::db::connect(&url).await?;
    let clock: Arc<dyn isj_tracker::clock::Clock> = Arc::new(isj_tracker::clock::SystemClock);
    let started = Instant::now();
    let register =
        isj_tracker::register::Register::load(db, clock, chrono_tz::Europe::Bucharest).await?;
    println!("load: {:.3} s", started.elapsed().as_secs_f64());
    let snapshot = register.current().await;
    let case = snapshot.cases.get(3).expect("case 3").case.clone();
    let mut took = Vec::new();
    for (version, n) in (register.version() + 1..).zip(0..runs) {
        let facts = HearingFacts {
            on: Utc::now().date_naive() + Duration::days(10 + n as i64),
            time: "09:00".into(),
            ..Default::default()
        };
        let record = ChangeRecord {
            version,
            at: Utc::now(),
            actor: "bench".into(),
            batch: None,
            change: Change::HearingAdded {
                case: CaseRef::of(&case),
                hearing: HearingRecord {
                    id: 10_000_000 + n as i32,
                    case_id: case.id,
                    facts,
                    source: HearingSource::Manual,
                },
            },
        };
        let started = Instant::now();
        register.applied(vec![record]).await;
        took.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    took.sort_by(f64::total_cmp);
    println!(
        "one hearing applied: median {:.2} ms, worst {:.2} ms ({runs} runs)",
        took[took.len() / 2],
        took[took.len() - 1]
    );
    Ok(())
}
