//! One spreadsheet cell as the importers see it, whatever the file format.

use chrono::NaiveDateTime;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDateTime),
    /// A formula error such as `#REF!` or `#N/A`.
    Error(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => super::text::is_blank(t),
            _ => false,
        }
    }

    /// The value as a user would read it in the cell; whole numbers without decimals.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "ADEVĂRAT" } else { "FALS" }.to_string(),
            Cell::Date(d) if d.time() == chrono::NaiveTime::MIN => d.format("%d.%m.%Y").to_string(),
            Cell::Date(d) => d.format("%d.%m.%Y %H:%M").to_string(),
            Cell::Error(e) => e.clone(),
        }
    }

    /// Like [`Cell::text`], consuming the cell to avoid a copy.
    pub fn into_text(self) -> Option<String> {
        match self {
            Cell::Text(t) => super::text::clean_owned(t),
            other => other.text(),
        }
    }

    /// Cleaned text of the cell (trimmed, NFC), `None` when blank.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(t) => super::text::clean(t),
            other => super::text::clean(&other.display()),
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_have_no_decimals() {
        assert_eq!(Cell::Number(87228.0).display(), "87228");
        assert_eq!(Cell::Number(2.5).display(), "2.5");
        assert!(Cell::Text(" \u{a0}".into()).is_blank());
        assert!(!Cell::Number(0.0).is_blank());
    }
}

/// One data row with its 1-based spreadsheet row number.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, index: Option<usize>) -> &Cell {
        index
            .and_then(|i| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }

    /// Moves a cell's cleaned text out of the row.
    pub fn take_text(&mut self, index: Option<usize>) -> Option<String> {
        index
            .and_then(|i| self.cells.get_mut(i))
            .and_then(|c| std::mem::take(c).into_text())
    }
}
