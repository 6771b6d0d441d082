//! The schools and the case register as the list pages read them, held in memory between
//! changes: one read of each table when something changes (or the day turns), then every
//! filter, count and page answered without the database. Pure; loaded by `db`, kept fresh by
//! the web layer's snapshot.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use either::Either;
use memchr::memmem::Finder;

use super::case_import::LinkFacts;
use super::case_number::CaseNumber;
use super::cases::{CaseFilter, CaseLink, CasePage, Hearing, StoredCase};
use super::school::{ActiveFilter, SchoolFilter, SiiirCode};
use super::text::fold;

/// One unit as the lists show and filter it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolEntry {
    pub code: String,
    pub pj_code: String,
    /// `PJ` or `AR`.
    pub status: String,
    pub name: String,
    pub locality: Option<String>,
    pub area: Option<String>,
    pub active: bool,
    /// Folded name, locality and code (what the search box matches).
    pub key: String,
}

impl SchoolEntry {
    /// A unit as the lists show it, from its full record.
    pub fn of(record: &super::school::SchoolRecord, active: bool) -> SchoolEntry {
        SchoolEntry {
            code: record.code.clone(),
            pj_code: record.pj_code.clone(),
            status: record.status.clone(),
            name: record.display_name().to_string(),
            locality: record.locality.clone(),
            area: record.area.clone(),
            active,
            key: record.search_key(),
        }
    }
}

/// Every unit, in list order: locality, PJ, the PJ before its units, code.
#[derive(Debug, Default)]
pub struct SchoolIndex {
    entries: Vec<SchoolEntry>,
    /// Positions of the active units: the default list without a scan.
    active: Vec<u32>,
    by_code: HashMap<String, usize>,
    /// A PJ's attached units (itself excluded), by code.
    units: HashMap<String, Vec<usize>>,
    tokens: Tokens,
    localities: Vec<String>,
}

/// One page of a filtered list.
#[derive(Debug)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

