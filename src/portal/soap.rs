//! The SOAP 1.1 envelopes of `CautareDosare` and the reading of its answers: by local name
//! (the children are namespace-qualified), no DTD, no entities beyond XML's five, control
//! characters sent as numeric references dropped (the service sends `&#4;` in rulings).

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

use super::PortalError;
use crate::domain::portal::{PortalCase, PortalHearing, PortalParty};

/// The service's target namespace: the bare string, without `http://`.
pub const NAMESPACE: &str = "portalquery.just.ro";
pub const SEARCH_ACTION: &str = "\"portalquery.just.ro/CautareDosare\"";

/// What to ask `CautareDosare` for; unset parameters go as `xsi:nil` (the WSDL requires
/// `institutie`, `dataStart` and `dataStop` to be present).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub number: Option<String>,
    pub party: Option<String>,
    /// The portal's `Institutie` code.
    pub court: Option<String>,
    /// Cases registered in this window of days (both ends included): how a search the
    /// service cut at 1,000 cases is narrowed.
    pub registered: Option<(NaiveDate, NaiveDate)>,
}

pub fn search_envelope(query: &CaseQuery) -> String {
    let field = |name: &str, value: &Option<String>| match value {
        Some(v) => format!("<{name}>{}</{name}>", escape(v.as_str())),
        None => format!("<{name} xsi:nil=\"true\"/>"),
    };
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" ",
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<soap:Body><CautareDosare xmlns=\"{ns}\">{number}{object}{party}{court}{start}{stop}",
            "</CautareDosare></soap:Body></soap:Envelope>"
        ),
        ns = NAMESPACE,
        number = field("numarDosar", &query.number),
        object = field("obiectDosar", &None),
        party = field("numeParte", &query.party),
        court = field("institutie", &query.court),
        start = field(
            "dataStart",
            &query.registered.map(|(from, _)| day_start(from))
        ),
        stop = field("dataStop", &query.registered.map(|(_, to)| day_end(to))),
    )
}

/// `YYYY-MM-DDT00:00:00`: the first moment of a day, as the service reads dates.
fn day_start(day: NaiveDate) -> String {
    format!("{}T00:00:00", day.format("%Y-%m-%d"))
}

/// `YYYY-MM-DDT23:59:59`: the service's end of a window is a moment, so the whole last day.
fn day_end(day: NaiveDate) -> String {
    format!("{}T23:59:59", day.format("%Y-%m-%d"))
}

/// Where the reader is inside a `Dosar`.
#[derive(Default)]
struct Cursor {
    case: Option<PortalCase>,
    hearing: Option<PortalHearing>,
    party: Option<PortalParty>,
    /// Inside `caiAtac`: appeals are not kept.
    in_appeals: bool,
    text: String,
}

/// Reads a `CautareDosare` answer. An empty `CautareDosareResponse` is a real "no case"; an
/// answer without it (a maintenance page) or with a `soap:Fault` is a failure.
pub fn parse_search(body: &str) -> Result<Vec<PortalCase>, PortalError> {
    match read(body) {
        Ok(parsed) => parsed,
        Err(_) if !body.contains("Envelope") => Err(PortalError::NotAnAnswer),
        Err(e) => Err(e),
    }
}

