//! The layering the README promises, checked on the module graph: every `crate::…` path in
//! every source file (use trees and paths in code, read with `syn`, with their lines), and
//! the calls the doors make into `db`.
//!
//! - the doors (web, views, cli, jobs, import) open no transaction and call no `db` write;
//! - the building blocks (auth, mail, portal, excel) import nothing from `db`;
//! - `db` imports nothing from auth, mail, app, web or views;
//! - `domain` imports nothing impure (no other room of the crate but itself, no database,
//!   runtime, network or file-system crate);
//! - views read no database; reports and the command line use no view.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

/// A `crate::` path as written, resolved to its segments after `crate`, and its line.
#[derive(Debug, Clone)]
struct Reference {
    segments: Vec<String>,
    line: usize,
}

/// One source file: its room (`src/<room>/…` or `src/<room>.rs`) and what it refers to.
struct Source {
    path: PathBuf,
    room: String,
    references: Vec<Reference>,
    /// Method names called (`x.begin()`), with lines.
    methods: Vec<(String, usize)>,
    /// Local names that stand for a `db` module or a `db` function: name → segments after `db`.
    db_aliases: BTreeMap<String, Vec<String>>,
    /// Every path in code (not use trees), as written, with its line.
    paths: Vec<(Vec<String>, usize)>,
}

#[derive(Default)]
struct Collector {
    references: Vec<Reference>,
    methods: Vec<(String, usize)>,
    aliases: BTreeMap<String, Vec<String>>,
    paths: Vec<(Vec<String>, usize)>,
    /// The module path of the file, for `super::` (segments after `crate`).
    module: Vec<String>,
}

fn line_of(span: proc_macro2::Span) -> usize {
    span.start().line
}

impl Collector {
    /// `super::x` from this file's module, `self::x` inside it; `crate::x` as is.
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        match segments.first().map(String::as_str) {
            Some("crate") => Some(segments[1..].to_vec()),
            Some("super") => {
                let mut base = self.module.clone();
                let mut rest = segments;
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                Some(base)
            }
            _ => None,
        }
    }

    fn use_tree(&mut self, prefix: Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix;
                next.push(p.ident.to_string());
                self.use_tree(next, &p.tree);
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name.clone());
                }
                let local = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    name
                };
                self.record_use(full, local, line_of(n.ident.span()));
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix;
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.record_use(full, r.rename.to_string(), line_of(r.rename.span()));
            }
            syn::UseTree::Glob(g) => {
                self.record_use(prefix, String::new(), line_of(g.star_token.span()));
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix.clone(), item);
                }
            }
        }
    }

    fn record_use(&mut self, full: Vec<String>, local: String, line: usize) {
        if let Some(resolved) = self.resolve(&full) {
            if resolved.first().map(String::as_str) == Some("db") && !local.is_empty() {
                self.aliases.insert(local, resolved[1..].to_vec());
            }
            self.references.push(Reference {
                segments: resolved,
                line,
            });
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = line_of(path.span());
        if let Some(resolved) = self.resolve(&segments) {
            self.references.push(Reference {
                segments: resolved,
                line,
            });
        }
        self.paths.push((segments, line));
        syn::visit::visit_path(self, path);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.methods
            .push((call.method.to_string(), line_of(call.method.span())));
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, parsed.
fn sources() -> Vec<Source> {
    let mut found = Vec::new();
    let mut pending = vec![root()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("folder").flatten() {
                pending.push(entry.path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(parse(&path));
        }
    }
    assert!(found.len() > 50, "the sources are here");
    found
}

fn parse(path: &Path) -> Source {
    let text = std::fs::read_to_string(path).expect("source");
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let relative = path.strip_prefix(root()).expect("under src");
    let mut module: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        module.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        module.pop();
    }
    let room = module.first().cloned().unwrap_or_default();
    let mut collector = Collector {
        module,
        ..Collector::default()
    };
    collector.visit_file(&file);
    Source {
        path: relative.to_path_buf(),
        room,
        references: collector.references,
        methods: collector.methods,
        db_aliases: collector.aliases,
        paths: collector.paths,
    }
}

fn in_rooms<'a>(all: &'a [Source], rooms: &[&str]) -> impl Iterator<Item = &'a Source> {
    all.iter().filter(move |s| rooms.contains(&s.room.as_str()))
}