/// One page of what an iterator yields, with the total, in one pass and without holding
/// every match (tens of thousands at national scale): the rows of the page asked for are kept,
/// and those of the last page reached so far, in case the page asked for is past the end.
///
/// When the iterator knows its length (an unfiltered list), only the page is visited.
fn page_of<'a, T: 'a>(matching: impl Iterator<Item = &'a T>, page: u64, size: u64) -> Page<&'a T> {
    let size = size.max(1);
    let wanted = page.max(1);
    if let (known, Some(upper)) = matching.size_hint()
        && known == upper
    {
        let total = known as u64;
        let pages = total.div_ceil(size).max(1);
        let page = wanted.min(pages);
        let skip = usize::try_from((page - 1) * size).unwrap_or(usize::MAX);
        return Page {
            rows: matching.skip(skip).take(size as usize).collect(),
            total,
            page,
            pages,
        };
    }
    let first = (wanted - 1).saturating_mul(size);
    let asked_rows = first..first.saturating_add(size);
    let (mut asked, mut last) = (Vec::new(), Vec::new());
    let mut total = 0u64;
    // No division per row: this loop runs once per match, tens of thousands of times.
    for row in matching {
        if asked_rows.contains(&total) {
            asked.push(row);
        }
        if last.len() as u64 == size {
            last.clear();
        }
        last.push(row);
        total += 1;
    }
    let pages = total.div_ceil(size).max(1);
    let page = wanted.min(pages);
    Page {
        rows: if page == wanted { asked } else { last },
        total,
        page,
        pages,
    }
}

/// The words of a search text, folded, each ready to be searched for in thousands of names
/// (a finder is built once per word, not once per name); every one must be found.
fn words(query: Option<&str>) -> Vec<Finder<'static>> {
    query
        .map(fold)
        .map(|q| {
            q.split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| Finder::new(w.as_bytes()).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The distinct whitespace-separated tokens of many folded keys, each with the positions of
/// the keys that hold it. A search word (which has no space) is inside a key exactly when it
/// is inside one of its tokens, so scanning the vocabulary (a few hundred KiB) answers what
/// scanning every key (megabytes at national scale) would.
#[derive(Debug, Default)]
struct Tokens {
    /// Every distinct token, each followed by a NUL (never in folded text): one haystack a
    /// word is searched in once, instead of tens of thousands of tiny searches.
    text: String,
    /// Where each token starts in `text`, ascending.
    starts: Vec<u32>,
    /// For each token, the keys that hold it.
    positions: Vec<Vec<u32>>,
    keys: usize,
}

impl Tokens {
    fn new<'a>(keys: impl Iterator<Item = &'a str>) -> Tokens {
        let mut by_token: HashMap<&'a str, Vec<u32>> = HashMap::new();
        let mut count = 0;
        for (i, key) in keys.enumerate() {
            count = i + 1;
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for token in key.split_whitespace() {
                let list = by_token.entry(token).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut tokens = Tokens {
            keys: count,
            ..Tokens::default()
        };
        for (token, list) in by_token {
            tokens
                .starts
                .push(u32::try_from(tokens.text.len()).unwrap_or(u32::MAX));
            tokens.text.push_str(token);
            tokens.text.push('\0');
            tokens.positions.push(list);
        }
        tokens
    }

    /// Which keys hold every word (`None`: no words, everything matches).
    fn all_words(&self, words: &[Finder<'static>]) -> Option<Vec<bool>> {
        let mut result: Option<Vec<bool>> = None;
        for word in words {
            let mut hit = vec![false; self.keys];
            let mut last_token = usize::MAX;
            for at in word.find_iter(self.text.as_bytes()) {
                // The token the match starts in (a word has no NUL, so it ends there too).
                let token = self
                    .starts
                    .partition_point(|&start| start as usize <= at)
                    .saturating_sub(1);
                if token == last_token {
                    continue;
                }
                last_token = token;
                for &p in self.positions.get(token).map_or(&[][..], Vec::as_slice) {
                    if let Some(slot) = hit.get_mut(p as usize) {
                        *slot = true;
                    }
                }
            }
            result = Some(match result {
                None => hit,
                Some(before) => before.iter().zip(hit).map(|(a, b)| *a && b).collect(),
            });
        }
        result
    }

    /// Which keys hold this folded text as it is (several words together, in order).
    fn phrase<'k>(&self, text: &str, keys: impl Iterator<Item = &'k str>) -> Vec<bool> {
        let words = words(Some(text));
        let Some(mut hits) = self.all_words(&words) else {
            return vec![true; self.keys];
        };
        if words.len() > 1 {
            let whole = Finder::new(text.as_bytes());
            for (hit, key) in hits.iter_mut().zip(keys) {
                *hit = *hit && whole.find(key.as_bytes()).is_some();
            }
        }
        hits
    }
}

impl SchoolIndex {
    pub fn new(mut entries: Vec<SchoolEntry>) -> SchoolIndex {
        entries.sort_by(|a, b| {
            (
                &a.locality,
                &a.pj_code,
                std::cmp::Reverse(&a.status),
                &a.code,
            )
                .cmp(&(
                    &b.locality,
                    &b.pj_code,
                    std::cmp::Reverse(&b.status),
                    &b.code,
                ))
        });
        let by_code = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        let mut units: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if e.code != e.pj_code {
                units.entry(e.pj_code.clone()).or_default().push(i);
            }
        }
        for list in units.values_mut() {
            list.sort_by(|a, b| entries[*a].code.cmp(&entries[*b].code));
        }
        let localities: BTreeSet<String> = entries
            .iter()
            .filter(|e| e.active)
            .filter_map(|e| e.locality.clone())
            .collect();
        SchoolIndex {
            tokens: Tokens::new(entries.iter().map(|e| e.key.as_str())),
            active: active_positions(entries.iter().map(|e| e.active)),
            entries,
            by_code,
            units,
            localities: localities.into_iter().collect(),
        }
    }

    pub fn get(&self, code: &str) -> Option<&SchoolEntry> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }

    /// A unit's name, or its code when it is not known.
    pub fn name_of(&self, code: &str) -> String {
        self.get(code)
            .map_or_else(|| code.to_string(), |s| s.name.clone())
    }

    /// The units attached to a PJ, by code.
    pub fn units_of(&self, pj: &str) -> Vec<&SchoolEntry> {
        self.units
            .get(pj)
            .map(|list| list.iter().map(|&i| &self.entries[i]).collect())
            .unwrap_or_default()
    }

    /// A unit's position, `u32::MAX` when unknown.
    fn slot(&self, code: &str) -> u32 {
        self.by_code
            .get(code)
            .and_then(|&i| u32::try_from(i).ok())
            .unwrap_or(u32::MAX)
    }

    /// Localities of active units, sorted, for the filter lists.
    pub fn localities(&self) -> &[String] {
        &self.localities
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The units a filter selects, one page of them.
    pub fn search(&self, filter: &SchoolFilter, size: u64) -> Page<&SchoolEntry> {
        page_of(self.matching(filter), filter.page, size)
    }

    /// The units a filter selects, in list order (the search box takes the first few).
    pub fn matching<'a, 'f>(
        &'a self,
        filter: &'f SchoolFilter,
    ) -> impl Iterator<Item = &'a SchoolEntry> + use<'a, 'f> {
        let hits = self.tokens.all_words(&words(filter.query.as_deref()));
        let plain = hits.is_none()
            && filter.locality.is_none()
            && filter.area.is_none()
            && filter.status.is_none();
        match filter.active {
            ActiveFilter::Active if plain => {
                return Either::Left(Either::Left(self.at(&self.active)));
            }
            ActiveFilter::All if plain => return Either::Left(Either::Right(self.entries.iter())),
            _ => {}
        }
        Either::Right(self.entries.iter().enumerate().filter_map(move |(i, e)| {
            let active = match filter.active {
                ActiveFilter::Active => e.active,
                ActiveFilter::Inactive => !e.active,
                ActiveFilter::All => true,
            };
            let active = active
                && filter
                    .locality
                    .as_ref()
                    .is_none_or(|l| e.locality.as_ref() == Some(l))
                && filter
                    .area
                    .as_ref()
                    .is_none_or(|a| e.area.as_ref() == Some(a))
                && filter.status.as_ref().is_none_or(|s| &e.status == s)
                && hits
                    .as_ref()
                    .is_none_or(|h| h.get(i).copied().unwrap_or(false));
            active.then_some(e)
        }))
    }

    /// The units at these positions (taken from `entries`, so always inside it).
    fn at<'a>(&'a self, positions: &'a [u32]) -> impl ExactSizeIterator<Item = &'a SchoolEntry> {
        positions.iter().map(|&i| &self.entries[i as usize])
    }
}

/// One hearing of a case, as the agenda lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HearingEntry {
    pub id: i32,
    pub on: NaiveDate,
    pub time: String,
    pub stage: Option<String>,
}

/// One case with its links (each school's role: the lists show nothing else of a link;
/// the case page reads the rest) and hearings.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEntry {
    pub case: StoredCase,
    pub links: Vec<(String, LinkFacts)>,
    /// Oldest first.
    pub hearings: Vec<HearingEntry>,
    /// Folded object, for the search box.
    object_key: String,
}

impl CaseEntry {
    pub fn new(
        mut case: StoredCase,
        links: Vec<(String, LinkFacts)>,
        mut hearings: Vec<HearingEntry>,
        today: NaiveDate,
    ) -> CaseEntry {
        hearings.sort_by(|a, b| (a.on, &a.time, a.id).cmp(&(b.on, &b.time, b.id)));
        case.facts.next_hearing = hearings.iter().map(|h| h.on).find(|on| *on >= today);
        CaseEntry {
            object_key: case.facts.object.as_deref().map(fold).unwrap_or_default(),
            case,
            links,
            hearings,
        }
    }
}

/// The case register in list order: soonest next hearing first, cases without one after,
/// newer years first, then by id. Each case keeps its slot (its place in `entries`) while the
/// index lives; `order` holds the slots in list order. So a change to one case's hearings
/// moves that case in `order` and in the agenda and copies the rest (arrays of numbers and
/// shared parts), instead of building every part again: what a register pays per hearing.
#[derive(Debug, Default, Clone)]
pub struct CaseIndex {
    /// Entries are shared with the register's own copy of each case.
    entries: Vec<Arc<CaseEntry>>,
    /// The slots in list order.
    order: Vec<u32>,
    /// What the list filters test of each case, by slot, side by side: a filter scans a few
    /// hundred KiB instead of visiting every case's strings (a cache miss each).
    facets: Vec<Facets>,
    by_id: HashMap<i32, u32>,
    /// The slots of the cases with each number.
    by_number: Arc<HashMap<String, Vec<u32>>>,
    /// Every link as (case slot, link position), grouped by school in school-index order, so
    /// a school's cases are found without scanning the register and a name search reads one
    /// array: school n's links are `school_links[school_starts[n]..school_starts[n + 1]]`.
    school_links: Arc<Vec<(u32, u32)>>,
    school_starts: Arc<Vec<u32>>,
    /// Every hearing of an active case, soonest first, so the agenda is a range of it.
    agenda: Vec<AgendaItem>,
    /// The words of the cases' objects, by slot.
    objects: Arc<Tokens>,
    /// Values present, for the filter lists.
    pub courts: Arc<Vec<String>>,
    pub stages: Arc<Vec<String>>,
    pub categories: Arc<Vec<String>>,
}

