//! The words of reminder mail: one mail per recipient and day, one section per school.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::content::{Block, MailContent, fit_subject};
use crate::domain::courts;
use crate::domain::den::DenStep;
use crate::domain::reminders::{Audience, DueItem, ItemKind};

/// Links a school's people get: (confirm or change the designee, report progress).
pub type SchoolLinks = HashMap<String, (String, String)>;

use crate::domain::dates::show as date;

use crate::domain::text::days;

fn step_sentence(step: DenStep) -> String {
    format!("Pasul în care se află unitatea: {}.", step.label())
}

/// One line about one item, as the recipient needs it (no party names, ever).
fn item_line(item: &DueItem) -> String {
    match &item.kind {
        ItemKind::ConfirmDesignee => "Confirmați persoana desemnată pentru contul D.E.N. (sau comunicați-o, dacă nu ați făcut-o).".into(),
        ItemKind::Reminder { days_left: 0 } => format!("Termenul pentru constituirea contului D.E.N. este astăzi, {}.", date(item.due)),
        ItemKind::Reminder { days_left } => format!("Contul D.E.N. trebuie constituit până la {} (mai {} {}).", date(item.due), if *days_left == 1 { "este" } else { "sunt" }, days(*days_left)),
        ItemKind::Overdue { days: late } => format!("Termenul de {} pentru contul D.E.N. a fost depășit cu {}.", date(item.due), days(*late)),
        ItemKind::Escalation { days: late } => format!("Termen depășit cu {} ({}); situația a fost transmisă Compartimentului Juridic.", days(*late), date(item.due)),
        ItemKind::Hearing { number, court, on } => format!("Termen de judecată pe {} în dosarul {} ({}).", date(*on), number, courts::display_name(court)),
        ItemKind::CazierExpiry { until } => format!("Certificatul de cazier judiciar al persoanei desemnate este valabil până la {}; cereți unul nou (gratuit, electronic) și transmiteți-ne numărul lui.", date(*until)),
    }
}

fn subject(items: &[&DueItem], audience: Audience, today: NaiveDate) -> String {
    let mut schools: Vec<&str> = items.iter().map(|i| i.school_name.as_str()).collect();
    schools.dedup();
    if audience == Audience::Legal {
        return fit_subject(&format!(
            "Escaladare cont D.E.N.: {} unități cu termen depășit ({})",
            schools.len(),
            date(today)
        ));
    }
    if schools.len() > 1 {
        return fit_subject(&format!(
            "Cont D.E.N. — rezumat zilnic pentru {} unități ({})",
            schools.len(),
            date(today)
        ));
    }
    let school = schools.first().copied().unwrap_or_default();
    let headline = match items
        .iter()
        .map(|i| &i.kind)
        .find(|k| !matches!(k, ItemKind::ConfirmDesignee | ItemKind::Hearing { .. }))
    {
        Some(ItemKind::Reminder { days_left: 0 }) => {
            format!("Cont D.E.N. — termenul {} este astăzi", date(items[0].due))
        }
        Some(ItemKind::Reminder { days_left: 1 }) => format!(
            "Cont D.E.N. — termen {} (mai este o zi)",
            date(items[0].due)
        ),
        Some(ItemKind::Reminder { days_left }) => format!(
            "Cont D.E.N. — termen {} (mai sunt {})",
            date(items[0].due),
            days(*days_left)
        ),
        Some(ItemKind::Overdue { days: late } | ItemKind::Escalation { days: late }) => {
            format!("Cont D.E.N. — termen depășit cu {}", days(*late))
        }
        Some(ItemKind::CazierExpiry { until }) => {
            format!("Cazierul persoanei desemnate expiră la {}", date(*until))
        }
        _ => match &items[0].kind {
            ItemKind::Hearing { on, .. } => format!("Termen de judecată {}", date(*on)),
            _ => "Confirmați persoana desemnată pentru contul D.E.N.".into(),
        },
    };
    fit_subject(&format!("{headline} — {school}"))
}

/// One mail to one recipient. `links` holds the action links of each school (school mail
/// only); `staff_base` builds links to the staff pages (legal department mail).
pub fn compose(
    audience: Audience,
    items: &[&DueItem],
    links: &SchoolLinks,
    staff_base: &str,
    inspectorate: &str,
    opt_out: Option<String>,
    today: NaiveDate,
) -> MailContent {
    let greeting = match audience {
        Audience::School => "Stimată doamnă director / Stimate domnule director,",
        Audience::Legal => "Stimați colegi,",
    };
    let mut blocks = vec![Block::Paragraph(match audience {
        Audience::School => "Vă scriem în legătură cu Dosarul Electronic Național (D.E.N.): unitățile cu dosare pe rolul instanțelor trebuie să constituie contul instituțional, să depună cereri de acces la dosarele electronice și să comunice persoana desemnată.".into(),
        Audience::Legal => "Următoarele unități au depășit termenul pentru contul D.E.N. mai mult decât perioada de grație:".into(),
    })];
    let mut order: Vec<&str> = Vec::new();
    for item in items {
        if !order.contains(&item.school_code.as_str()) {
            order.push(&item.school_code);
        }
    }
    for code in order {
        let own: Vec<&&DueItem> = items.iter().filter(|i| i.school_code == code).collect();
        let Some(first) = own.first() else { continue };
        blocks.push(Block::Paragraph(format!(
            "{} (cod SIIIR {code})",
            first.school_name
        )));
        let mut lines: Vec<String> = own.iter().map(|i| item_line(i)).collect();
        if own
            .iter()
            .any(|i| !matches!(i.kind, ItemKind::ConfirmDesignee | ItemKind::Hearing { .. }))
        {
            lines.push(step_sentence(first.step));
        }
        blocks.push(Block::List(lines));
        match audience {
            Audience::School => {
                if let Some((designee, progress)) = links.get(code) {
                    blocks.push(Block::Link { label: "Confirmați sau schimbați persoana desemnată (link valabil 72 de ore, o singură dată)".into(), url: designee.clone() });
                    blocks.push(Block::Link { label: "Raportați progresul spre contul D.E.N. (link valabil 72 de ore, o singură dată)".into(), url: progress.clone() });
                }
            }
            Audience::Legal => blocks.push(Block::Link {
                label: "Pagina unității".into(),
                url: format!("{staff_base}/schools/{code}"),
            }),
        }
    }
    MailContent {
        subject: subject(items, audience, today),
        greeting: greeting.into(),
        blocks,
        signature: format!("Compartimentul Juridic, {inspectorate}"),
        opt_out,
        // The people mail to schools names are told how their data is used (GDPR art. 13).
        privacy: (audience == Audience::School)
            .then(|| format!("{staff_base}{}", crate::domain::privacy::NOTICE_PATH)),
    }
}