/// `file:line: crate::a::b` for every reference of `rooms` into one of `forbidden`.
fn reaching(all: &[Source], rooms: &[&str], forbidden: &[&str]) -> Vec<String> {
    in_rooms(all, rooms)
        .flat_map(|s| {
            s.references
                .iter()
                .filter(|r| {
                    r.segments
                        .first()
                        .is_some_and(|room| forbidden.contains(&room.as_str()))
                })
                .map(move |r| {
                    format!(
                        "src/{}:{}: crate::{}",
                        s.path.display(),
                        r.line,
                        r.segments.join("::")
                    )
                })
        })
        .collect()
}

/// `db` functions that write (their body executes a statement, or calls one that does).
fn db_writes(all: &[Source]) -> BTreeSet<(String, String)> {
    let mut writes = BTreeSet::new();
    let mut bodies: Vec<((String, String), String)> = Vec::new();
    for source in in_rooms(all, &["db"]) {
        let module = source
            .path
            .with_extension("")
            .iter()
            .skip(1)
            .map(|p| p.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("::");
        let text = std::fs::read_to_string(root().join(&source.path)).expect("source");
        let file = syn::parse_file(&text).expect("parsed");
        for item in file.items {
            if let syn::Item::Fn(f) = item {
                let body = quote_tokens(&f.block);
                bodies.push(((module.clone(), f.sig.ident.to_string()), body));
            }
        }
    }
    const STATEMENTS: [&str; 7] = [
        ". exec (",
        ". exec_without_returning (",
        ". execute (",
        ". execute_unprepared (",
        ". execute_raw (",
        ". insert (",
        ". save (",
    ];
    for (name, body) in &bodies {
        if STATEMENTS.iter().any(|s| body.contains(s)) {
            writes.insert(name.clone());
        }
    }
    // Calls to a writing function of the same module (bare) or of another (`m::f`).
    loop {
        let before = writes.len();
        for ((module, function), body) in &bodies {
            let calls_a_write = writes.iter().any(|(m, f)| {
                body.contains(&format!("{m} :: {f} ("))
                    || (m == module && body.contains(&format!(" {f} (")))
            });
            if calls_a_write {
                writes.insert((module.clone(), function.clone()));
            }
        }
        if writes.len() == before {
            return writes;
        }
    }
}

/// Tokens as text, spaced (`a . b (`), so calls are found whatever the formatting.
fn quote_tokens(block: &syn::Block) -> String {
    let mut out = String::new();
    spaced(quote::ToTokens::to_token_stream(block), &mut out);
    out
}

fn spaced(tokens: proc_macro2::TokenStream, out: &mut String) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push(' ');
                spaced(g.stream(), out);
                out.push_str(close);
                out.push(' ');
            }
            other => {
                out.push_str(&other.to_string());
                out.push(' ');
            }
        }
    }
}

const DOORS: [&str; 5] = ["web", "views", "cli", "jobs", "import"];