/// One hearing in the agenda's order: day, minute of the day (0 when unknown, else 1 +
/// minutes), hearing id, the case's slot and the hearing's place in the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct AgendaItem {
    on: NaiveDate,
    minute: u16,
    id: i32,
    slot: u32,
    hearing: u32,
}

fn minute_of(time: &str) -> u16 {
    let mut parts = time.split(':').map(|p| p.parse::<u16>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(h), Some(m)) => 1 + h * 60 + m,
        _ => 0,
    }
}

/// The agenda items of one case (none for a closed case).
fn agenda_items(slot: u32, entry: &CaseEntry) -> impl Iterator<Item = AgendaItem> + '_ {
    entry
        .hearings
        .iter()
        .enumerate()
        .filter(|_| entry.case.active)
        .map(move |(j, h)| AgendaItem {
            on: h.on,
            minute: minute_of(&h.time),
            id: h.id,
            slot,
            hearing: u32::try_from(j).unwrap_or(u32::MAX),
        })
}

/// The positions where a flag is set.
fn active_positions(flags: impl Iterator<Item = bool>) -> Vec<u32> {
    flags
        .enumerate()
        .filter(|(_, on)| *on)
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect()
}

/// One case's filtered facts: whether it is active, and its court, stage and category as
/// positions in the sorted value lists ([`NONE`] when it has none).
#[derive(Debug, Clone, Copy)]
struct Facets {
    active: bool,
    court: u32,
    stage: u32,
    category: u32,
}

const NONE: u32 = u32::MAX;

/// A value's position in a sorted list of distinct values.
fn position_in(values: &[String], value: Option<&String>) -> Option<u32> {
    let at = values.binary_search(value?).ok()?;
    u32::try_from(at).ok()
}

