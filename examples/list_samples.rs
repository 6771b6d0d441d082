#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Writes the sample litigation list and designee list in `imports/` from the committed HD
//! school network. Parties and people are invented; courts and schools are real. Each row's
//! `Observații` says what is special about it; rows marked `respins:` must be rejected and
//! rows marked `avertisment:` must carry a warning (the integration tests check both).
//!
//! cargo run --example list_samples

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

const SCHOOLS_CSV: &str = "imports/retea-scolara-2024-2025-HD.csv";

enum V {
    S(String),
    N(f64),
    D(u16, u8, u8),
    E,
}

fn s(text: &str) -> V {
    V::S(text.to_string())
}

struct Schools {
    pj: Vec<(String, String)>,
    ar: Vec<(String, String)>,
}

fn load_schools() -> Result<Schools, Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(SCHOOLS_CSV)?;
    let headers = reader.headers()?.clone();
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or(format!("no column {name}"))
    };
    let (code, status, name) = (
        index("Cod SIIIR unitate")?,
        index("Statut unitate")?,
        index("Denumire lunga unitate")?,
    );
    let mut schools = Schools {
        pj: Vec::new(),
        ar: Vec::new(),
    };
    for record in reader.records() {
        let record = record?;
        let entry = (record[code].to_string(), record[name].to_string());
        if &record[status] == "PJ" {
            schools.pj.push(entry)
        } else {
            schools.ar.push(entry)
        }
    }
    Ok(schools)
}

/// A small deterministic generator, so the sample is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const COURTS: &[(&str, u32)] = &[
    ("Tribunalul Hunedoara", 97),
    ("Judecătoria Deva", 221),
    ("Judecătoria Petroșani", 278),
    ("Judecătoria Hunedoara", 243),
    ("Judecătoria Hațeg", 226),
    ("Judecătoria Orăștie", 280),
    ("Judecătoria Brad", 201),
    ("Curtea de Apel Alba Iulia", 57),
];
const ROLES: &[&str] = &[
    "pârât",
    "reclamant",
    "intimat",
    "pârât",
    "chemat în garanție",
    "intervenient",
    "Intimat Pârât",
];
const OBJECTS: &[(&str, &str, &str)] = &[
    ("drepturi salariale", "Litigii de muncă", "Fond"),
    (
        "contestație decizie de concediere",
        "Litigii de muncă",
        "Fond",
    ),
    (
        "anulare act administrativ",
        "Contencios administrativ și fiscal",
        "Fond",
    ),
    ("pretenții", "Civil", "Apel"),
    ("obligație de a face", "Civil", "Fond"),
    (
        "litigiu privind funcționarii publici",
        "Contencios administrativ și fiscal",
        "Recurs",
    ),
    ("despăgubiri", "Civil", "Fond"),
];
const PARTIES: &[&str] = &[
    "Sindicatul Învățământului Exemplu",
    "SC Construct Exemplu SRL",
    "Popescu Ana (nume inventat)",
    "Ionescu Mihai (nume inventat)",
    "Asociația Părinților Exemplu",
    "Consiliul Local Exemplu",
];

