//! The campaign board: every active PJ with its D.E.N. step and derived status, and the
//! summaries the overview shows. Pure: built from what the database layer loaded.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::den::{self, DenStatus, DenStep, StatusKind};
use super::text::fold;

/// One PJ as the board needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardSchool {
    pub code: String,
    pub name: String,
    pub locality: Option<String>,
    pub area: Option<String>,
    pub active_cases: u32,
    /// The furthest step whose premises hold ([`den::SchoolProcedure::effective_step`]).
    pub step: DenStep,
    pub step_on: Option<NaiveDate>,
    /// Account created on its premises and the current designee confirmed.
    pub complete: bool,
    pub designee: Option<String>,
    pub extension: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    pub school: BoardSchool,
    /// `None` while no campaign deadline is set.
    pub status: Option<DenStatus>,
    pub due: Option<NaiveDate>,
    search_key: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LocalityBar {
    pub locality: String,
    pub counts: HashMap<StatusKind, u32>,
}

impl LocalityBar {
    pub fn total(&self) -> u32 {
        self.counts.values().sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub today: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub rows: Vec<BoardRow>,
    index: HashMap<String, usize>,
    /// Positions of the rows of each status, so a status filter skips the others.
    by_status: HashMap<StatusKind, Vec<usize>>,
}

/// Filters on the board, as the school list offers them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoardFilter {
    pub status: Option<StatusKind>,
    pub with_cases: bool,
    pub query: Option<String>,
    pub locality: Option<String>,
    pub area: Option<String>,
}

impl Board {
    pub fn new(schools: Vec<BoardSchool>, deadline: Option<NaiveDate>, today: NaiveDate) -> Board {
        let mut rows: Vec<BoardRow> = schools
            .into_iter()
            .map(|school| {
                let due = deadline.map(|d| den::effective_deadline(d, school.extension));
                let status = due
                    .map(|due| den::status(school.active_cases > 0, school.complete, due, today));
                let search_key = fold(&format!(
                    "{} {} {}",
                    school.code,
                    school.name,
                    school.locality.as_deref().unwrap_or_default()
                ));
                BoardRow {
                    school,
                    status,
                    due,
                    search_key,
                }
            })
            .collect();
        // Most urgent first: overdue by days, then by due date; the name breaks ties.
        rows.sort_by_cached_key(|r| {
            (
                r.status.map(DenStatus::kind),
                std::cmp::Reverse(overdue_days(r)),
                r.due,
                fold(&r.school.name),
            )
        });
        let index = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.school.code.clone(), i))
            .collect();
        let mut by_status: HashMap<StatusKind, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            if let Some(status) = row.status {
                by_status.entry(status.kind()).or_default().push(i);
            }
        }
        Board {
            today,
            deadline,
            rows,
            index,
            by_status,
        }
    }

    pub fn get(&self, code: &str) -> Option<&BoardRow> {
        self.index.get(code).map(|&i| &self.rows[i])
    }

    pub fn counts(&self) -> HashMap<StatusKind, u32> {
        let mut counts = HashMap::new();
        for status in self.rows.iter().filter_map(|r| r.status) {
            *counts.entry(status.kind()).or_insert(0) += 1;
        }
        counts
    }

    /// (PJ that have an account or reported it, PJ concerned by the campaign).
    pub fn progress(&self) -> (u32, u32) {
        let concerned = self
            .rows
            .iter()
            .filter(|r| r.status.is_some_and(|s| s != DenStatus::Blocked))
            .count() as u32;
        let with_account = self
            .rows
            .iter()
            .filter(|r| {
                r.status.is_some_and(|s| s != DenStatus::Blocked)
                    && r.school.step >= DenStep::AccountCreated
            })
            .count() as u32;
        (with_account, concerned)
    }

    pub fn days_to_deadline(&self) -> Option<i64> {
        self.deadline.map(|d| (d - self.today).num_days())
    }

    /// Per-locality counts for the localities with the most schools concerned (blocked ones
    /// counted but not used to rank).
    pub fn localities(&self, limit: usize) -> Vec<LocalityBar> {
        let mut bars: HashMap<String, HashMap<StatusKind, u32>> = HashMap::new();
        for row in &self.rows {
            let (Some(status), Some(locality)) = (row.status, row.school.locality.as_ref()) else {
                continue;
            };
            *bars
                .entry(locality.clone())
                .or_default()
                .entry(status.kind())
                .or_insert(0) += 1;
        }
        let mut bars: Vec<LocalityBar> = bars
            .into_iter()
            .map(|(locality, counts)| LocalityBar { locality, counts })
            .collect();
        let concerned =
            |b: &LocalityBar| b.total() - b.counts.get(&StatusKind::Blocked).copied().unwrap_or(0);
        bars.sort_by_cached_key(|b| (std::cmp::Reverse(concerned(b)), fold(&b.locality)));
        bars.truncate(limit);
        bars
    }

    pub fn filter<'a>(
        &'a self,
        filter: &'a BoardFilter,
    ) -> impl Iterator<Item = &'a BoardRow> + 'a {
        let words: Vec<String> = filter
            .query
            .as_deref()
            .map(fold)
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let positions: Box<dyn Iterator<Item = usize> + 'a> = match filter.status {
            Some(kind) => Box::new(self.by_status.get(&kind).into_iter().flatten().copied()),
            None => Box::new(0..self.rows.len()),
        };
        positions.map(|i| &self.rows[i]).filter(move |row| {
            (!filter.with_cases || row.school.active_cases > 0)
                && filter
                    .locality
                    .as_ref()
                    .is_none_or(|l| row.school.locality.as_ref() == Some(l))
                && filter
                    .area
                    .as_ref()
                    .is_none_or(|a| row.school.area.as_ref() == Some(a))
                && words.iter().all(|w| row.search_key.contains(w.as_str()))
        })
    }
}