fn distinct<'a>(values: impl Iterator<Item = Option<&'a String>>) -> Vec<String> {
    values
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl CaseIndex {
    pub fn new(entries: Vec<Arc<CaseEntry>>, schools: &SchoolIndex) -> CaseIndex {
        let position = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut order: Vec<u32> = (0..entries.len()).map(position).collect();
        order.sort_unstable_by_key(|&slot| entries[slot as usize].case.list_order());
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.case.id, position(i)))
            .collect();
        let mut by_number: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_number
                .entry(e.case.number.clone())
                .or_default()
                .push(position(i));
        }
        let mut agenda: Vec<AgendaItem> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| agenda_items(position(i), e))
            .collect();
        agenda.sort_unstable();
        // Links to schools the index does not know are left out: never listed, never matched.
        let mut linked: Vec<(u32, u32, u32)> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                e.links
                    .iter()
                    .enumerate()
                    .filter_map(move |(j, (code, _))| {
                        let slot = schools.slot(code);
                        (slot != u32::MAX).then(|| (slot, position(i), position(j)))
                    })
            })
            .collect();
        linked.sort_unstable();
        let school_starts = (0..=schools.len())
            .map(|slot| position(linked.partition_point(|l| (l.0 as usize) < slot)))
            .collect();
        let school_links = linked.into_iter().map(|(_, i, j)| (i, j)).collect();
        let courts = distinct(entries.iter().map(|e| Some(&e.case.court)));
        let stages = distinct(entries.iter().map(|e| e.case.facts.stage.as_ref()));
        let categories = distinct(entries.iter().map(|e| e.case.facts.category.as_ref()));
        let facets = entries
            .iter()
            .map(|e| Facets {
                active: e.case.active,
                court: position_in(&courts, Some(&e.case.court)).unwrap_or(NONE),
                stage: position_in(&stages, e.case.facts.stage.as_ref()).unwrap_or(NONE),
                category: position_in(&categories, e.case.facts.category.as_ref()).unwrap_or(NONE),
            })
            .collect();
        CaseIndex {
            agenda,
            order,
            school_links: Arc::new(school_links),
            school_starts: Arc::new(school_starts),
            by_number: Arc::new(by_number),
            facets,
            objects: Arc::new(Tokens::new(entries.iter().map(|e| e.object_key.as_str()))),
            courts: Arc::new(courts),
            stages: Arc::new(stages),
            categories: Arc::new(categories),
            entries,
            by_id,
        }
    }

    /// This index with one case's hearings (and so its next hearing) replaced by `entry`'s;
    /// `None` when anything else of the case differs (its facts, links, state), or the case
    /// is new: then the index is built again.
    pub fn with_hearings_of(&self, entry: Arc<CaseEntry>) -> Option<CaseIndex> {
        let slot = *self.by_id.get(&entry.case.id)?;
        let old = self.entries.get(slot as usize)?;
        let same = |a: &CaseEntry, b: &CaseEntry| {
            let (x, y) = (&a.case, &b.case);
            (x.court == y.court && x.number == y.number && x.year == y.year)
                && (x.active == y.active && x.source == y.source)
                && (x.facts.category == y.facts.category && x.facts.stage == y.facts.stage)
                && (x.facts.object == y.facts.object && a.links == b.links)
        };
        if !same(old, &entry) {
            return None;
        }
        let mut next = self.clone();
        next.agenda.retain(|a| a.slot != slot);
        for item in agenda_items(slot, &entry) {
            let at = next.agenda.partition_point(|a| *a < item);
            next.agenda.insert(at, item);
        }
        let key = entry.case.list_order();
        next.entries[slot as usize] = entry;
        let was = next.order.iter().position(|&s| s == slot)?;
        next.order.remove(was);
        let entries = &next.entries;
        let at = next
            .order
            .partition_point(|&s| entries[s as usize].case.list_order() < key);
        next.order.insert(at, slot);
        Some(next)
    }

    pub fn get(&self, id: i32) -> Option<&CaseEntry> {
        self.by_id
            .get(&id)
            .map(|&i| self.entries[i as usize].as_ref())
    }

    /// The ids of the cases with this (normalised) number, at any court.
    pub fn with_number(&self, number: &str) -> Vec<i32> {
        self.by_number
            .get(number)
            .map(|positions| {
                positions
                    .iter()
                    .filter_map(|&i| self.entries.get(i as usize).map(|e| e.case.id))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The cases a filter selects, one page of them, with their schools named.
    pub fn search(&self, filter: &CaseFilter, schools: &SchoolIndex, size: u64) -> CasePage {
        let page = page_of(self.matching(filter, schools), filter.page, size);
        CasePage {
            cases: page
                .rows
                .into_iter()
                .map(|e| (e.case.clone(), self.links(e, schools)))
                .collect(),
            total: page.total,
            page: page.page,
            pages: page.pages,
        }
    }

    /// The cases a filter selects, in list order (the search box takes the first few).
    pub fn matching<'a, 'f>(
        &'a self,
        filter: &'f CaseFilter,
        schools: &'a SchoolIndex,
    ) -> impl Iterator<Item = &'a Arc<CaseEntry>> + use<'a, 'f> {
        let selected = self.selection(filter, schools);
        let in_order = self.order.iter().map(|&s| selected[s as usize]).collect();
        Marked::in_order(&self.entries, &self.order, in_order)
    }

    /// Which cases a filter selects, by slot (1 selected, 0 not). Built criterion by
    /// criterion over flat arrays without a branch per case: a scan that tests each case in
    /// turn mispredicts on every unpredictable answer, and costs more than the whole page.
    fn selection(&self, filter: &CaseFilter, schools: &SchoolIndex) -> Vec<u8> {
        let mut selected: Vec<u8> = self
            .facets
            .iter()
            .map(|f| u8::from(filter.include_closed || f.active))
            .collect();
        let facets = [
            (
                &self.courts,
                &filter.court,
                (|f: &Facets| f.court) as fn(&Facets) -> u32,
            ),
            (&self.stages, &filter.stage, |f: &Facets| f.stage),
            (&self.categories, &filter.category, |f: &Facets| f.category),
        ];
        for (values, wanted, of) in facets {
            let Some(wanted) = wanted else { continue };
            // A value no case has selects nothing: NONE - 1 is neither a position nor NONE.
            let wanted = position_in(values, Some(wanted)).unwrap_or(NONE - 1);
            for (s, f) in selected.iter_mut().zip(&self.facets) {
                *s &= u8::from(of(f) == wanted);
            }
        }
        let school = filter.school.as_deref().map(|code| {
            let mut hits = vec![false; self.len()];
            self.mark_school(schools.slot(code), &mut hits);
            hits
        });
        let text = text_hits(filter.query.as_deref(), self, schools);
        for hits in [school, text].into_iter().flatten() {
            for (s, hit) in selected.iter_mut().zip(hits) {
                *s &= u8::from(hit);
            }
        }
        if filter.hearing_from.is_some() || filter.hearing_to.is_some() {
            for (s, e) in selected.iter_mut().zip(&self.entries) {
                *s &= u8::from(within(e, filter.hearing_from, filter.hearing_to));
            }
        }
        selected
    }

    /// The cases linked to a school, by position (none for a school the index does not know).
    fn of_slot(&self, slot: u32) -> &[(u32, u32)] {
        let start = self.school_starts.get(slot as usize).copied();
        let end = self.school_starts.get(slot as usize + 1).copied();
        match (start, end) {
            (Some(start), Some(end)) => self
                .school_links
                .get(start as usize..end as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// Marks the cases linked to a school.
    fn mark_school(&self, slot: u32, hits: &mut [bool]) {
        for &(case, _) in self.of_slot(slot) {
            if let Some(hit) = hits.get_mut(case as usize) {
                *hit = true;
            }
        }
    }

    /// A case's links with the schools' names.
    pub fn links(&self, entry: &CaseEntry, schools: &SchoolIndex) -> Vec<CaseLink> {
        entry
            .links
            .iter()
            .map(|(code, facts)| CaseLink {
                case_id: entry.case.id,
                school_code: code.clone(),
                school_name: schools.name_of(code),
                facts: facts.clone(),
            })
            .collect()
    }

    /// Hearings of active cases between two days (inclusive), soonest first: the total and
    /// `limit` of them from `offset`.
    pub fn agenda(
        &self,
        (from, to): (NaiveDate, NaiveDate),
        schools: &SchoolIndex,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<Hearing>) {
        let start = self.agenda.partition_point(|a| a.on < from);
        let end = self.agenda.partition_point(|a| a.on <= to).max(start);
        let total = end - start;
        let hearings = self.agenda[start..end]
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|a| {
                let e = self.entries.get(a.slot as usize)?;
                Some((e, e.hearings.get(a.hearing as usize)?))
            })
            .map(|(e, h)| Hearing {
                hearing_id: h.id,
                on: h.on,
                time: h.time.clone(),
                stage: h.stage.clone().or_else(|| e.case.facts.stage.clone()),
                case_id: e.case.id,
                number: e.case.number.clone(),
                court: e.case.court.clone(),
                schools: e
                    .links
                    .iter()
                    .map(|(code, _)| {
                        let name = schools.name_of(code);
                        (code.clone(), name)
                    })
                    .collect(),
            })
            .collect();
        (total, hearings)
    }
}

fn within(entry: &CaseEntry, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    entry
        .hearings
        .iter()
        .any(|h| from.is_none_or(|f| h.on >= f) && to.is_none_or(|t| h.on <= t))
}

/// The rows a selection marks, in order, knowing how many there are: a page skips to its
/// rows with memchr and the total is one count, with no test per row.
pub struct Marked<'a, T> {
    rows: &'a [T],
    /// The rows' places in list order (`None`: `rows` are in order); `selected` follows it.
    order: Option<&'a [u32]>,
    selected: Vec<u8>,
    at: usize,
    left: usize,
}

impl<'a, T> Marked<'a, T> {
    #[cfg(test)]
    fn new(rows: &'a [T], selected: Vec<u8>) -> Marked<'a, T> {
        Marked::build(rows, None, selected)
    }

    /// Rows kept by slot, listed in `order`; `selected` is in list order.
    fn in_order(rows: &'a [T], order: &'a [u32], selected: Vec<u8>) -> Marked<'a, T> {
        Marked::build(rows, Some(order), selected)
    }

    fn build(rows: &'a [T], order: Option<&'a [u32]>, selected: Vec<u8>) -> Marked<'a, T> {
        let left = selected.iter().map(|&s| usize::from(s)).sum();
        Marked {
            rows,
            order,
            selected,
            at: 0,
            left,
        }
    }

    fn row(&self, place: usize) -> Option<&'a T> {
        match self.order {
            Some(order) => self.rows.get(*order.get(place)? as usize),
            None => self.rows.get(place),
        }
    }
}

