//! Read-path benchmark: `list`, the weekly digest and `search` over a channel with 100,000
//! topics and 1,000,000 votes (generated), timed through the same functions the bot calls; then
//! the web archive's pages (`pages`), data and HTML.
//!
//! ```sh
//! cargo run --profile dist --example querybench
//! cargo run --profile dist --example querybench -- --topics 100000 --votes 1000000 --iterations 50
//! ```
//!
//! Uses the Postgres at `--database-url` (it creates and drops a database `archhour_querybench`
//! there) or, without one, an embedded cluster under /tmp/archhour-querybench.

mod pages;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use archhour::database::embedded::EmbeddedPostgres;
use archhour::slack::blocks;
use archhour::{compose, store};
use chrono::{TimeZone, Utc};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};

use archhour::domain::ids::{ChannelId, TeamId, TopicNumber};

const CHANNEL: &str = "CBENCH";

struct Options {
    topics: i64,
    votes: i64,
    iterations: usize,
    database_url: Option<String>,
    /// Leave the generated database in place (to look at query plans).
    keep: bool,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        topics: 100_000,
        votes: 1_000_000,
        iterations: 50,
        database_url: None,
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().context("a flag needs a value");
        match flag.as_str() {
            "--topics" => options.topics = value()?.parse()?,
            "--votes" => options.votes = value()?.parse()?,
            "--iterations" => options.iterations = value()?.parse()?,
            "--database-url" => options.database_url = Some(value()?),
            "--keep" => options.keep = true,
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let admin: PgConnectOptions = match &options.database_url {
        Some(url) => url.parse()?,
        None => {
            let cluster =
                EmbeddedPostgres::start(std::path::Path::new("/tmp/archhour-querybench"))?;
            cluster.connect_options("postgres")
        }
    };
    let mut conn = PgConnection::connect_with(&admin).await?;
    sqlx::query("drop database if exists archhour_querybench with (force)")
        .execute(&mut conn)
        .await?;
    sqlx::query("create database archhour_querybench")
        .execute(&mut conn)
        .await?;
    let db = PgPool::connect_with(admin.clone().database("archhour_querybench")).await?;
    store::migrate(&db).await?;

    let started = Instant::now();
    generate(&db, &options).await?;
    println!(
        "generated {} topics and {} votes in {:.1} s",
        options.topics,
        options.votes,
        started.elapsed().as_secs_f64()
    );

    let now = Utc
        .with_ymd_and_hms(2026, 11, 18, 9, 0, 0)
        .single()
        .context("time")?;
    let list = measure(options.iterations, || async {
        let mut conn = db.acquire().await?;
        let ranked = compose::agenda::ranked(&mut conn, &ChannelId::from(CHANNEL)).await?;
        Ok(blocks::agenda(&ranked, now).blocks.len())
    })
    .await?;
    let digest = measure(options.iterations, || async {
        let mut conn = db.acquire().await?;
        let digest = compose::digest::gather(&mut conn, &ChannelId::from(CHANNEL), now).await?;
        Ok(blocks::digest::digest(&digest).blocks.len())
    })
    .await?;
    let search = measure(options.iterations, || async {
        let mut conn = db.acquire().await?;
        let found = store::search::search(
            &mut conn,
            &TeamId::from("T1"),
            &ChannelId::from(CHANNEL),
            "kubernetes upgrade",
            10,
        )
        .await?;
        Ok(
            blocks::search::search_results("kubernetes upgrade", &found, None)
                .blocks
                .len(),
        )
    })
    .await?;
    print_table(
        "operation",
        &[("list", list), ("digest", digest), ("search", search)],
    );
    // A discussed topic with a decision and an action item (every tenth has them).
    let topic = TopicNumber(i32::try_from((options.topics / 20).max(1) * 10)?);
    let shown = pages::measure_pages(&db, options.iterations, topic, now).await?;
    println!();
    print_table("page (data + HTML)", &shown);
    db.close().await;
    if !options.keep {
        sqlx::query("drop database if exists archhour_querybench with (force)")
            .execute(&mut conn)
            .await?;
    }
    Ok(())
}

/// A Markdown table of p50, p99 and max per row.
fn print_table(first: &str, rows: &[(&str, Vec<Duration>)]) {
    println!("| {first} | p50 | p99 | max |");
    println!("|---|---|---|---|");
    for (name, timings) in rows {
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms |",
            ms(percentile(timings, 0.50)),
            ms(percentile(timings, 0.99)),
            ms(timings[timings.len() - 1])
        );
    }
}

/// Times `op` after five warm-up runs; sorted durations.
async fn measure<F, Fut>(iterations: usize, mut op: F) -> anyhow::Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<usize>>,
{
    for _ in 0..5 {
        op().await?;
    }
    let mut timings = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        let blocks = op().await?;
        timings.push(started.elapsed());
        assert!(blocks > 0);
    }
    timings.sort();
    Ok(timings)
}

/// Nearest-rank percentile: the smallest timing that a share `p` of all timings do not exceed.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = (sorted.len() as f64 * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A channel's history: 2% of the topics open (the backlog), the rest discussed over 2,000
/// meetings; 90% of the votes on discussed topics' cards and 10% on open ones; two notes per
/// topic, a decision and an action item (5% still open) per ten; a challenges log of 200 issues.
async fn generate(db: &PgPool, options: &Options) -> anyhow::Result<()> {
    let statements = topic_statements(options)
        .into_iter()
        .chain(pages::challenge_statements(200))
        .chain(content_statements(options));
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
            .execute(db)
            .await
            .with_context(|| statement.chars().take(80).collect::<String>())?;
    }
    // Flush the generated pages now rather than during the measurement; needs a superuser or
    // pg_checkpoint, which a borrowed database may not grant.
    if let Err(error) = sqlx::query("checkpoint").execute(db).await {
        eprintln!("skipping the checkpoint: {error}");
    }
    Ok(())
}

