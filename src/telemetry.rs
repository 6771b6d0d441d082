//! Logging to stderr (stdout is kept for command results such as import JSON): coloured only
//! on a terminal, plain text in a file or the journal, one JSON object per line with
//! `ISJ_LOG_FORMAT=json` (for journald and log shippers).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = std::env::var("ISJ_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // A second call (tests) keeps the first subscriber.
    let _ = if json {
        builder.json().with_current_span(false).try_init()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
    };
}

/// An error's messages in one line, each cause once: a cause already said by the one before
/// it is not repeated (sea-orm and sqlx wrap the same message several times), and one that
/// says more than the one before it replaces it.
pub fn said_once(messages: impl IntoIterator<Item = String>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for text in messages {
        match parts.last_mut() {
            Some(last) if last.contains(&text) => {}
            Some(last) if text.starts_with(last.as_str()) => *last = text,
            _ => parts.push(text),
        }
    }
    parts.join(": ")
}