impl<'a, T> Iterator for Marked<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        let found = self.at + memchr::memchr(1, self.selected.get(self.at..)?)?;
        self.at = found + 1;
        self.left = self.left.saturating_sub(1);
        self.row(found)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }

    /// Skips whole blocks by counting their marks, so a late page costs no walk row by row.
    fn nth(&mut self, mut n: usize) -> Option<&'a T> {
        const BLOCK: usize = 256;
        while let Some(block) = self.selected.get(self.at..self.at + BLOCK) {
            let marks: usize = block.iter().map(|&s| usize::from(s)).sum();
            if marks > n {
                break;
            }
            n -= marks;
            self.at += BLOCK;
            self.left = self.left.saturating_sub(marks);
        }
        for _ in 0..n {
            self.next()?;
        }
        self.next()
    }
}

/// The cases the search box text of the case list selects, by position: a case number
/// however typed, a school's SIIIR code, or the folded text inside the object or a linked
/// school's name (`None`: no text, every case).
fn text_hits(query: Option<&str>, cases: &CaseIndex, schools: &SchoolIndex) -> Option<Vec<bool>> {
    let text = query.map(str::trim).filter(|t| !t.is_empty())?;
    let mut hits = vec![false; cases.len()];
    if let Ok(number) = CaseNumber::parse(text) {
        for &i in cases
            .by_number
            .get(&number.to_string())
            .map_or(&[][..], Vec::as_slice)
        {
            if let Some(hit) = hits.get_mut(i as usize) {
                *hit = true;
            }
        }
    } else if let Some(code) = SiiirCode::from_exact(text) {
        cases.mark_school(schools.slot(code.as_str()), &mut hits);
    } else {
        let folded = fold(text);
        hits = cases
            .objects
            .phrase(&folded, cases.entries.iter().map(|e| e.object_key.as_str()));
        let named = schools
            .tokens
            .phrase(&folded, schools.entries.iter().map(|e| e.key.as_str()));
        for (slot, _) in named.iter().enumerate().filter(|(_, hit)| **hit) {
            cases.mark_school(u32::try_from(slot).unwrap_or(NONE), &mut hits);
        }
    }
    Some(hits)
}

/// Current designees with their folded names, for the search box.
#[derive(Debug, Default)]
pub struct DesigneeIndex {
    entries: Vec<(String, super::designee::StoredDesignee)>,
    by_school: HashMap<String, usize>,
    /// Certificate evidence of current designees, by designee id.
    evidence: HashMap<i32, super::designee::CazierEvidence>,
    /// Earlier designees of each school (the current one is in `entries`).
    earlier: HashMap<String, Vec<super::designee::StoredDesignee>>,
}

impl DesigneeIndex {
    /// From every designee, current and earlier, and the current ones' evidence.
    pub fn new(
        designees: Vec<super::designee::StoredDesignee>,
        evidence: HashMap<i32, super::designee::CazierEvidence>,
    ) -> DesigneeIndex {
        let (current, past): (Vec<_>, Vec<_>) =
            designees.into_iter().partition(|d| d.valid_to.is_none());
        let mut earlier: HashMap<String, Vec<super::designee::StoredDesignee>> = HashMap::new();
        for d in past {
            earlier.entry(d.school_code.clone()).or_default().push(d);
        }
        let mut entries: Vec<_> = current
            .into_iter()
            .map(|d| (fold(&d.facts.full_name), d))
            .collect();
        entries.sort_by(|a, b| (&a.1.facts.full_name, a.1.id).cmp(&(&b.1.facts.full_name, b.1.id)));
        let by_school = entries
            .iter()
            .enumerate()
            .map(|(i, (_, d))| (d.school_code.clone(), i))
            .collect();
        DesigneeIndex {
            entries,
            by_school,
            evidence,
            earlier,
        }
    }

    /// A school's designees, newest first, as its page lists them.
    pub fn history_of(&self, school: &str) -> Vec<super::designee::StoredDesignee> {
        let mut all: Vec<_> = self.current_of(school).into_iter().cloned().collect();
        all.extend(self.earlier.get(school).into_iter().flatten().cloned());
        all.sort_by_key(|d| std::cmp::Reverse(d.id));
        all
    }

    /// The certificate evidence of a school's current designee.
    pub fn evidence_of(&self, school: &str) -> Option<&super::designee::CazierEvidence> {
        self.evidence.get(&self.current_of(school)?.id)
    }

    /// A school's current designee.
    pub fn current_of(&self, school: &str) -> Option<&super::designee::StoredDesignee> {
        self.by_school.get(school).map(|&i| &self.entries[i].1)
    }

    /// Designees whose name, e-mail or phone matches: the name folded, the e-mail as typed
    /// (lower case), the phone by its digits without the leading zero (`0722 111 222` finds
    /// `+40722111222`).
    pub fn find(&self, text: &str, limit: usize) -> Vec<&super::designee::StoredDesignee> {
        let key = fold(text);
        let email = text.trim().to_lowercase();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let phone_tail = digits.trim_start_matches('0');
        self.entries
            .iter()
            .filter(|(name, d)| {
                name.contains(&key)
                    || d.facts.email.as_deref().is_some_and(|e| e.contains(&email))
                    || (phone_tail.len() >= 6
                        && d.facts
                            .phone
                            .as_deref()
                            .is_some_and(|p| p.contains(phone_tail)))
            })
            .map(|(_, d)| d)
            .take(limit)
            .collect()
    }
}

/// A school's cases as its page lists them: active first, soonest hearing first, cases
/// without a hearing after.
pub fn school_case_order(cases: &mut [(StoredCase, LinkFacts)]) {
    cases.sort_by_key(|(case, _)| {
        (
            !case.active,
            case.facts.next_hearing.is_none(),
            case.facts.next_hearing,
        )
    });
}

