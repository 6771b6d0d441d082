//! What a director does through a one-time link: the link is used up and the change recorded
//! in one transaction, under the same rules as the staff pages.

use chrono::NaiveDate;

use super::{Actor, AppError, AppResult, Ctx, Tx};
use crate::auth::tokens::{new_token, token_hash};
use crate::db::{self, DbResult};
use crate::domain::change::Change;
use crate::domain::den::{DenStep, StepClaim};
use crate::domain::designee::{self, AccessContact, DesigneeFacts};
use crate::domain::links::{Link, Lookup, Purpose, VALID_FOR};

/// The change a link's form asks for, parsed at the door.
#[derive(Debug, Clone)]
pub enum LinkChange {
    Designee(DesigneeFacts),
    Step {
        step: DenStep,
        on: NaiveDate,
        case: Option<i32>,
        /// The contact the access request declared (access requests only).
        contact: Option<AccessContact>,
    },
    OptOut,
}

/// What was recorded, in words for the thank-you page.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkOutcome {
    Done(String),
    /// The link was used meanwhile (or expired): nothing was written.
    Used,
    Invalid,
}

/// Issues a link (revoking the school's open ones for the same purpose and address) and
/// returns its token, to put in a mail and never to store. Runs inside the caller's
/// transaction.
pub async fn issue<C: sea_orm::ConnectionTrait>(
    db: &C,
    school: &str,
    purpose: Purpose,
    email: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> DbResult<String> {
    db::links::revoke_open(db, school, purpose, email, now).await?;
    let token = new_token();
    let link = db::links::NewLink {
        token_hash: token_hash(&token),
        school,
        purpose,
        email,
        expires_at: now + VALID_FOR,
    };
    db::links::insert(db, link, now).await?;
    Ok(token)
}

/// What a token is worth now.
pub async fn lookup<C: sea_orm::ConnectionTrait>(
    db: &C,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> DbResult<Lookup> {
    let stored = db::links::by_token_hash(db, &token_hash(token)).await?;
    Ok(Lookup::of(stored, now))
}

/// Uses the link and records the change; a refused change leaves the link usable.
pub async fn act(ctx: Ctx<'_>, token: &str, change: LinkChange) -> AppResult<LinkOutcome> {
    let now = ctx.now();
    let link = match lookup(ctx.db, token, now).await? {
        Lookup::Valid(link) => link,
        Lookup::Used => return Ok(LinkOutcome::Used),
        Lookup::Invalid => return Ok(LinkOutcome::Invalid),
    };
    let mut tx = ctx.begin().await?;
    if !db::links::consume(tx.db(), link.id, now).await? {
        return Ok(LinkOutcome::Used);
    }
    // Dropping the transaction on a refusal rolls back the consumption too.
    let text = apply(&mut tx, ctx, &link, change).await?;
    ctx.commit(tx, &Actor::DirectorLink).await?;
    Ok(LinkOutcome::Done(text))
}

async fn apply(tx: &mut Tx, ctx: Ctx<'_>, link: &Link, change: LinkChange) -> AppResult<String> {
    let school = link.school_code.as_str();
    let actor = Actor::DirectorLink;
    let now = ctx.now();
    match change {
        LinkChange::Designee(typed) => {
            let (facts, mut warnings) =
                designee::check(typed).map_err(super::designees::problems)?;
            super::designees::write(tx, &actor, school, &facts, now, true).await?;
            warnings.extend(super::designees::shared_contact(tx.db(), school, &facts).await?);
            let mut text = format!(
                "persoana desemnată {} ({}), {}, {}.",
                facts.full_name,
                facts.function,
                facts.email.clone().unwrap_or_default(),
                facts.phone.clone().unwrap_or_default()
            );
            for warning in warnings {
                text.push_str(&format!(" Atenție: {}.", warning.message));
            }
            Ok(text)
        }
        LinkChange::Step {
            step,
            on,
            case,
            contact,
        } => {
            let input = super::den::StepInput {
                claim: StepClaim { step, on, case },
                note: None,
                contact: contact.as_ref(),
            };
            super::den::apply_step(tx, &actor, school, input, ctx.today(), now).await?;
            Ok(format!("{} la {}.", step.label(), on.format("%d.%m.%Y")))
        }
        LinkChange::OptOut => {
            let email = link
                .email
                .clone()
                .ok_or(AppError::NotFound("Adresa legăturii"))?;
            db::settings::opt_out(tx.db(), &email, now).await?;
            tx.record(Change::OptedOut {
                email: email.clone(),
            });
            Ok(format!(
                "adresa {email} nu mai primește memento-uri despre termenele de judecată."
            ))
        }
    }
}