fn case_rows(schools: &Schools) -> Vec<[V; 13]> {
    let mut rng = Lcg(2026);
    let mut rows: Vec<[V; 13]> = Vec::new();
    let date_forms = |rng: &mut Lcg, y: u16, m: u8, d: u8| -> V {
        match rng.next(9) {
            0..=2 => V::D(y, m, d),
            3 => V::N(excel_serial(y, m, d)),
            4 => V::S(format!("{d:02}.{m:02}.{y}")),
            5 => V::S(format!("{d:02}.{m:02}.{:02}", y % 100)),
            6 => V::S(format!("{d:02}/{m:02}/{y}")),
            7 => V::S(format!("{y}-{m:02}-{d:02}")),
            _ => V::S(format!(
                "{d} {} {y}",
                [
                    "ianuarie",
                    "feb.",
                    "martie",
                    "aprilie",
                    "mai",
                    "iunie",
                    "iulie",
                    "aug.",
                    "septembrie",
                    "oct.",
                    "noiembrie",
                    "decembrie"
                ][usize::from(m) - 1]
            )),
        }
    };
    // Ordinary rows: 80 schools, one to two cases each, numbers written in every accepted form.
    for (i, (code, _)) in schools.pj.iter().take(80).enumerate() {
        for k in 0..(1 + i % 2) {
            let (court, court_number) = COURTS[rng.next(COURTS.len())];
            let sequence = 1000 + i * 10 + k;
            let year = 2023 + rng.next(4);
            let number = match rng.next(8) {
                0 => format!("Dosar nr. {sequence}/{court_number}/{year}"),
                1 => format!("nr {sequence}/{court_number}/{year}"),
                2 => format!("{sequence} / {court_number} / {year}"),
                3 => format!("{sequence}\u{a0}/\u{a0}{court_number}/{year}"),
                4 => format!("{sequence}–{court_number}–{year}"),
                5 => format!("{sequence}/{court_number}/{year}/a1"),
                _ => format!("{sequence}/{court_number}/{year}"),
            };
            let court_cell = match rng.next(6) {
                0 => s(&court.to_uppercase()),
                1 => s(&fold_ascii(court)),
                _ => s(court),
            };
            let (object, category, stage) = OBJECTS[rng.next(OBJECTS.len())];
            let month = 1 + rng.next(6) as u8;
            let day = 1 + rng.next(27) as u8;
            let hearing = if rng.next(3) == 0 {
                V::E
            } else {
                date_forms(&mut rng, 2027, month, day)
            };
            let day = 2 + rng.next(20) as u8;
            let requested = if rng.next(2) == 0 {
                date_forms(&mut rng, 2026, 11, day)
            } else {
                V::E
            };
            let approved = match (&requested, rng.next(2)) {
                (V::E, _) | (_, 0) => V::E,
                _ => V::D(2026, 11, 24),
            };
            let code_cell = if (i + k) % 5 == 0 {
                V::N(code.parse().unwrap_or(0.0))
            } else {
                s(code)
            };
            rows.push([
                code_cell,
                V::E,
                V::S(number),
                court_cell,
                s(ROLES[rng.next(ROLES.len())]),
                s(object),
                s(category),
                s(stage),
                hearing,
                s(PARTIES[rng.next(PARTIES.len())]),
                requested,
                approved,
                V::E,
            ]);
        }
    }
    // One union case against eight schools: one case, eight links.
    for (code, _) in schools.pj.iter().skip(80).take(8) {
        rows.push([
            s(code),
            V::E,
            s("2417/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("drepturi salariale"),
            s("Litigii de muncă"),
            s("Fond"),
            V::D(2026, 12, 3),
            s(PARTIES[0]),
            V::E,
            V::E,
            s("dosar cu mai multe unități"),
        ]);
    }
    let pj = |i: usize| schools.pj[i].0.clone();
    let pj_name = |i: usize| schools.pj[i].1.clone();
    let ar = |i: usize| schools.ar[i].0.clone();
    let special: Vec<[V; 13]> = vec![
        [
            V::S(ar(0)),
            V::E,
            s("3120/221/2026"),
            s("Judecătoria Deva"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::D(2026, 12, 10),
            s(PARTIES[1]),
            V::E,
            V::E,
            s("avertisment: structură arondată, dosarul trece la unitatea PJ"),
        ],
        [
            V::E,
            V::S(pj_name(90)),
            s("3121/221/2026"),
            s("Judecătoria Deva"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            s(PARTIES[1]),
            V::E,
            V::E,
            s("avertisment: fără cod, unitate găsită după denumire"),
        ],
        [
            s(&pj(91)),
            V::E,
            s("3122/97/2026"),
            V::E,
            s("reclamant"),
            s("anulare act administrativ"),
            s("Contencios administrativ și fiscal"),
            s("Fond"),
            V::E,
            s(PARTIES[5]),
            V::E,
            V::E,
            s("avertisment: instanța dedusă din număr (97)"),
        ],
        [
            s(&pj(92)),
            V::E,
            s("3123/97/2026*"),
            s("TribunalulHUNEDOARA"),
            s("pârât"),
            s("despăgubiri"),
            s("Civil"),
            s("Fond"),
            s("15.01.2027 09:30"),
            s(PARTIES[2]),
            V::E,
            V::E,
            s("cod de portal, termen cu oră"),
        ],
        [
            s(&pj(93)),
            V::E,
            s("3124/57/2025"),
            s("Înalta Curte de Casație și Justiție"),
            s("intimat"),
            s("litigiu privind funcționarii publici"),
            s("Contencios administrativ și fiscal"),
            s("Recurs"),
            s("3 martie 2027"),
            s(PARTIES[3]),
            V::E,
            V::E,
            s("recurs la ÎCCJ, numărul păstrat"),
        ],
        [
            s(&pj(94)),
            V::E,
            s("3125/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            s(PARTIES[1]),
            V::E,
            V::E,
            s("rând repetat mai jos"),
        ],
        [
            s(&pj(94)),
            V::E,
            s("3125/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            s(PARTIES[1]),
            V::E,
            V::E,
            s("rând repetat mai jos"),
        ],
        [
            s(&pj(94)),
            V::E,
            s("3125/97/2026"),
            s("Tribunalul Hunedoara"),
            s("reclamant"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            s(PARTIES[1]),
            V::E,
            V::E,
            s("respins: același dosar și unitate cu altă calitate"),
        ],
        [
            s(&pj(95)),
            V::E,
            s("2417/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("drepturi salariale"),
            s("Litigii de muncă"),
            s("Apel"),
            V::E,
            s(PARTIES[0]),
            V::E,
            V::E,
            s("respins: același dosar cu alt stadiu"),
        ],
        [
            s("2069999999"),
            V::E,
            s("3126/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: cod SIIIR necunoscut"),
        ],
        [
            s("20611A0733"),
            V::E,
            s("3127/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: cod SIIIR cu literă"),
        ],
        [
            V::E,
            s("Școala Gimnazială Inexistentă"),
            s("3128/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: denumire negăsită"),
        ],
        [
            s(&pj(96)),
            V::E,
            s("3129/97/26"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: an din două cifre în număr"),
        ],
        [
            s(&pj(96)),
            V::E,
            s("dosarul lui Popescu"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: număr fără formă"),
        ],
        [
            s(&pj(96)),
            V::E,
            V::E,
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: număr lipsă"),
        ],
        [
            s(&pj(97)),
            V::E,
            s("3130/97/2026"),
            s("Tribunalul Județean Atlantida"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: instanță necunoscută"),
        ],
        [
            s(&pj(97)),
            V::E,
            s("3131/278/2026"),
            V::E,
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            V::E,
            V::E,
            s("respins: instanță lipsă, cod 278 nedovedit public"),
        ],
        [
            s(&pj(98)),
            V::E,
            s("3132/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            s("31.02.2027"),
            V::E,
            V::E,
            V::E,
            s("respins: dată imposibilă"),
        ],
        [
            s(&pj(98)),
            V::E,
            s("3133/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            s("săptămâna viitoare"),
            V::E,
            V::E,
            V::E,
            s("respins: termen care nu e dată"),
        ],
        [
            s(&pj(99)),
            V::E,
            s("3134/97/2026"),
            s("Tribunalul Hunedoara"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Fond"),
            V::E,
            V::E,
            s("01.01.1989"),
            V::E,
            s("respins: an în afara intervalului"),
        ],
        [
            s(&pj(99)),
            V::E,
            s("3135/221/2026"),
            s("Judecătoria Deva"),
            s("pârât"),
            s("pretenții"),
            s("Civil"),
            s("Executare silită"),
            s("15 ian. 2027"),
            V::E,
            V::E,
            V::E,
            s("stadiu în afara listei portalului, păstrat ca atare"),
        ],
    ];
    rows.extend(special);
    rows
}

fn fold_ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ă' | 'â' => 'a',
            'î' => 'i',
            'ș' => 's',
            'ț' => 't',
            'Ă' | 'Â' => 'A',
            'Î' => 'I',
            'Ș' => 'S',
            'Ț' => 'T',
            c => c,
        })
        .collect()
}

/// Days since 1899-12-30, Excel's 1900 date system after February 1900.
fn excel_serial(y: u16, m: u8, d: u8) -> f64 {
    let days = |y: i64, m: i64, d: i64| {
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d
    };
    (days(i64::from(y), i64::from(m), i64::from(d)) - days(1899, 12, 30)) as f64
}

fn write(path: &str, title: &str, headers: &[&str], rows: &[Vec<&V>]) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Litigii")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (c, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *header, &bold)?;
        sheet.set_column_width(c as u16, 18)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                V::S(text) => {
                    sheet.write_string(r, c, text)?;
                }
                V::N(n) => {
                    sheet.write_number(r, c, *n)?;
                }
                V::D(y, m, d) => {
                    sheet.write_datetime_with_format(
                        r,
                        c,
                        &ExcelDateTime::from_ymd(*y, *m, *d)?,
                        &date,
                    )?;
                }
                V::E => {}
            }
        }
    }
    workbook.save(path)
}

/// Schools whose access was approved in an accepted row of the case list.
fn approved_schools(cases: &[[V; 13]]) -> std::collections::HashSet<String> {
    cases
        .iter()
        .filter(|row| matches!(row[11], V::D(..)))
        .filter(|row| !matches!(&row[12], V::S(note) if note.starts_with("respins")))
        .filter_map(|row| match &row[0] {
            V::S(code) => Some(code.clone()),
            V::N(n) => Some(format!("{:010}", *n as u64)),
            _ => None,
        })
        .collect()
}

/// The designee list; its account dates need approved access, which only the case list
/// gives: import that first.
fn designee_rows(schools: &Schools, approved: &std::collections::HashSet<String>) -> Vec<[V; 10]> {
    let names = [
        "Popescu Ana",
        "Ionescu Mihai",
        "Stan Elena",
        "Marin Vasile",
        "Dumitru Ioana",
        "Moldovan Petru",
        "Toma Cristina",
        "Ardelean Radu",
    ];
    let functions = [
        "director",
        "Director adj.",
        "secretar",
        "consilier juridic",
        "DIRECTOR",
    ];
    let mut rows: Vec<[V; 10]> = Vec::new();
    for (i, (code, _)) in schools.pj.iter().take(40).enumerate() {
        let name = names[i % names.len()];
        let email = if i % 7 == 3 {
            format!(
                "{}@gmail.com",
                fold_ascii(name).to_lowercase().replace(' ', ".")
            )
        } else {
            format!("secretariat.scoala{i}@exemplu.ro")
        };
        let phone = match i % 4 {
            0 => s(&format!("0722 {:03} {:03}", 100 + i, 200 + i)),
            1 => V::N(f64::from(722_000_000 + i as u32)),
            2 => s(&format!("+40 745 {:03} {:03}", 300 + i, 400 + i)),
            _ => s(&format!("0744.{:03}.{:03}", 500 + i, 600 + i)),
        };
        let created = if i % 3 == 0 { V::D(2026, 11, 25) } else { V::E };
        let note = if i % 3 == 0 && !approved.contains(code) {
            "respins: cont D.E.N. fără acces aprobat în vreun dosar"
        } else if i % 7 == 3 {
            "avertisment: adresă personală"
        } else {
            ""
        };
        rows.push([
            s(code),
            s(name),
            s(functions[i % functions.len()]),
            s(&format!("{}/2026", 100 + i)),
            V::D(2026, 9, 1 + (i % 28) as u8),
            V::S(email),
            phone,
            V::E,
            created,
            s(note),
        ]);
    }
    rows.push([
        s("2069999999"),
        s("Pop Dan"),
        s("director"),
        V::E,
        V::E,
        s("scoala@exemplu.ro"),
        s("0722000000"),
        V::E,
        V::E,
        s("respins: cod SIIIR necunoscut"),
    ]);
    rows.push([
        s(&schools.pj[41].0),
        s("Pop Dan"),
        s("director"),
        V::E,
        V::E,
        s("nu este adresă"),
        s("0722000001"),
        V::E,
        V::E,
        s("respins: e-mail invalid"),
    ]);
    rows.push([
        s(&schools.pj[42].0),
        s("Pop Dan"),
        s("director"),
        V::E,
        V::E,
        s("scoala42@exemplu.ro"),
        s("0722 12"),
        V::E,
        V::E,
        s("respins: telefon prea scurt"),
    ]);
    rows.push([
        s(&schools.pj[43].0),
        s("Pop Dan"),
        V::E,
        V::E,
        V::E,
        s("scoala43@exemplu.ro"),
        s("0722000003"),
        V::E,
        V::E,
        s("respins: funcția lipsește"),
    ]);
    rows.push([
        s(&schools.pj[44].0),
        s("Pop Dan"),
        s("director"),
        V::E,
        s("31.02.2026"),
        s("scoala44@exemplu.ro"),
        s("0722000004"),
        V::E,
        V::E,
        s("respins: dată a deciziei imposibilă"),
    ]);
    rows.push([
        s(&schools.pj[45].0),
        s("Pop Dan"),
        s("secretar"),
        V::E,
        V::E,
        s("scoala45@exemplu.ro"),
        s("0254 123 456"),
        V::E,
        V::E,
        s("avertisment: telefon fix, nu mobil"),
    ]);
    rows
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schools = load_schools()?;
    let cases = case_rows(&schools);
    let case_headers = [
        "Cod SIIIR",
        "Unitate",
        "Nr. dosar",
        "Instanța",
        "Calitate",
        "Obiect",
        "Materie",
        "Stadiu",
        "Termen următor",
        "Parte adversă",
        "Data cerere acces",
        "Data acces aprobat",
        "Observații",
    ];
    let rows: Vec<Vec<&V>> = cases.iter().map(|r| r.iter().collect()).collect();
    write(
        "imports/dosare-exemplu-HD.xlsx",
        "Situația litigiilor unităților de învățământ — exemplu (părți inventate)",
        &case_headers,
        &rows,
    )?;
    let designees = designee_rows(&schools, &approved_schools(&cases));
    let designee_headers = [
        "Cod SIIIR",
        "Nume și prenume",
        "Funcția",
        "Nr. decizie",
        "Data deciziei",
        "E-mail",
        "Telefon",
        "Data cerere acces",
        "Data creare cont D.E.N.",
        "Observații",
    ];
    let rows: Vec<Vec<&V>> = designees.iter().map(|r| r.iter().collect()).collect();
    write(
        "imports/persoane-desemnate-exemplu-HD.xlsx",
        "Persoane desemnate pentru contul D.E.N. — exemplu (nume inventate)",
        &designee_headers,
        &rows,
    )?;
    println!(
        "{} rânduri de dosare, {} persoane desemnate",
        cases.len(),
        designees.len()
    );
    Ok(())
}