impl CaseIndex {
    /// A school's cases, each with that school's link (role and access), in page order.
    pub fn of_school(&self, schools: &SchoolIndex, code: &str) -> Vec<(StoredCase, LinkFacts)> {
        let mut cases: Vec<(StoredCase, LinkFacts)> = self
            .of_slot(schools.slot(code))
            .iter()
            .filter_map(|&(entry, link)| {
                let entry = self.entries.get(entry as usize)?;
                let (_, facts) = entry.links.get(link as usize)?;
                Some((entry.case.clone(), facts.clone()))
            })
            .collect();
        school_case_order(&mut cases);
        cases
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case_import::CaseFacts;

    #[test]
    fn marked_rows_skip_and_count_like_a_filter() {
        let rows: Vec<usize> = (0..1000).collect();
        let selected: Vec<u8> = rows
            .iter()
            .map(|i| u8::from(i % 7 == 3 || i % 11 == 0))
            .collect();
        let expected: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|i| i % 7 == 3 || i % 11 == 0)
            .collect();
        let all: Vec<usize> = Marked::new(&rows, selected.clone()).copied().collect();
        assert_eq!(all, expected);
        assert_eq!(
            Marked::new(&rows, selected.clone()).size_hint().0,
            expected.len()
        );
        for skip in [
            0,
            1,
            36,
            37,
            38,
            100,
            200,
            expected.len() - 1,
            expected.len(),
            5000,
        ] {
            let mut marked = Marked::new(&rows, selected.clone());
            assert_eq!(marked.nth(skip), expected.get(skip), "nth({skip})");
            assert_eq!(
                marked.size_hint().0,
                expected.len().saturating_sub(skip + 1)
            );
            assert_eq!(marked.next(), expected.get(skip + 1), "after nth({skip})");
        }
        let page = page_of(Marked::new(&rows, selected), 3, 50);
        assert_eq!(
            page.rows.iter().map(|r| **r).collect::<Vec<_>>(),
            expected[100..150]
        );
        assert_eq!(page.total as usize, expected.len());
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        let rows: Vec<u32> = (1..=7).collect();
        let page = |n: u64, size: u64| {
            let p = page_of(rows.iter(), n, size);
            (
                p.rows.into_iter().copied().collect::<Vec<_>>(),
                p.total,
                p.page,
                p.pages,
            )
        };
        assert_eq!(page(1, 3), (vec![1, 2, 3], 7, 1, 3));
        assert_eq!(page(3, 3), (vec![7], 7, 3, 3));
        assert_eq!(page(9, 3), (vec![7], 7, 3, 3), "past the end");
        assert_eq!(page(0, 3), (vec![1, 2, 3], 7, 1, 3), "page 0 is the first");
        assert_eq!(
            page(5, 7),
            (vec![1, 2, 3, 4, 5, 6, 7], 7, 1, 1),
            "exactly one page"
        );
        assert_eq!(page(3, 2), (vec![5, 6], 7, 3, 4));
        let none = page_of(std::iter::empty::<&u32>(), 4, 3);
        assert_eq!(
            (none.rows.len(), none.total, none.page, none.pages),
            (0, 0, 1, 1)
        );
    }

    #[test]
    fn words_are_found_inside_tokens_never_across_them() {
        let keys = [
            "scoala gimnaziala deva",
            "liceul teoretic deva",
            "scoala hateg",
        ];
        let tokens = Tokens::new(keys.iter().copied());
        let hits = |q: &str| tokens.all_words(&words(Some(q)));
        assert_eq!(hits("scoala"), Some(vec![true, false, true]));
        assert_eq!(
            hits("coal"),
            Some(vec![true, false, true]),
            "inside a token"
        );
        assert_eq!(
            hits("deva scoala"),
            Some(vec![true, false, false]),
            "every word"
        );
        // "teoreticdeva" would only exist by joining two tokens: no match.
        assert_eq!(hits("ticdev"), Some(vec![false, false, false]));
        assert_eq!(hits("zzz"), Some(vec![false, false, false]));
        assert_eq!(hits(""), None, "no words: everything matches");
    }

    fn school(code: &str, locality: &str, name: &str, status: &str, pj: &str) -> SchoolEntry {
        SchoolEntry {
            code: code.into(),
            pj_code: pj.into(),
            status: status.into(),
            name: name.into(),
            locality: Some(locality.into()),
            area: Some("URBAN".into()),
            active: true,
            key: fold(&format!("{name} {locality} {code}")),
        }
    }

    fn schools() -> SchoolIndex {
        SchoolIndex::new(vec![
            school("3", "DEVA", "Liceul Teoretic Traian", "PJ", "3"),
            school("4", "DEVA", "Grădinița nr. 1", "AR", "3"),
            school("1", "BRAD", "Școala Gimnazială Avram Iancu", "PJ", "1"),
        ])
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    fn index(entries: Vec<CaseEntry>, schools: &SchoolIndex) -> CaseIndex {
        CaseIndex::new(entries.into_iter().map(Arc::new).collect(), schools)
    }

    fn case(id: i32, number: &str, object: &str, school: &str, hearings: &[u32]) -> CaseEntry {
        let stored = StoredCase {
            id,
            court: "TribunalulHUNEDOARA".into(),
            number: number.into(),
            year: 2026,
            facts: CaseFacts {
                stage: Some("Fond".into()),
                object: Some(object.into()),
                ..Default::default()
            },
            active: true,
            source: "import".into(),
        };
        let hearings = hearings
            .iter()
            .enumerate()
            .map(|(i, d)| HearingEntry {
                id: id * 10 + i as i32,
                on: day(*d),
                time: "09:00".into(),
                stage: None,
            })
            .collect();
        CaseEntry::new(
            stored,
            vec![(school.into(), LinkFacts::default())],
            hearings,
            day(10),
        )
    }

    #[test]
    fn the_unfiltered_school_list_pages_like_a_filtered_one() {
        let mut entries = vec![
            school("3", "DEVA", "Liceul Teoretic Traian", "PJ", "3"),
            school("4", "DEVA", "Grădinița nr. 1", "AR", "3"),
            school("1", "BRAD", "Școala Gimnazială Avram Iancu", "PJ", "1"),
        ];
        entries[1].active = false;
        let index = SchoolIndex::new(entries);
        let codes = |active: ActiveFilter, area: Option<&str>, page: u64| {
            let filter = SchoolFilter {
                active,
                area: area.map(String::from),
                page,
                ..Default::default()
            };
            let found = index.search(&filter, 1);
            let codes: Vec<&str> = found.rows.iter().map(|e| e.code.as_str()).collect();
            (codes, found.total, found.page, found.pages)
        };
        assert_eq!(codes(ActiveFilter::Active, None, 2), (vec!["3"], 2, 2, 2));
        assert_eq!(codes(ActiveFilter::All, None, 3), (vec!["4"], 3, 3, 3));
        for page in 0..=4 {
            // Every unit is urban: the scanning path must give the same pages.
            for active in [ActiveFilter::Active, ActiveFilter::All] {
                assert_eq!(
                    codes(active, None, page),
                    codes(active, Some("URBAN"), page)
                );
            }
        }
    }

    #[test]
    fn schools_in_list_order_with_every_filter() {
        let index = schools();
        let all = index.search(
            &SchoolFilter {
                page: 1,
                ..Default::default()
            },
            50,
        );
        let codes: Vec<&str> = all.rows.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            ["1", "3", "4"],
            "locality, then the PJ before its units"
        );
        let filter = SchoolFilter {
            query: Some("gradinita deva".into()),
            page: 1,
            ..Default::default()
        };
        assert_eq!(index.search(&filter, 50).total, 1);
        let filter = SchoolFilter {
            status: Some("PJ".into()),
            locality: Some("DEVA".into()),
            page: 9,
            ..Default::default()
        };
        let page = index.search(&filter, 50);
        assert_eq!(
            (page.total, page.page, page.pages),
            (1, 1, 1),
            "page clamped"
        );
        assert_eq!(index.localities(), ["BRAD", "DEVA"]);
        let units: Vec<&str> = index
            .units_of("3")
            .iter()
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(units, ["4"]);
        assert!(index.units_of("1").is_empty());
    }