fn overdue_days(row: &BoardRow) -> i64 {
    match row.status {
        Some(DenStatus::Overdue { days }) => days,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn school(
        code: &str,
        locality: &str,
        cases: u32,
        step: DenStep,
        extension: Option<NaiveDate>,
    ) -> BoardSchool {
        BoardSchool {
            code: code.into(),
            name: format!("Școala {code}"),
            locality: Some(locality.into()),
            area: None,
            active_cases: cases,
            step,
            step_on: None,
            complete: step >= DenStep::AccountCreated && code != "2",
            designee: None,
            extension,
        }
    }

    #[test]
    fn statuses_counts_and_order() {
        let board = Board::new(
            vec![
                school("1", "Deva", 2, DenStep::AccessRequested, None),
                school("2", "Deva", 1, DenStep::AccountCreated, None),
                school("3", "Brad", 0, DenStep::NoCase, None),
                school("4", "Brad", 1, DenStep::NoCase, Some(d(2027, 1, 31))),
                school("5", "Orăștie", 1, DenStep::Reported, None),
                school("6", "Deva", 1, DenStep::NoCase, None),
            ],
            Some(d(2026, 12, 15)),
            d(2026, 12, 20),
        );
        let counts = board.counts();
        assert_eq!(counts.get(&StatusKind::Overdue), Some(&3));
        assert_eq!(
            counts.get(&StatusKind::Blocked),
            Some(&1),
            "no case is blocked, never overdue"
        );
        assert_eq!(
            counts.get(&StatusKind::OnTrack),
            Some(&1),
            "the extension moves school 4's deadline"
        );
        assert_eq!(counts.get(&StatusKind::Done), Some(&1));
        assert_eq!(board.progress(), (2, 5));
        assert_eq!(board.get("4").and_then(|r| r.due), Some(d(2027, 1, 31)));
        assert_eq!(board.days_to_deadline(), Some(-5));
        assert_eq!(
            board.rows[0].status.map(DenStatus::kind),
            Some(StatusKind::Overdue)
        );
        let deva = &board.localities(10)[0];
        assert_eq!(
            (
                deva.locality.as_str(),
                deva.counts.get(&StatusKind::Overdue)
            ),
            ("Deva", Some(&3))
        );
        let overdue = BoardFilter {
            status: Some(StatusKind::Overdue),
            query: Some("scoala 2".into()),
            ..BoardFilter::default()
        };
        assert_eq!(
            board
                .filter(&overdue)
                .map(|r| r.school.code.as_str())
                .collect::<Vec<_>>(),
            vec!["2"]
        );
    }

    #[test]
    fn without_a_campaign_there_is_no_status() {
        let board = Board::new(
            vec![school("1", "Deva", 2, DenStep::AccessRequested, None)],
            None,
            d(2026, 12, 20),
        );
        assert!(board.counts().is_empty());
        assert_eq!(board.rows[0].status, None);
    }
}
