use maud::{Markup, html};

/// A generic error page: what happened in plain words and a request id, never internals.
pub fn error_page(title: &str, message: &str, request_id: Option<&str>) -> Markup {
    let chrome = super::layout::Chrome {
        inspectorate: "Inspectoratul Școlar Județean".into(),
        ..Default::default()
    };
    super::layout::page(
        &chrome,
        title,
        "",
        html! {
            h1 { (title) }
            p { (message) }
            @if let Some(id) = request_id {
                p.muted { "Cod de referință pentru suport: " code { (id) } }
            }
            p { a href="/" { "Înapoi la pagina principală" } }
        },
    )
}