    #[test]
    fn a_school_page_lists_its_own_links_and_never_unknown_schools() {
        let mut shared = case(2, "2/97/2026", "anulare act", "3", &[20]);
        let own = LinkFacts {
            role: Some("Pârât".into()),
            access_requested_on: Some(day(3)),
            ..LinkFacts::default()
        };
        shared.links.push(("1".into(), own.clone()));
        let index = index(
            vec![
                case(1, "1/97/2026", "drepturi", "1", &[12]),
                shared,
                case(3, "3/97/2026", "drepturi", "9999", &[]),
                case(4, "4/97/2026", "drepturi", "8888", &[]),
            ],
            &schools(),
        );
        let listed = index.of_school(&schools(), "1");
        let ids: Vec<i32> = listed.iter().map(|(c, _)| c.id).collect();
        assert_eq!(ids, [1, 2], "soonest hearing first");
        assert_eq!(
            listed[1].1, own,
            "the school's own link, not the other school's"
        );
        assert!(index.of_school(&schools(), "9999").is_empty());
        assert!(index.of_school(&schools(), "4").is_empty());
    }

    #[test]
    fn designee_history_newest_first_with_the_current_one() {
        use crate::domain::designee::{CazierEvidence, DesigneeFacts, StoredDesignee};
        let at = chrono::DateTime::<chrono::Utc>::default();
        let person = |id: i32, school: &str, name: &str, current: bool| StoredDesignee {
            id,
            school_code: school.into(),
            facts: DesigneeFacts {
                full_name: name.into(),
                ..DesigneeFacts::default()
            },
            valid_from: at,
            valid_to: (!current).then_some(at),
            confirmed_at: None,
            confirmed_by: None,
            recorded_by: "test".into(),
            anonymised_at: None,
        };
        let evidence = CazierEvidence {
            number: "CJ-1".into(),
            issued_on: day(1),
            valid_until: day(28),
        };
        let index = DesigneeIndex::new(
            vec![
                person(1, "3", "Ion Pop", false),
                person(5, "3", "Ana Ene", true),
                person(3, "3", "Dan Ilie", false),
                person(4, "1", "Eva Stan", true),
            ],
            HashMap::from([(5, evidence.clone()), (3, evidence.clone())]),
        );
        let ids: Vec<i32> = index.history_of("3").iter().map(|d| d.id).collect();
        assert_eq!(ids, [5, 3, 1]);
        assert_eq!(index.current_of("3").map(|d| d.id), Some(5));
        assert_eq!(index.evidence_of("3"), Some(&evidence));
        assert_eq!(
            index.evidence_of("1"),
            None,
            "only the current one's evidence"
        );
        assert!(index.history_of("9").is_empty());
        assert_eq!(
            index.find("ion", 10).len(),
            0,
            "earlier designees are not searched"
        );
    }

    #[test]
    fn the_unfiltered_case_list_skips_closed_cases_unless_asked_and_pages_like_a_filtered_one() {
        let mut closed = case(2, "2/97/2026", "anulare", "3", &[11]);
        closed.case.active = false;
        let index = index(
            vec![
                case(1, "1/97/2026", "anulare", "1", &[12]),
                closed,
                case(3, "3/97/2026", "anulare", "4", &[13]),
            ],
            &schools(),
        );
        let ids = |include_closed: bool, query: Option<&str>, page: u64| {
            let filter = CaseFilter {
                include_closed,
                query: query.map(String::from),
                page,
                ..Default::default()
            };
            let found = index.search(&filter, &schools(), 1);
            let ids: Vec<i32> = found.cases.iter().map(|(c, _)| c.id).collect();
            (ids, found.total, found.page, found.pages)
        };
        assert_eq!(ids(false, None, 1), (vec![1], 2, 1, 2));
        assert_eq!(ids(false, None, 2), (vec![3], 2, 2, 2));
        assert_eq!(ids(false, None, 7), (vec![3], 2, 2, 2), "past the end");
        // Closed cases keep their place in list order (the 11th comes first).
        assert_eq!(ids(true, None, 1), (vec![2], 3, 1, 3));
        assert_eq!(ids(true, None, 3), (vec![3], 3, 3, 3));
        // A filter every case passes takes the scanning path: same answers.
        assert_eq!(ids(false, Some("anulare"), 2), ids(false, None, 2));
        assert_eq!(ids(true, Some("anulare"), 2), ids(true, None, 2));
    }

