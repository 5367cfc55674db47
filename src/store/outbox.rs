//! The outbox table: queuing calls to Slack, claiming due ones under a lease, and recording
//! each attempt's outcome.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::ids::TeamId;
use crate::slack::api::CallReceipt;
use crate::slack::outgoing::{AfterSend, Delivery, Outgoing};

/// A row a worker has claimed. `attempt` fences its updates: once the lease runs out and
/// another worker claims the row, the first worker's writes match nothing.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub key: String,
    pub attempt: i32,
    pub outgoing: Outgoing,
    pub after_send: Option<AfterSend>,
    /// An earlier attempt may have reached Slack without its outcome being recorded.
    pub maybe_sent: bool,
    pub created_at: DateTime<Utc>,
    /// The workspace the call is for, whose token makes it; `None`: `SLACK_BOT_TOKEN`.
    pub team: Option<TeamId>,
}

struct ClaimedRow {
    id: i64,
    idempotency_key: String,
    attempts: i32,
    call: Json<Outgoing>,
    after_send: Option<Json<AfterSend>>,
    was_unconfirmed: bool,
    created_at: DateTime<Utc>,
    team_id: Option<String>,
}

/// Queues a delivery, due `delivery.delay` after `now`. Returns false when nothing new was
/// queued: its key was queued before, or it merged into a waiting row with the same coalesce
/// key. Merging locks the waiting row until the caller commits, so the row cannot be claimed
/// (and rendered) before the change that caused the merge is visible.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    delivery: &Delivery,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let due = now + delivery.delay;
    let Some(coalesce_key) = &delivery.coalesce_key else {
        let inserted = sqlx::query!(
            "insert into outbox
                 (idempotency_key, call, after_send, next_attempt_at, created_at, sequence_key,
                  team_id)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (idempotency_key) do nothing",
            &delivery.key,
            Json(&delivery.outgoing) as _,
            delivery.after_send.as_ref().map(Json) as _,
            due,
            now,
            delivery.sequence_key.as_deref(),
            delivery.team.as_ref().map(TeamId::as_str)
        )
        .execute(db)
        .await?
        .rows_affected();
        return Ok(inserted == 1);
    };
    sqlx::query_scalar!(
        "insert into outbox
             (idempotency_key, call, after_send, next_attempt_at, created_at, coalesce_key,
              team_id)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (coalesce_key) where coalesce_key is not null
         do update set next_attempt_at = least(outbox.next_attempt_at, excluded.next_attempt_at)
         returning (xmax = 0) as \"inserted!\"",
        &delivery.key,
        Json(&delivery.outgoing) as _,
        delivery.after_send.as_ref().map(Json) as _,
        due,
        now,
        coalesce_key,
        delivery.team.as_ref().map(TeamId::as_str)
    )
    .fetch_one(db)
    .await
}