fn read(body: &str) -> Result<Result<Vec<PortalCase>, PortalError>, PortalError> {
    let mut reader = Reader::from_str(body);
    let mut cursor = Cursor::default();
    let mut cases = Vec::new();
    let mut answered = false;
    let mut fault: Option<String> = None;
    let mut open_elements = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| PortalError::Malformed(e.to_string()))?;
        match event {
            Event::Start(e) => {
                open_elements += 1;
                let name = e.local_name();
                match name.as_ref() {
                    "CautareDosareResponse" => answered = true,
                    "Fault" => fault = Some(String::new()),
                    "Dosar" => cursor.case = Some(PortalCase::default()),
                    "DosarSedinta" => cursor.hearing = Some(PortalHearing::default()),
                    "DosarParte" => cursor.party = Some(PortalParty::default()),
                    "caiAtac" => cursor.in_appeals = true,
                    _ => {}
                }
                cursor.text.clear();
            }
            Event::Empty(e) => {
                if e.local_name().as_ref() == "CautareDosareResponse" {
                    answered = true;
                }
                cursor.text.clear();
                let name = e.local_name().as_ref().to_string();
                cursor.field(&name);
            }
            Event::Text(t) => cursor.text.push_str(&t.xml10_content()),
            Event::CData(t) => cursor.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => cursor.text.push_str(&reference(&r)?),
            Event::End(e) => {
                open_elements = open_elements.saturating_sub(1);
                let name = e.local_name().as_ref().to_string();
                match name.as_str() {
                    "Dosar" => cases.extend(cursor.case.take()),
                    "faultstring" => fault = Some(cursor.text.trim().to_string()),
                    _ => cursor.field(&name),
                }
                cursor.text.clear();
            }
            Event::DocType(_) => {
                return Err(PortalError::Malformed(
                    "răspunsul declară un DTD (refuzat)".into(),
                ));
            }
            // A cut answer would read as "fewer cases": refuse it.
            Event::Eof if open_elements > 0 => {
                return Err(PortalError::Malformed("răspuns trunchiat".into()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(match (fault, answered) {
        (Some(text), _) => Err(PortalError::Fault(text)),
        (None, true) => Ok(cases),
        (None, false) => Err(PortalError::NotAnAnswer),
    })
}

/// XML's five named entities and character references; anything else is refused (no
/// entity is ever expanded), and characters XML 1.0 forbids are dropped.
fn reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, PortalError> {
    let named = match r.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    };
    if let Some(c) = named {
        return Ok(c.to_string());
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) if is_xml_char(c) => Ok(c.to_string()),
        Ok(Some(_)) | Err(_) if r.is_char_ref() => Ok(String::new()),
        _ => Err(PortalError::Malformed(format!(
            "entitate necunoscută „&{};”",
            r.as_ref().chars().take(40).collect::<String>()
        ))),
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Every text the portal sends, as the importers take file cells: NFC, control characters
/// (`&#13;` included) as spaces, invisible ones dropped.
fn text_value(text: &str) -> Option<String> {
    crate::domain::text::clean(text)
}

/// `2019-12-10T00:00:00` → the day.
fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim().get(..10)?, "%Y-%m-%d").ok()
}

impl Cursor {
    /// A leaf element ended: its text goes to the innermost open record.
    fn field(&mut self, name: &str) {
        if self.in_appeals {
            if name == "caiAtac" {
                self.in_appeals = false;
            }
            return;
        }
        let text = std::mem::take(&mut self.text);
        if let Some(party) = self.party.as_mut() {
            match name {
                "nume" => party.name = text.trim().to_string(),
                "calitateParte" => party.role = text_value(&text),
                "DosarParte" => {
                    if let (Some(case), Some(party)) = (self.case.as_mut(), self.party.take()) {
                        case.parties.push(party);
                    }
                }
                _ => {}
            }
        } else if let Some(hearing) = self.hearing.as_mut() {
            match name {
                "complet" => hearing.panel = text.trim().to_string(),
                "data" => hearing.on = day(&text),
                "ora" => hearing.time = text.trim().to_string(),
                "solutie" => hearing.outcome = text_value(&text),
                "solutieSumar" => hearing.summary = text_value(&text),
                "dataPronuntare" => hearing.pronounced_on = day(&text),
                "DosarSedinta" => {
                    if let (Some(case), Some(hearing)) = (self.case.as_mut(), self.hearing.take()) {
                        case.hearings.push(hearing);
                    }
                }
                _ => {}
            }
        } else if let Some(case) = self.case.as_mut() {
            let value = text_value(&text);
            match name {
                "numar" => case.number = value.unwrap_or_default(),
                "institutie" => case.court = value.unwrap_or_default(),
                "departament" => case.department = value,
                "categorieCaz" => case.category = value,
                "categorieCazNume" => case.category_label = value,
                "stadiuProcesual" => case.stage = value,
                "stadiuProcesualNume" => case.stage_label = value,
                "obiect" => case.object = value,
                "data" => case.registered_on = day(&text),
                "dataModificare" => case.modified = value,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../imports/portal/dosar-sample.xml");

    fn envelope(inner: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><CautareDosareResponse xmlns=\"portalquery.just.ro\"><CautareDosareResult>{inner}</CautareDosareResult></CautareDosareResponse></soap:Body></soap:Envelope>"
        )
    }

    fn sample_dosar() -> &'static str {
        // The origin comment names `<Dosar>` too: the element is the last one.
        let start = SAMPLE.rfind("<Dosar>").unwrap_or(0);
        &SAMPLE[start..]
    }

    #[test]
    fn reads_the_real_sample() {
        let cases = parse_search(&envelope(sample_dosar())).unwrap();
        assert_eq!(cases.len(), 1);
        let case = &cases[0];
        assert_eq!(case.number, "1904/3/2018/a1");
        assert_eq!(case.court, "CurteadeApelBUCURESTI");
        assert_eq!(case.stage.as_deref(), Some("Recurs"));
        assert_eq!(case.parties.len(), 2);
        assert_eq!(case.parties[1].role.as_deref(), Some("Intimat Pârât"));
        assert_eq!(case.hearings.len(), 2);
        assert_eq!(
            case.hearings[1].outcome.as_deref(),
            Some("Amână pronunţarea")
        );
        assert_eq!(case.hearings[0].on, NaiveDate::from_ymd_opt(2019, 12, 10));
        assert!(
            case.hearings[0]
                .summary
                .as_deref()
                .unwrap_or("")
                .contains("Definitivă.")
        );
    }

    #[test]
    fn empty_answer_fault_and_pages() {
        let empty = "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><CautareDosareResponse xmlns=\"portalquery.just.ro\" /></soap:Body></soap:Envelope>";
        assert_eq!(parse_search(empty).unwrap(), vec![]);
        let fault = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to process request.</faultstring></soap:Fault></soap:Body></soap:Envelope>";
        assert!(matches!(parse_search(fault), Err(PortalError::Fault(t)) if t.contains("unable")));
        assert!(matches!(
            parse_search("<html><body>Mentenanță<br></body></html>"),
            Err(PortalError::NotAnAnswer)
        ));
        assert!(matches!(
            parse_search("<soap:Envelope><soap:Body><Cautare"),
            Err(PortalError::Malformed(_))
        ));
        let cut = "<soap:Envelope><soap:Body><CautareDosareResponse><CautareDosareResult><Dosar><numar>1/97/2026</numar>";
        assert!(matches!(parse_search(cut), Err(PortalError::Malformed(_))));
    }

    #[test]
    fn control_characters_dropped_entities_refused() {
        let with_control = sample_dosar().replace("Definitivă.", "Definitivă.&#4;&#x1F;&amp;");
        let cases = parse_search(&envelope(&with_control)).unwrap();
        let summary = cases[0].hearings[0].summary.clone().unwrap_or_default();
        assert!(summary.contains("Definitivă.&"), "{summary}");
        let bomb = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>{}",
            envelope("<Dosar><numar>&lol2;</numar></Dosar>")
        );
        assert!(matches!(
            parse_search(&bomb),
            Err(PortalError::Malformed(_))
        ));
        let undeclared = envelope("<Dosar><numar>&lol2;</numar></Dosar>");
        assert!(matches!(
            parse_search(&undeclared),
            Err(PortalError::Malformed(_))
        ));
    }

    #[test]
    fn a_carriage_return_from_the_portal_is_a_space() {
        let with_cr = sample_dosar()
            .replace("Recurs", "Recurs&#13;SUMMARY:INJECTED")
            .replace("Definitivă.", "Definitivă.&#xD;\u{202E}x");
        let cases = parse_search(&envelope(&with_cr)).unwrap();
        assert_eq!(cases[0].stage.as_deref(), Some("Recurs SUMMARY:INJECTED"));
        let summary = cases[0].hearings[0].summary.clone().unwrap_or_default();
        assert!(!summary.contains(['\r', '\u{202E}']), "{summary:?}");
    }

    #[test]
    fn the_envelope_carries_every_required_parameter() {
        let text = search_envelope(&CaseQuery {
            party: Some("Şcoala <Gimnazială> & Co".into()),
            court: Some("TribunalulHUNEDOARA".into()),
            ..Default::default()
        });
        assert!(text.contains("<CautareDosare xmlns=\"portalquery.just.ro\">"));
        assert!(text.contains("<numarDosar xsi:nil=\"true\"/>"));
        assert!(text.contains("<numeParte>Şcoala &lt;Gimnazială&gt; &amp; Co</numeParte>"));
        assert!(text.contains("<institutie>TribunalulHUNEDOARA</institutie>"));
        assert!(text.contains("<dataStart xsi:nil=\"true\"/><dataStop xsi:nil=\"true\"/>"));
    }
}