    #[test]
    fn links_to_unknown_schools_are_never_matched_by_another_unknown_code() {
        let index = index(
            vec![
                case(1, "1/97/2026", "anulare", "1", &[]),
                case(2, "2/97/2026", "anulare", "7777777777", &[]),
            ],
            &schools(),
        );
        let total = |school: Option<&str>, query: Option<&str>| {
            let filter = CaseFilter {
                school: school.map(String::from),
                query: query.map(String::from),
                page: 1,
                ..Default::default()
            };
            index.search(&filter, &schools(), 50).total
        };
        assert_eq!(total(None, None), 2);
        assert_eq!(total(Some("1"), None), 1);
        assert_eq!(total(Some("9999999999"), None), 0);
        assert_eq!(total(None, Some("9999999999")), 0);
        assert_eq!(total(None, Some("7777777777")), 0, "not in the index");
        assert!(index.of_school(&schools(), "7777777777").is_empty());
        assert_eq!(index.of_school(&schools(), "1").len(), 1);
    }

    /// What a list and the agenda show of an index: the cases in list order with their next
    /// hearing, and every agenda row.
    type Shown = (Vec<(i32, Option<NaiveDate>)>, Vec<(i32, NaiveDate, String)>);

    fn shown(index: &CaseIndex) -> Shown {
        let filter = CaseFilter {
            today: day(10),
            include_closed: true,
            page: 1,
            ..Default::default()
        };
        let list = index
            .search(&filter, &schools(), 500)
            .cases
            .into_iter()
            .map(|(c, _)| (c.id, c.facts.next_hearing))
            .collect();
        let agenda = index
            .agenda((day(1), day(31)), &schools(), 0, 500)
            .1
            .into_iter()
            .map(|h| (h.hearing_id, h.on, h.time))
            .collect();
        (list, agenda)
    }

    #[test]
    fn a_case_moved_for_its_hearings_lists_as_a_rebuilt_index_does() {
        let mut entries = vec![
            case(1, "1/97/2026", "drepturi", "1", &[]),
            case(2, "2/97/2026", "anulare", "3", &[5, 20]),
            case(3, "3/97/2026", "drepturi", "4", &[12]),
            case(4, "4/97/2026", "altceva", "1", &[25, 11]),
        ];
        let before = index(entries.clone(), &schools());
        // Case 1 gets a hearing on the 11th at 08:30: it moves to the top of the list.
        let mut changed = entries[0].clone();
        changed.hearings.push(HearingEntry {
            id: 99,
            on: day(11),
            time: "08:30".into(),
            stage: None,
        });
        let changed = CaseEntry::new(
            changed.case.clone(),
            changed.links,
            changed.hearings,
            day(10),
        );
        let moved = before
            .with_hearings_of(Arc::new(changed.clone()))
            .expect("moved in place");
        entries[0] = changed;
        assert_eq!(shown(&moved), shown(&index(entries.clone(), &schools())));
        assert_eq!(shown(&moved).0[0], (1, Some(day(11))));
        // And back: the hearing removed, case 1 without hearings goes last again.
        let bare = CaseEntry::new(
            entries[0].case.clone(),
            entries[0].links.clone(),
            Vec::new(),
            day(10),
        );
        let back = moved.with_hearings_of(Arc::new(bare)).expect("moved back");
        assert_eq!(shown(&back), shown(&before));
        // A change of anything but hearings is not done in place.
        let mut other = entries[1].clone();
        other.links.push(("3".into(), LinkFacts::default()));
        assert!(moved.with_hearings_of(Arc::new(other)).is_none());
    }

    #[test]
    fn cases_soonest_hearing_first_and_text_search() {
        let index = index(
            vec![
                case(1, "1/97/2026", "drepturi salariale", "1", &[]),
                case(2, "2/97/2026", "anulare act", "3", &[5, 20]),
                case(3, "3/97/2026", "Drepturi bănești", "4", &[12]),
            ],
            &schools(),
        );
        let filter = |q: Option<&str>| CaseFilter {
            query: q.map(String::from),
            today: day(10),
            page: 1,
            ..Default::default()
        };
        let page = index.search(&filter(None), &schools(), 50);
        let order: Vec<i32> = page.cases.iter().map(|(c, _)| c.id).collect();
        assert_eq!(
            order,
            [3, 2, 1],
            "12th, then 20th (the 5th is past), then none"
        );
        assert_eq!(page.cases[1].0.facts.next_hearing, Some(day(20)));
        let by_text = index.search(&filter(Some("drepturi")), &schools(), 50);
        assert_eq!(
            by_text.total, 2,
            "diacritics and case ignored in the object"
        );
        let by_school = index.search(&filter(Some("avram iancu")), &schools(), 50);
        assert_eq!(by_school.cases[0].0.id, 1);
        assert_eq!(by_school.total, 1);
        let partial = index.search(&filter(Some("ianc")), &schools(), 50);
        assert_eq!(partial.total, 1, "part of a word");
        let reversed = index.search(&filter(Some("iancu avram")), &schools(), 50);
        assert_eq!(reversed.total, 0, "the words as typed, together");
        assert_eq!(
            by_school.cases[0].1[0].school_name,
            "Școala Gimnazială Avram Iancu"
        );
        let by_number = index.search(&filter(Some("Dosar nr. 2 / 97 / 2026")), &schools(), 50);
        assert_eq!(by_number.total, 1);
        let by_code = CaseFilter {
            school: Some("4".into()),
            ..filter(None)
        };
        assert_eq!(index.search(&by_code, &schools(), 50).cases[0].0.id, 3);
        let facet = |court: &str, stage: Option<&str>, category: Option<&str>| {
            let filter = CaseFilter {
                court: Some(court.into()),
                stage: stage.map(String::from),
                category: category.map(String::from),
                ..filter(None)
            };
            index.search(&filter, &schools(), 50).total
        };
        assert_eq!(facet("TribunalulHUNEDOARA", Some("Fond"), None), 3);
        assert_eq!(
            facet("TribunalulHUNEDOARA", Some("Apel"), None),
            0,
            "no case has it"
        );
        assert_eq!(facet("TribunalulCLUJ", None, None), 0, "no case has it");
        assert_eq!(
            facet("TribunalulHUNEDOARA", None, Some("Civil")),
            0,
            "no category"
        );
        let ranged = CaseFilter {
            hearing_from: Some(day(1)),
            hearing_to: Some(day(6)),
            ..filter(None)
        };
        assert_eq!(index.search(&ranged, &schools(), 50).total, 1);
        let (total, agenda) = index.agenda((day(10), day(31)), &schools(), 0, 1);
        assert_eq!((total, agenda.len(), agenda[0].case_id), (2, 1, 3));
        let (_, second) = index.agenda((day(10), day(31)), &schools(), 1, 1);
        assert_eq!(second[0].case_id, 2);
        assert_eq!(*index.stages, ["Fond"]);
    }
}
