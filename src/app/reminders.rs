//! The reminder pass (the heartbeat's use case, also `reminders run`): what is due today for
//! the active campaign, minus what was already
//! mailed, grouped into one mail per recipient, written to the outbox in one transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use super::{Actor, AppError, AppResult, Ctx};
use crate::auth::secret_key::SecretKey;
use crate::config::Config;
use crate::db::{self, DbError};
use crate::domain::calendar::{in_send_window, local_date};
use crate::domain::links::Purpose;
use crate::domain::outbox::NewMail;
use crate::domain::reminders::{Audience, Contacts, DueItem, Hearing, SchoolState, due_items};
use crate::mail::reminders::{SchoolLinks, compose};
use crate::mail::sender::token_placeholder;

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMail {
    pub recipient: String,
    pub subject: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassOutcome {
    /// Why nothing was planned, when nothing could be.
    pub skipped: Option<String>,
    pub mails: Vec<PlannedMail>,
}

/// Plans (and unless `dry_run`, queues) the reminders due at `at`.
pub async fn run_pass(
    ctx: Ctx<'_>,
    key: &SecretKey,
    config: &Config,
    domain: &str,
    dry_run: bool,
) -> AppResult<PassOutcome> {
    let (db, at) = (ctx.db, ctx.now());
    let tz = config.timezone;
    if !in_send_window(at, tz) {
        return Ok(PassOutcome {
            skipped: Some("în afara programului (zile lucrătoare, 08:00–18:00)".into()),
            mails: Vec::new(),
        });
    }
    let Some(campaign) = db::den::active_campaign(db).await? else {
        return Ok(PassOutcome {
            skipped: Some("nicio campanie activă".into()),
            mails: Vec::new(),
        });
    };
    let today = local_date(at, tz);
    let rules = db::settings::reminder_rules(db).await?;
    let states = school_states(&ctx).await?;
    let hearings = hearings(db, today, rules.hearing_days).await?;
    let items = due_items(
        campaign.id,
        &rules,
        &states,
        &hearings,
        config.legal_email.as_deref(),
        today,
    );
    let groups = new_mail_groups(db, items).await?;
    if dry_run {
        let mails = groups
            .iter()
            .map(|((recipient, _), items)| planned(recipient, items, "(simulare)"))
            .collect();
        return Ok(PassOutcome {
            skipped: None,
            mails,
        });
    }
    let tx = ctx.begin().await?;
    let txn = tx.db();
    let mut links: HashMap<String, (String, String)> = HashMap::new();
    let mut mails = Vec::new();
    let inspectorate = crate::domain::county::inspectorate_name(&config.county);
    let base = config.base_url();
    for ((recipient, audience), group) in &groups {
        let mut sealed = Vec::new();
        let mut urls = SchoolLinks::new();
        if *audience == Audience::School {
            for item in group {
                if !links.contains_key(&item.school_code) {
                    let designee =
                        super::links::issue(txn, &item.school_code, Purpose::Designee, None, at)
                            .await?;
                    let progress =
                        super::links::issue(txn, &item.school_code, Purpose::Progress, None, at)
                            .await?;
                    links.insert(item.school_code.clone(), (designee, progress));
                }
                if let (false, Some((designee, progress))) = (
                    urls.contains_key(&item.school_code),
                    links.get(&item.school_code),
                ) {
                    let designee_url = seal(key, &mut sealed, designee, &base)?;
                    let progress_url = seal(key, &mut sealed, progress, &base)?;
                    urls.insert(item.school_code.clone(), (designee_url, progress_url));
                }
            }
        }
        let opt_out = match group.iter().find(|i| !i.kind.critical()) {
            Some(item) => {
                let token = super::links::issue(
                    txn,
                    &item.school_code,
                    Purpose::OptOut,
                    Some(recipient),
                    at,
                )
                .await?;
                Some(seal(key, &mut sealed, &token, &base)?)
            }
            None => None,
        };
        let refs: Vec<&DueItem> = group.iter().collect();
        let content = compose(
            *audience,
            &refs,
            &urls,
            &base,
            &inspectorate,
            opt_out,
            today,
        );
        let item_keys: Vec<String> = group.iter().map(|i| item_key(i, recipient)).collect();
        let mail = NewMail {
            dedupe_key: format!(
                "digest:{recipient}:{today}:{}",
                short_hash(&item_keys.join("|"))
            ),
            kind: crate::domain::outbox::MailKind::Digest,
            recipient: recipient.clone(),
            subject: content.subject.clone(),
            body_text: content.text(),
            body_html: content.html(),
            sealed_tokens: sealed,
            attachment: None,
            respect_window: true,
        };
        if let Some(id) = db::outbox::enqueue(txn, mail, domain, at).await? {
            let records: Vec<(String, Option<String>, String)> = group
                .iter()
                .zip(&item_keys)
                .map(|(item, key)| {
                    (
                        key.clone(),
                        Some(item.school_code.clone()),
                        item.kind.as_str().to_string(),
                    )
                })
                .collect();
            db::outbox::record_items(txn, id, &records, at).await?;
            mails.push(planned(recipient, group, &content.subject));
        }
    }
    // Mail and links are not changes of the register: nothing goes to the change log.
    ctx.commit(tx, &Actor::System("memento-uri")).await?;
    Ok(PassOutcome {
        skipped: None,
        mails,
    })
}

/// An item as mailed to one recipient: the unit that is sent once.
fn item_key(item: &DueItem, recipient: &str) -> String {
    format!("{}>{recipient}", item.key)
}

fn planned(recipient: &str, items: &[DueItem], subject: &str) -> PlannedMail {
    PlannedMail {
        recipient: recipient.to_string(),
        subject: subject.to_string(),
        items: items.iter().map(|i| i.key.clone()).collect(),
    }
}

fn short_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))[..16].to_string()
}

