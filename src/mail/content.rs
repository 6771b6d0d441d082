//! One description of a mail, rendered twice: plain text and HTML.

use maud::{DOCTYPE, Markup, html};

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(String),
    /// A list of short lines (one per school or item).
    List(Vec<String>),
    /// A link the reader should follow, with what it is for.
    Link {
        label: String,
        url: String,
    },
}

/// The footer line that links the information notice.
const PRIVACY_LINE: &str = "Cum prelucrează inspectoratul datele personale";

#[derive(Debug, Clone, PartialEq)]
pub struct MailContent {
    pub subject: String,
    pub greeting: String,
    pub blocks: Vec<Block>,
    pub signature: String,
    /// Where to stop receiving this kind of mail (non-critical mail only).
    pub opt_out: Option<String>,
    /// The information notice on personal data (mail to schools).
    pub privacy: Option<String>,
}

/// Subjects stay within 78 characters (RFC 5322's line length), cut on a character boundary.
pub fn fit_subject(subject: &str) -> String {
    const MAX: usize = 78;
    if subject.chars().count() <= MAX {
        return subject.to_string();
    }
    let mut cut: String = subject.chars().take(MAX - 1).collect();
    cut.push('…');
    cut
}

impl MailContent {
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.greeting);
        for block in &self.blocks {
            match block {
                Block::Paragraph(text) => out.push_str(&format!("{text}\n\n")),
                Block::List(lines) => {
                    for line in lines {
                        out.push_str(&format!("- {line}\n"));
                    }
                    out.push('\n');
                }
                Block::Link { label, url } => out.push_str(&format!("{label}:\n{url}\n\n")),
            }
        }
        out.push_str(&self.signature);
        out.push('\n');
        if let Some(url) = &self.opt_out {
            out.push_str(&format!(
                "\nNu mai doriți astfel de mesaje (memento-urile de termen rămân)? {url}\n"
            ));
        }
        if let Some(url) = &self.privacy {
            out.push_str(&format!("\n{PRIVACY_LINE}: {url}\n"));
        }
        out
    }

    pub fn html(&self) -> String {
        let page: Markup = html! {
            (DOCTYPE)
            html lang="ro" {
                head { meta charset="utf-8"; title { (self.subject) } }
                body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5; color: #1b1f24; max-width: 40rem;" {
                    p { (self.greeting) }
                    @for block in &self.blocks {
                        @match block {
                            Block::Paragraph(text) => p { (text) },
                            Block::List(lines) => ul { @for line in lines { li { (line) } } },
                            Block::Link { label, url } => p { (label) ": " br; a href=(url) { (url) } },
                        }
                    }
                    p { (self.signature) }
                    @if let Some(url) = &self.opt_out {
                        p style="color: #59636e; font-size: 13px;" {
                            "Nu mai doriți astfel de mesaje (memento-urile de termen rămân)? " a href=(url) { "Dezabonare" }
                        }
                    }
                    @if let Some(url) = &self.privacy {
                        p style="color: #59636e; font-size: 13px;" { a href=(url) { (PRIVACY_LINE) } }
                    }
                }
            }
        };
        page.into_string()
    }
}

impl MailContent {
    /// The outbox row of this content: no links, no attachment.
    pub fn to_mail(
        &self,
        dedupe_key: String,
        kind: crate::domain::outbox::MailKind,
        recipient: &str,
        respect_window: bool,
    ) -> crate::domain::outbox::NewMail {
        crate::domain::outbox::NewMail {
            dedupe_key,
            kind,
            recipient: recipient.to_string(),
            subject: self.subject.clone(),
            body_text: self.text(),
            body_html: self.html(),
            sealed_tokens: Vec::new(),
            attachment: None,
            respect_window,
        }
    }
}

/// The mail sent from Settings to check the configuration.
pub fn test_mail(inspectorate: &str) -> MailContent {
    MailContent {
        subject: "isj-tracker: mesaj de test".into(),
        greeting: "Bună ziua,".into(),
        blocks: vec![Block::Paragraph("Acesta este un mesaj de test trimis din pagina Setări. Dacă l-ați primit, trimiterea e-mailurilor funcționează.".into())],
        signature: format!("isj-tracker, {inspectorate}"),
        opt_out: None,
        privacy: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twins_carry_the_same_words() {
        let mail = MailContent {
            subject: "Cont D.E.N.".into(),
            greeting: "Stimată doamnă director / Stimate domnule director,".into(),
            blocks: vec![
                Block::Paragraph(
                    "Unitatea are dosare pe rol & trebuie să constituie contul.".into(),
                ),
                Block::List(vec!["Școala „Avram Iancu” — depășit (3 zile)".into()]),
                Block::Link {
                    label: "Raportați progresul".into(),
                    url: "https://isj.example/l/abc".into(),
                },
            ],
            signature: "Compartimentul Juridic".into(),
            opt_out: None,
            privacy: None,
        };
        let (text, html) = (mail.text(), mail.html());
        for words in [
            "Stimată doamnă",
            "Școala „Avram Iancu”",
            "https://isj.example/l/abc",
            "Compartimentul Juridic",
        ] {
            assert!(text.contains(words) && html.contains(words), "{words}");
        }
        assert!(html.contains("pe rol &amp; trebuie"), "HTML is escaped");
        assert!(!text.contains("Dezabonare"));
        let long = fit_subject(&"Cont D.E.N. — ".repeat(10));
        assert_eq!(long.chars().count(), 78);
    }
}