/// The topics open on the agenda: 2% of them.
fn open_topics(options: &Options) -> i64 {
    options.topics / 50
}

/// The workspace, the meetings, the topics and which meeting discussed each.
fn topic_statements(options: &Options) -> Vec<String> {
    let open = open_topics(options);
    vec![
        "insert into workspaces (team_id, last_topic_number) values ('T1', 0)".to_string(),
        "insert into meetings (team_id, channel_id, started_by, started_at, ended_at, phase, held_on)
         select 'T1', 'CBENCH', 'U00001', ts, ts + interval '1 hour', 'ended', ts::date
         from (select timestamptz '2026-11-11 11:00Z' - (i * interval '7 days') as ts
               from generate_series(0, 1999) as i) m"
            .to_string(),
        format!(
            "insert into topics (team_id, number, channel_id, author_id, intents, title, state,
                                 card_ts, created_at, discussed_in)
             select 'T1', i, 'CBENCH', 'U' || lpad((i % 5000)::text, 5, '0'),
                    array[(array['inform','ideation','analysis','quest','discuss'])[1 + i % 5]],
                    (select string_agg(w[1 + abs(hashtext(i::text || ':' || k::text)) % array_length(w, 1)], ' ')
                     from generate_series(1, 6) as k,
                          (select string_to_array('kubernetes upgrade devstack docs strategy paver studio lms split frontend backend api gateway docker image pipeline jenkins gocd alerting oncall ownership working group auth jwt cookie session mfe error page spinner banner status maintenance caching eventing kafka schema versioning deprecation django python upgrade node react testing flaky master builds ecommerce payment search discovery analytics data warehouse privacy retirement xblock course import export theming branding mobile notifications email celery workers database mysql migration performance latency memory cost cloud aws terraform ansible secrets vault logging tracing metrics dashboards incidents postmortem', ' ') as w) words) ,
                    case when i > {topics} - {open} then 'open' else 'discussed' end,
                    '1600000000.' || lpad(i::text, 6, '0'),
                    timestamptz '2026-11-18 09:00Z' - (({topics} - i) * interval '5 minutes'),
                    case when i > {topics} - {open} then null else 1 + i % 2000 end
             from generate_series(1, {topics}) as i",
            topics = options.topics,
            open = open
        ),
        "update workspaces set last_topic_number = (select max(number) from topics)".to_string(),
        "insert into meeting_topics (meeting_id, topic_id, position, votes, planned_seconds, started_at, ended_at)
         select discussed_in, id, row_number() over (partition by discussed_in order by id), 3, 600,
                created_at, created_at + interval '10 minutes'
         from topics where state = 'discussed'"
            .to_string(),
    ]
}

/// What the topics gathered: votes and their tallies, notes, decisions and action items; then
/// the tables settled.
fn content_statements(options: &Options) -> Vec<String> {
    let open = open_topics(options);
    vec![
        format!(
            "insert into votes (channel_id, message_ts, user_id, present, voted_at, last_event_ts)
             select 'CBENCH', '1600000000.' || lpad(topic::text, 6, '0'),
                    'U' || lpad(voter::text, 5, '0'), true,
                    timestamptz '2026-11-01Z' + (n * interval '1 second'), n
             from (
                 select n,
                        case when n % 10 = 0
                             then {discussed} + 1 + (n / 10) % {open}
                             else 1 + (n % {discussed}) end as topic,
                        (n / 10) % 5000 as voter
                 from generate_series(0, {votes} - 1) as n
             ) v
             on conflict do nothing",
            discussed = options.topics - open,
            open = open,
            votes = options.votes
        ),
        "insert into vote_tallies (channel_id, message_ts, votes)
         select channel_id, message_ts, count(*) from votes where present group by 1, 2"
            .to_string(),
        "insert into notes (channel_id, topic_id, meeting_id, text, author_id, created_at, position)
         select 'CBENCH', t.id, t.discussed_in,
                'note ' || k || ' on ' || t.title, t.author_id, t.created_at, k
         from topics t, generate_series(1, 2) as k where t.state = 'discussed'"
            .to_string(),
        "insert into decisions (channel_id, topic_id, meeting_id, text, created_by, created_at)
         select 'CBENCH', id, discussed_in, 'we decided about ' || title, author_id, created_at
         from topics where state = 'discussed' and id % 10 = 0"
            .to_string(),
        "insert into action_items (team_id, number, channel_id, text, topic_id, meeting_id,
                                   created_by, created_at, state, due_on)
         select 'T1', row_number() over (order by id), 'CBENCH', 'follow up on ' || title, id,
                discussed_in, author_id, created_at,
                case when id % 200 = 0 then 'open' else 'done' end,
                (created_at + interval '14 days')::date
         from topics where state = 'discussed' and id % 10 = 0"
            .to_string(),
        "insert into action_owners (item_id, user_id)
         select id, created_by from action_items"
            .to_string(),
        // Settle the freshly written tables the way a long-lived database is: visibility map
        // set and statistics current, with no autovacuum starting mid-measurement.
        "vacuum analyze".to_string(),
    ]
}