/// Queues deliveries that merge while waiting (all with coalesce keys) in one statement. Sort
/// them by coalesce key so concurrent writers lock rows in the same order.
pub async fn enqueue_coalesced(
    db: impl PgExecutor<'_>,
    deliveries: &[Delivery],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if deliveries.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = deliveries.iter().map(|d| d.key.as_str()).collect();
    let calls: Vec<Json<&Outgoing>> = deliveries.iter().map(|d| Json(&d.outgoing)).collect();
    let due: Vec<DateTime<Utc>> = deliveries.iter().map(|d| now + d.delay).collect();
    let coalesce: Vec<Option<&str>> = deliveries
        .iter()
        .map(|d| d.coalesce_key.as_deref())
        .collect();
    let teams: Vec<Option<&str>> = deliveries
        .iter()
        .map(|d| d.team.as_ref().map(TeamId::as_str))
        .collect();
    sqlx::query!(
        "insert into outbox
             (idempotency_key, call, next_attempt_at, created_at, coalesce_key, team_id)
         select key, call, due, $5, coalesce_key, team_id
         from unnest($1::text[], $2::jsonb[], $3::timestamptz[], $4::text[], $6::text[])
             as t(key, call, due, coalesce_key, team_id)
         on conflict (coalesce_key) where coalesce_key is not null
         do update set next_attempt_at = excluded.next_attempt_at
         where excluded.next_attempt_at < outbox.next_attempt_at",
        keys as _,
        calls as _,
        &due,
        coalesce as _,
        now,
        teams as _
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Gives up on rows whose every attempt was claimed and never recorded (the processes making
/// them stopped mid-call, again and again): with `max_attempts` used up and the last lease run
/// out, such a row is marked dead instead of being claimed forever. Returns how many.
pub async fn give_up_abandoned(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    max_attempts: u32,
) -> sqlx::Result<u64> {
    sqlx::query!("update outbox set state = 'dead', lease_until = null, finished_at = $1,
                           last_error = format('gave up after %s attempts whose outcome was never recorded (last error: %s)',
                                               attempts, coalesce(last_error, 'none'))
         where state = 'pending' and attempts >= $2
           and lease_until is not null and lease_until <= $1", now, i32::try_from(max_attempts).unwrap_or(i32::MAX))
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Claims up to `limit` due rows for `lease_until`, skipping rows other workers hold and rows
/// whose last lease ran out with `max_attempts` used and no outcome recorded (those are
/// [`give_up_abandoned`]'s, whichever of the two runs first). A row whose outcome was recorded
/// (a `Retry-After` to wait out) is claimed again whatever its attempts: Slack told it to wait.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
    max_attempts: u32,
) -> sqlx::Result<Vec<Claimed>> {
    let rows: Vec<ClaimedRow> = sqlx::query_as!(
        ClaimedRow,
        "update outbox set lease_until = $2, attempts = outbox.attempts + 1, coalesce_key = null,
                           unconfirmed = true
         from (
             select id, unconfirmed from outbox o
             where state = 'pending' and next_attempt_at <= $1
               and (lease_until is null or (lease_until <= $1 and attempts < $4))
               and (sequence_key is null or not exists (
                   select 1 from outbox earlier
                   where earlier.sequence_key = o.sequence_key and earlier.state = 'pending'
                     and earlier.id < o.id))
             order by next_attempt_at, id
             limit $3
             for update skip locked
         ) due
         where outbox.id = due.id
         returning outbox.id, outbox.idempotency_key, outbox.attempts,
                   outbox.call as \"call: Json<Outgoing>\",
                   outbox.after_send as \"after_send: Json<AfterSend>\", due.unconfirmed as was_unconfirmed, outbox.created_at,
                   outbox.team_id",
        now,
        lease_until,
        limit,
        i32::try_from(max_attempts).unwrap_or(i32::MAX)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Claimed {
            id: row.id,
            key: row.idempotency_key,
            attempt: row.attempts,
            outgoing: row.call.0,
            after_send: row.after_send.map(|json| json.0),
            maybe_sent: row.was_unconfirmed,
            created_at: row.created_at,
            team: row.team_id.as_deref().map(TeamId::from),
        })
        .collect())
}

/// Gives up on every call still queued for `team` (the app was uninstalled there): each stays
/// as a dead row saying so, for the record. Returns how many.
pub async fn give_up_for_team(
    db: impl PgExecutor<'_>,
    team: &TeamId,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "update outbox set state = 'dead', last_error = $2, lease_until = null, finished_at = $3
         where team_id = $1 and state = 'pending'",
        team.as_str(),
        reason,
        now
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Marks a claimed row delivered. Returns false if the claim was lost meanwhile.
pub async fn mark_done(
    db: impl PgExecutor<'_>,
    claimed: &Claimed,
    receipt: &CallReceipt,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update outbox set state = 'done', receipt = $3, lease_until = null, finished_at = $4
         where id = $1 and attempts = $2 and state = 'pending'",
        claimed.id,
        claimed.attempt,
        Json(receipt) as _,
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Puts a claimed row back to be tried again at `retry_at`. `maybe_sent` says whether the
/// failed attempt may have taken effect anyway (a timeout, a dropped connection, a 5xx).
pub async fn schedule_retry(
    db: impl PgExecutor<'_>,
    claimed: &Claimed,
    retry_at: DateTime<Utc>,
    error: &str,
    maybe_sent: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update outbox set next_attempt_at = $3, last_error = $4, lease_until = null,
                           unconfirmed = $5
         where id = $1 and attempts = $2 and state = 'pending'",
        claimed.id,
        claimed.attempt,
        retry_at,
        error,
        maybe_sent
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Gives up on a claimed row, keeping the error for whoever looks.
pub async fn mark_dead(
    db: impl PgExecutor<'_>,
    claimed: &Claimed,
    error: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update outbox set state = 'dead', last_error = $3, lease_until = null, finished_at = $4
         where id = $1 and attempts = $2 and state = 'pending'",
        claimed.id,
        claimed.attempt,
        error,
        now
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// When the next claimable row falls due (or its lease runs out). Rows waiting behind an
/// earlier row of their sequence do not count: that row's completion wakes the worker.
pub async fn next_due(db: impl PgExecutor<'_>) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at)))
         from outbox o
         where state = 'pending'
           and (sequence_key is null or not exists (
               select 1 from outbox earlier
               where earlier.sequence_key = o.sequence_key and earlier.state = 'pending'
                 and earlier.id < o.id))"
    )
    .fetch_one(db)
    .await
}

/// Rows waiting and rows given up on, for `/metrics`. Each count reads its partial index
/// (`outbox_due`, `outbox_dead`), never the done rows.
pub async fn depth(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, i64)>> {
    let row = sqlx::query!(
        "select (select count(*) from outbox where state = 'pending') as \"pending!\",
                (select count(*) from outbox where state = 'dead') as \"dead!\""
    )
    .fetch_one(db)
    .await?;
    Ok(vec![
        ("pending".to_string(), row.pending),
        ("dead".to_string(), row.dead),
    ])
}

/// When the longest-waiting pending row that is due at `now` was queued (retries, and calls
/// in flight, included), for `/metrics`. Reads the `outbox_due` index's range up to `now`.
pub async fn oldest_due_pending(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select min(created_at) from outbox where state = 'pending' and next_attempt_at <= $1",
        now
    )
    .fetch_one(db)
    .await
}