#[test]
fn the_doors_open_no_transaction_and_call_no_db_write() {
    let all = sources();
    let writes = db_writes(&all);
    assert!(
        writes.contains(&("outbox".into(), "enqueue".into()))
            && writes.contains(&("links".into(), "insert".into()))
            && !writes.contains(&("settings".into(), "all".into())),
        "the write detector knows a write from a read: {writes:?}"
    );
    let mut offenders = Vec::new();
    for source in in_rooms(&all, &DOORS) {
        let at =
            |line: usize, what: String| format!("src/{}:{line}: {what}", source.path.display());
        for (method, line) in &source.methods {
            if matches!(
                method.as_str(),
                "begin" | "commit" | "begin_write" | "rollback"
            ) {
                offenders.push(at(*line, format!(".{method}()")));
            }
        }
        for reference in &source.references {
            let s = &reference.segments;
            if s.iter()
                .any(|x| x == "TransactionTrait" || x == "begin_write")
            {
                offenders.push(at(reference.line, s.join("::")));
            }
        }
        // `crate::db::m::f(…)`, `db::m::f(…)` or through a name `use` gave a db module.
        for (path, line) in &source.paths {
            let after_db: Option<Vec<String>> = match path.iter().position(|x| x == "db") {
                Some(i) if i + 2 < path.len() + 1 => Some(path[i + 1..].to_vec()),
                _ => source.db_aliases.get(&path[0]).map(|base| {
                    base.iter()
                        .cloned()
                        .chain(path[1..].iter().cloned())
                        .collect()
                }),
            };
            if let Some(after) = after_db
                && after.len() >= 2
                && writes.contains(&(
                    after[..after.len() - 1].join("::"),
                    after[after.len() - 1].clone(),
                ))
            {
                offenders.push(at(*line, format!("db::{}", after.join("::"))));
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn building_blocks_import_nothing_from_db() {
    let all = sources();
    assert_eq!(
        reaching(&all, &["auth", "mail", "portal", "excel"], &["db"]),
        Vec::<String>::new()
    );
}

#[test]
fn db_imports_nothing_above_it() {
    let all = sources();
    assert_eq!(
        reaching(&all, &["db"], &["auth", "mail", "app", "web", "views"]),
        Vec::<String>::new()
    );
}

#[test]
fn domain_imports_nothing_impure() {
    let all = sources();
    let rooms: BTreeSet<String> = all.iter().map(|s| s.room.clone()).collect();
    let impure: Vec<&str> = rooms
        .iter()
        .map(String::as_str)
        .filter(|r| *r != "domain" && !r.is_empty())
        .collect();
    let mut offenders = reaching(&all, &["domain"], &impure);
    const IMPURE_CRATES: [&str; 8] = [
        "sea_orm", "tokio", "reqwest", "lettre", "axum", "tower", "sqlx", "rustix",
    ];
    for source in in_rooms(&all, &["domain"]) {
        for (path, line) in &source.paths {
            let external = path.first().map(String::as_str).unwrap_or_default();
            if IMPURE_CRATES.contains(&external) || path.starts_with(&["std".into(), "fs".into()]) {
                offenders.push(format!(
                    "src/{}:{line}: {}",
                    source.path.display(),
                    path.join("::")
                ));
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn views_read_no_database_and_reports_and_the_command_line_use_no_view() {
    let all = sources();
    assert_eq!(reaching(&all, &["views"], &["db"]), Vec::<String>::new());
    assert_eq!(
        reaching(&all, &["reports", "cli"], &["views"]),
        Vec::<String>::new()
    );
}

/// The test itself: a forbidden line added to a building block is found, with its file and
/// line (the rule would not notice a path it cannot read).
#[test]
fn a_forbidden_line_is_found_with_its_place() {
    let file =
        syn::parse_file("fn f() {\n    let _ = crate::db::outbox::enqueue;\n}\n").expect("parsed");
    let mut collector = Collector {
        module: vec!["mail".into(), "content".into()],
        ..Collector::default()
    };
    collector.visit_file(&file);
    let source = Source {
        path: PathBuf::from("mail/content.rs"),
        room: "mail".into(),
        references: collector.references,
        methods: collector.methods,
        db_aliases: collector.aliases,
        paths: collector.paths,
    };
    assert_eq!(
        reaching(&[source], &["mail"], &["db"]),
        vec!["src/mail/content.rs:2: crate::db::outbox::enqueue".to_string()]
    );
}

/// No two `db` modules import each other (each query module can be read on its own).
#[test]
fn db_modules_import_each_other_without_a_cycle() {
    let all = sources();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in in_rooms(&all, &["db"]) {
        let Some(module) = source
            .path
            .iter()
            .nth(1)
            .map(|m| m.to_string_lossy().trim_end_matches(".rs").to_string())
        else {
            continue;
        };
        for reference in &source.references {
            if let [db, target, ..] = reference.segments.as_slice()
                && db == "db"
                && *target != module
            {
                edges
                    .entry(module.clone())
                    .or_default()
                    .insert(target.clone());
            }
        }
    }
    let mut cycles = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            if edges.get(to).is_some_and(|back| back.contains(from)) && from < to {
                cycles.push(format!("db::{from} <-> db::{to}"));
            }
        }
    }
    assert_eq!(cycles, Vec::<String>::new());
}
