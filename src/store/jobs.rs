//! The jobs table: scheduling steps, cancelling stale ones, claiming due ones under a lease, and
//! finishing each in the transaction that applies its effects.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::ids::TeamId;
use crate::domain::job::{Job, ScheduledJob};

/// A job a worker has claimed. `attempt` fences its completion: once the lease runs out and
/// another worker claims the row, the first worker's completion matches nothing.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub key: String,
    pub attempt: i32,
    pub job: Job,
    /// The workspace the step is for (its calls carry that workspace's token); `None`: about no
    /// workspace, or scheduled before workspaces were recorded.
    pub team: Option<TeamId>,
}

struct ClaimedRow {
    id: i64,
    dedupe_key: String,
    attempts: i32,
    payload: Json<Job>,
    team_id: Option<String>,
}

/// Schedules a job for `team` (whose token its calls carry). A key that was cancelled is armed again (a setting changed and changed
/// back, or a weekly step replaced by itself); a key pending, done or failed stays as it is,
/// so a step never runs twice. Returns false when nothing was scheduled.
pub async fn schedule(
    db: impl PgExecutor<'_>,
    job: &ScheduledJob,
    team: Option<&TeamId>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into jobs (dedupe_key, subject, payload, due_at, created_at, team_id)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (dedupe_key) do update
             set state = 'pending', subject = excluded.subject, payload = excluded.payload,
                 due_at = excluded.due_at, lease_until = null, last_error = null,
                 finished_at = null, attempts = 0, team_id = excluded.team_id
             where jobs.state = 'cancelled'",
        &job.key,
        &job.subject,
        Json(&job.job) as _,
        job.due_at,
        now,
        team.map(TeamId::as_str)
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Cancels the pending jobs about `subject` that no worker holds. A job being run right now
/// (perhaps the one making this change) finishes on its own; it carries the version it was made
/// for, so a stale one does nothing.
pub async fn cancel_subject(
    db: impl PgExecutor<'_>,
    subject: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "update jobs set state = 'cancelled', finished_at = $2
         where subject = $1 and state = 'pending'
           and (lease_until is null or lease_until <= $2)",
        subject,
        now
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Cancels every pending step of `team` (the app was uninstalled there), held by a worker or
/// not: a step being run finds itself cancelled when it completes, and its effects are rolled
/// back. Returns how many.
pub async fn cancel_for_team(
    db: impl PgExecutor<'_>,
    team: &TeamId,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "update jobs set state = 'cancelled', finished_at = $2
         where team_id = $1 and state = 'pending'",
        team.as_str(),
        now
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Makes the pending jobs about `subject` of `kind` due now (e.g. closing a vote early).
pub async fn bring_forward(
    db: impl PgExecutor<'_>,
    subject: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "update jobs set due_at = least(due_at, $3)
         where subject = $1 and state = 'pending' and payload ->> 'kind' = $2",
        subject,
        kind,
        now
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Claims up to `limit` due jobs for `lease_until` on behalf of `worker`, skipping jobs other
/// workers hold and jobs whose `max_attempts` are used up (those are [`give_up_abandoned`]'s,
/// whichever of the two runs first).
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
    worker: &str,
    max_attempts: u32,
) -> sqlx::Result<Vec<ClaimedJob>> {
    let rows: Vec<ClaimedRow> = sqlx::query_as!(
        ClaimedRow,
        "update jobs set lease_until = $2, attempts = jobs.attempts + 1, claimed_by = $4
         from (
             select id from jobs
             where state = 'pending' and due_at <= $1 and attempts < $5
               and (lease_until is null or lease_until <= $1)
             order by due_at, id
             limit $3
             for update skip locked
         ) due
         where jobs.id = due.id
         returning jobs.id, jobs.dedupe_key, jobs.attempts,
                   jobs.payload as \"payload: Json<Job>\", jobs.team_id",
        now,
        lease_until,
        limit,
        worker,
        i32::try_from(max_attempts).unwrap_or(i32::MAX)
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ClaimedJob {
            id: row.id,
            key: row.dedupe_key,
            attempt: row.attempts,
            job: row.payload.0,
            team: row.team_id.map(TeamId::from),
        })
        .collect())
}

/// Marks a claimed job done; call it in the transaction that applies the job's effects.
/// Returns false if the claim was lost (or the job cancelled): roll back then.
pub async fn complete(
    db: impl PgExecutor<'_>,
    claimed: &ClaimedJob,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update jobs set state = 'done', lease_until = null, finished_at = $3
         where id = $1 and attempts = $2 and state = 'pending'",
        claimed.id,
        claimed.attempt,
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Puts a claimed job back to run again at `retry_at`.
pub async fn retry(
    db: impl PgExecutor<'_>,
    claimed: &ClaimedJob,
    retry_at: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update jobs set due_at = $3, last_error = $4, lease_until = null
         where id = $1 and attempts = $2 and state = 'pending'",
        claimed.id,
        claimed.attempt,
        retry_at,
        error
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Gives up on a claimed job, keeping the error.
pub async fn fail(
    db: impl PgExecutor<'_>,
    claimed: &ClaimedJob,
    error: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update jobs set state = 'failed', last_error = $3, lease_until = null, finished_at = $4
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

/// Gives up on jobs whose every attempt was claimed and never finished (the processes running
/// them stopped mid-step, again and again): with `max_attempts` used up and the last lease run
/// out, such a job is marked failed instead of being claimed forever. Returns how many.
pub async fn give_up_abandoned(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    max_attempts: u32,
) -> sqlx::Result<u64> {
    sqlx::query!("update jobs set state = 'failed', lease_until = null, finished_at = $1,
                         last_error = format('gave up after %s attempts that never finished (last error: %s)',
                                             attempts, coalesce(last_error, 'none'))
         where state = 'pending' and attempts >= $2
           and (lease_until is null or lease_until <= $1)", now, i32::try_from(max_attempts).unwrap_or(i32::MAX))
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// When the next pending job falls due (or its lease runs out).
pub async fn next_due(db: impl PgExecutor<'_>) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select min(greatest(due_at, coalesce(lease_until, due_at)))
         from jobs where state = 'pending'"
    )
    .fetch_one(db)
    .await
}

/// Jobs due at `now` and not finished (running ones included), for `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueJobs {
    pub count: i64,
    /// When the longest-waiting of them fell due.
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// The jobs due at `now` and not finished. Reads the `jobs_due` index's range up to `now`.
pub async fn due(db: impl PgExecutor<'_>, now: DateTime<Utc>) -> sqlx::Result<DueJobs> {
    let row = sqlx::query!(
        "select count(*) as \"count!\", min(due_at) as oldest_due_at
         from jobs where state = 'pending' and due_at <= $1",
        now
    )
    .fetch_one(db)
    .await?;
    Ok(DueJobs {
        count: row.count,
        oldest_due_at: row.oldest_due_at,
    })
}
