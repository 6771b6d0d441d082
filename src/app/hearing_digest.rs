//! The legal department's daily hearing digest: on working days, once, within the sending
//! window, the hearings of the next working days and what changed in the register since the
//! last digest. No party names.

use super::{AppResult, Ctx};
use crate::db;
use crate::domain::calendar::{in_send_window, is_working_day, working_days_after};
use crate::domain::courts;
use crate::domain::outbox::MailKind;
use crate::mail::content::{Block, MailContent};

/// Working days ahead the digest lists hearings for.
pub const DIGEST_WORKING_DAYS: u32 = 5;

/// Queues today's digest to `legal` if it is due and not queued yet; returns whether it was.
pub async fn queue_if_due(
    ctx: Ctx<'_>,
    legal: &str,
    inspectorate: &str,
    mail_domain: &str,
) -> AppResult<bool> {
    let (now, today) = (ctx.now(), ctx.today());
    if !is_working_day(today) || !in_send_window(now, ctx.timezone) {
        return Ok(false);
    }
    let key = format!("hearing-digest:{today}:{legal}");
    if db::outbox::exists(ctx.db, &key).await? {
        return Ok(false);
    }
    let until = working_days_after(today, DIGEST_WORKING_DAYS);
    let hearings = db::cases::hearings_between(ctx.db, today, until, 500).await?;
    let since = db::outbox::last_of_kind(ctx.db, MailKind::Hearings)
        .await?
        .unwrap_or(now - chrono::Duration::days(1));
    let changes = db::changes::about_cases_since(ctx.db, since, 200).await?;
    if hearings.is_empty() && changes.is_empty() {
        return Ok(false);
    }
    let hearing_lines = hearings
        .iter()
        .map(|h| {
            let time = if h.time.is_empty() {
                String::new()
            } else {
                format!(" ora {}", h.time)
            };
            let schools = h
                .schools
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            format!(
                "{}{time} — dosar {} ({}) — {schools}",
                h.on.format("%d.%m.%Y"),
                h.number,
                courts::display_name(&h.court)
            )
        })
        .collect::<Vec<_>>();
    // Changes by hand, by import and from the portal alike, as the audit trail words them.
    let staff: std::collections::HashMap<String, String> = db::staff::all(ctx.db)
        .await?
        .into_iter()
        .map(|u| (u.email, u.name))
        .collect();
    let code = |code: &str| code.to_string();
    let change_lines: Vec<String> = changes
        .iter()
        .map(|r| {
            let when = r.at.with_timezone(&ctx.timezone).format("%d.%m.%Y %H:%M");
            let who = crate::domain::change::actor_name(&r.actor, &staff);
            format!("{when} — {}", r.describe(&who, &code).sentence)
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(format!(
        "Termenele de judecată din următoarele {DIGEST_WORKING_DAYS} zile lucrătoare (până la {}):",
        until.format("%d.%m.%Y")
    ))];
    blocks.push(if hearing_lines.is_empty() {
        Block::Paragraph("Niciun termen.".into())
    } else {
        Block::List(hearing_lines)
    });
    if !change_lines.is_empty() {
        blocks.push(Block::Paragraph(
            "Ce s-a schimbat în registrul dosarelor de la rezumatul anterior:".into(),
        ));
        blocks.push(Block::List(change_lines));
    }
    let content = MailContent {
        subject: format!("Termene de judecată — {}", today.format("%d.%m.%Y")),
        greeting: "Stimați colegi,".into(),
        blocks,
        signature: format!("isj-tracker, {inspectorate}"),
        opt_out: None,
        privacy: None,
    };
    let mail = content.to_mail(key, MailKind::Hearings, legal, false);
    super::outbox::enqueue(ctx, mail, mail_domain).await?;
    Ok(true)
}
