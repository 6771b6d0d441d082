//! The throttles' bookkeeping: each attempt counted in the database (shared by every process)
//! under the limits `auth::throttle` defines.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use crate::auth::throttle::{ADDRESS_SLOWDOWN, Limit, Over};
use crate::db::{DbResult, throttle};

/// Counts one attempt under each limit in turn, narrowest first; `None` when all allow it.
/// An attempt refused by one limit is not counted under the wider ones, so tries on a
/// pending sign-in already over its own limit do not eat the account's daily allowance.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    limits: &[Limit],
    now: DateTime<Utc>,
) -> DbResult<Option<Over>> {
    for limit in limits {
        let count = throttle::record_attempt(db, &limit.key, limit.window_seconds, now).await?;
        if count > limit.max {
            return Ok(Some(Over {
                limit: limit.clone(),
                just_crossed: count == limit.max + 1,
            }));
        }
    }
    Ok(None)
}

/// How long an attempt from this address waits: nothing until its failures pass the limit.
/// Looked at, not counted: only a failure adds to it ([`failed`]).
pub async fn address_wait<C: ConnectionTrait>(
    db: &C,
    failures: &Limit,
    now: DateTime<Utc>,
) -> DbResult<std::time::Duration> {
    let count = throttle::attempts(db, &failures.key, failures.window_seconds, now).await?;
    Ok(if count > failures.max {
        ADDRESS_SLOWDOWN
    } else {
        std::time::Duration::ZERO
    })
}

/// Counts one failure of the address; true when it is the one that crossed the limit.
pub async fn failed<C: ConnectionTrait>(
    db: &C,
    failures: &Limit,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let count = throttle::record_attempt(db, &failures.key, failures.window_seconds, now).await?;
    Ok(count == failures.max + 1)
}