/// Seals a link token for the outbox and returns the URL with its placeholder.
fn seal(key: &SecretKey, sealed: &mut Vec<String>, token: &str, base: &str) -> AppResult<String> {
    let value = key
        .encrypt(token.as_bytes())
        .map_err(|e| AppError::unexpected("cheia de criptare", e))?;
    sealed.push(value);
    Ok(format!("{base}/l/{}", token_placeholder(sealed.len() - 1)))
}

/// Due items not mailed yet, without non-critical mail to addresses that opted out, grouped
/// by recipient.
async fn new_mail_groups(
    db: &DatabaseConnection,
    items: Vec<DueItem>,
) -> Result<BTreeMap<(String, Audience), Vec<DueItem>>, DbError> {
    let keys: Vec<String> = items
        .iter()
        .flat_map(|i| i.recipients.iter().map(move |(r, _)| item_key(i, r)))
        .collect();
    let known = db::outbox::known_items(db, &keys).await?;
    let opted_out = db::settings::opted_out(db).await?;
    let mut groups: BTreeMap<(String, Audience), Vec<DueItem>> = BTreeMap::new();
    for item in items {
        for (recipient, audience) in &item.recipients {
            let refused = !item.kind.critical() && opted_out.contains(recipient);
            if !refused && !known.contains(&item_key(&item, recipient)) {
                groups
                    .entry((recipient.clone(), *audience))
                    .or_default()
                    .push(item.clone());
            }
        }
    }
    Ok(groups)
}

/// The board from the server's register when there is one (the heartbeat), else read once
/// (the command line): the same rules either way.
async fn school_states(ctx: &Ctx<'_>) -> Result<Vec<SchoolState>, DbError> {
    let db = ctx.db;
    let snapshot = match ctx.register {
        Some(register) => register.fresh().await?,
        None => crate::register::Register::read_once(db, ctx.now(), ctx.timezone).await?,
    };
    let board = &snapshot.board;
    let designees = db::designees::current_contacts(db).await?;
    let ids: Vec<i32> = designees.values().map(|(id, _, _)| *id).collect();
    let cazier = db::designees::evidence_of(db, &ids).await?;
    let emails = db::schools::pj_emails(db).await?;
    Ok(board
        .rows
        .iter()
        .filter_map(|row| {
            let (status, due) = (row.status?, row.due?);
            let designee = designees.get(&row.school.code);
            Some(SchoolState {
                code: row.school.code.clone(),
                name: row.school.name.clone(),
                status,
                due,
                step: row.school.step,
                designee: designee.map(|(id, confirmed, _)| (*id, *confirmed)),
                cazier_until: designee
                    .and_then(|(id, _, _)| cazier.get(id))
                    .map(|c| c.valid_until),
                contacts: Contacts {
                    school_email: emails.get(&row.school.code).cloned(),
                    designee_email: designee.and_then(|(_, _, e)| e.clone()),
                },
            })
        })
        .collect())
}

async fn hearings(
    db: &DatabaseConnection,
    today: chrono::NaiveDate,
    days: i64,
) -> Result<Vec<Hearing>, DbError> {
    let found =
        db::cases::hearings_between(db, today, today + Duration::days(days), 100_000).await?;
    Ok(found
        .into_iter()
        .flat_map(|h| {
            h.schools.into_iter().map(move |(school_code, _)| Hearing {
                case_id: h.case_id,
                number: h.number.clone(),
                court: h.court.clone(),
                on: h.on,
                school_code,
            })
        })
        .collect())
}
