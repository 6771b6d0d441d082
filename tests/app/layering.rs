//! The layering the README promises, checked on the source: views read no database, the
//! doors open no transaction, reports and the command line use no view.

use std::path::{Path, PathBuf};

fn sources(under: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(under);
    let mut found = Vec::new();
    let mut pending = vec![root];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("folder").flatten() {
                pending.push(entry.path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source");
            found.push((path, text));
        }
    }
    assert!(!found.is_empty(), "{under} has sources");
    found
}

fn offenders(under: &[&str], needles: &[&str]) -> Vec<String> {
    under
        .iter()
        .flat_map(|u| sources(u))
        .flat_map(|(path, text)| {
            needles
                .iter()
                .filter(|n| text.contains(*n))
                .map(|n| format!("{}: {n}", path.display()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn views_read_no_database() {
    assert_eq!(
        offenders(&["src/views"], &["crate::db"]),
        Vec::<String>::new()
    );
}

#[test]
fn the_doors_open_no_transaction() {
    let doors = ["src/web", "src/cli.rs", "src/cli", "src/jobs", "src/import"];
    let transaction = ["begin_write", ".begin()", ".commit()", "TransactionTrait"];
    assert_eq!(offenders(&doors, &transaction), Vec::<String>::new());
}

#[test]
fn reports_and_the_command_line_use_no_view() {
    assert_eq!(
        offenders(&["src/reports.rs", "src/cli.rs", "src/cli"], &["views::"]),
        Vec::<String>::new()
    );
}
