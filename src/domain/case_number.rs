//! Romanian court case numbers: `N/court/year`, optionally `*` or `**` (moved between
//! sections, ÎCCJ) and an associated-file suffix such as `/a1` or `/a3.1` (portal-just §4.3).

use std::sync::LazyLock;

use regex::Regex;

static SHAPE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,7})/(\d{1,5})/(\d{4})(\*{0,2})(?:/([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*))?$")
        .ok()
});

/// A case number split into its parts; `Display` gives the normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseNumber {
    pub sequence: u32,
    /// The registering court's numeric code (ECRIS id), e.g. 97 = Tribunalul Hunedoara.
    pub court_code: u32,
    pub year: u16,
    pub stars: u8,
    /// `a1`, `a3.1`… for associated files.
    pub suffix: Option<String>,
}

impl CaseNumber {
    /// Parses what people type: a leading `Dosar`, `nr`, `nr.` in any case, spaces (also
    /// non-breaking) around `/`, and an en or em dash used as `/` are tolerated.
    pub fn parse(raw: &str) -> Result<CaseNumber, String> {
        let text = normalise(raw);
        let shape = SHAPE
            .as_ref()
            .ok_or("expresia numărului de dosar nu a putut fi construită")?;
        let parts = shape.captures(&text).ok_or_else(|| {
            format!(
                "„{}” nu are forma număr/instanță/an (de exemplu 1234/97/2024)",
                raw.trim()
            )
        })?;
        let number = |i: usize| parts.get(i).map_or("", |m| m.as_str());
        let year: u16 = number(3)
            .parse()
            .map_err(|_| "anul dosarului nu este valid".to_string())?;
        if !(1990..=2100).contains(&year) {
            return Err(format!("anul {year} al dosarului nu este plauzibil"));
        }
        Ok(CaseNumber {
            sequence: number(1)
                .parse()
                .map_err(|_| "numărul dosarului nu este valid".to_string())?,
            court_code: number(2)
                .parse()
                .map_err(|_| "codul instanței nu este valid".to_string())?,
            year,
            stars: number(4).len() as u8,
            suffix: parts.get(5).map(|m| m.as_str().to_lowercase()),
        })
    }
}

fn normalise(raw: &str) -> String {
    let mut text: String = raw
        .trim()
        .chars()
        .map(|c| if matches!(c, '–' | '—') { '/' } else { c })
        .collect();
    for prefix in ["dosar", "nr.", "nr"] {
        let lowered = text.to_lowercase();
        if lowered.starts_with(prefix) {
            text = text[prefix.len()..].trim_start().to_string();
        }
    }
    text.split('/')
        .map(|part| part.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}'))
        .collect::<Vec<_>>()
        .join("/")
}

impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}{}",
            self.sequence,
            self.court_code,
            self.year,
            "*".repeat(usize::from(self.stars))
        )?;
        if let Some(suffix) = &self.suffix {
            write!(f, "/{suffix}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases = [
            ("1234/97/2024", "1234/97/2024"),
            (" 1234 / 97 / 2024 ", "1234/97/2024"),
            ("Dosar nr. 1234/97/2024", "1234/97/2024"),
            ("nr 1234/97/2024", "1234/97/2024"),
            ("DOSAR 1234/97/2024", "1234/97/2024"),
            ("1234–97—2024", "1234/97/2024"),
            ("1234\u{a0}/\u{a0}221/2023", "1234/221/2023"),
            ("1904/3/2018/a1", "1904/3/2018/a1"),
            ("1859/107/2009**/a3.1", "1859/107/2009**/a3.1"),
            ("6945/306/2015*", "6945/306/2015*"),
            ("1887/99/2022/A12", "1887/99/2022/a12"),
        ];
        for (raw, normalised) in cases {
            let parsed = CaseNumber::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(parsed.to_string(), normalised, "{raw}");
        }
        let parts = CaseNumber::parse("1859/107/2009**/a3.1").unwrap();
        assert_eq!(
            (parts.sequence, parts.court_code, parts.year, parts.stars),
            (1859, 107, 2009, 2)
        );
    }

    #[test]
    fn refused_forms() {
        for raw in [
            "",
            "1234/97",
            "1234/97/24",
            "1234/97/2024 și 55/97/2023",
            "12345678/97/2024",
            "1234/97/1989",
            "abc/97/2024",
            "1234/97/2024***",
        ] {
            assert!(CaseNumber::parse(raw).is_err(), "{raw}");
        }
    }
}
