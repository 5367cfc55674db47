//! The web archive's pages (issue 20) timed the way their handlers serve them: the page's data
//! read through the same use case or store function, then its HTML rendered to a string. What
//! the handlers add around that (the session cookie, the channel's visibility, cached after the
//! first call to Slack) is left out.

use std::time::Duration;

use anyhow::Context;
use archhour::compose::minutes::{self, Minutes};
use archhour::domain::ids::{ChannelId, TeamId, TopicNumber};
use archhour::domain::notes::render_meeting;
use archhour::http::web::pages::{self, Viewer};
use archhour::http::web::{challenges, channel, meeting, search, topic};
use archhour::slack::identity::BotIdentity;
use archhour::store;
use archhour::usecases::archive::{self, OpenChannel};
use archhour::usecases::search::search_channel;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use super::{CHANNEL, measure};

const VIEWER: Viewer<'static> = Viewer {
    name: "Bench Reader",
};

/// Each page's name and its sorted timings.
pub type Timings = Vec<(&'static str, Vec<Duration>)>;

/// Times every page `iterations` times; `topic` is the topic page shown.
pub async fn measure_pages(
    db: &PgPool,
    iterations: usize,
    topic: TopicNumber,
    now: DateTime<Utc>,
) -> anyhow::Result<Timings> {
    let channel_id = ChannelId::from(CHANNEL);
    let open = OpenChannel {
        channel_id: channel_id.clone(),
        name: "arch-hour".to_string(),
        private: false,
    };
    let bot = BotIdentity {
        user_id: "UBOT".into(),
        bot_id: None,
        team_id: TeamId::from("T1"),
        url: "https://bench.slack.com/".to_string(),
    };
    let day = biggest_meeting(db).await?;
    let mut timings = Timings::new();
    timings.push((
        "`/archive` (channel list)",
        measure(iterations, || async {
            let listed = archive::channels_with_topics(db, &TeamId::from("T1"), now).await?;
            Ok(pages::channel_list(VIEWER, &listed).into_string().len())
        })
        .await?,
    ));
    timings.push((
        "channel page (3 charts)",
        measure(iterations, || async {
            let shown = archive::channel_page(db, &channel_id, 1)
                .await?
                .context("no channel page")?;
            Ok(channel::render(&open, VIEWER, &shown).into_string().len())
        })
        .await?,
    ));
    timings.push((
        "meeting page (biggest meeting)",
        measure(iterations, || async {
            let shown = archive::meeting_page(db, Some(&bot), &channel_id, day)
                .await?
                .context("no meeting page")?;
            Ok(meeting::render(&open, VIEWER, day, &shown)
                .into_string()
                .len())
        })
        .await?,
    ));
    timings.push((
        "meeting `.md`",
        measure(iterations, || async {
            let mut conn = db.acquire().await?;
            let Minutes::Found { notes, .. } =
                minutes::find(&mut conn, &channel_id, Some(day)).await?
            else {
                anyhow::bail!("no minutes on {day}");
            };
            Ok(render_meeting(&notes).len())
        })
        .await?,
    ));
    measure_lookups(db, iterations, topic, &open, &bot, &mut timings).await?;
    Ok(timings)
}

/// Times the topic page, a search and the challenges log, adding them to `timings`.
async fn measure_lookups(
    db: &PgPool,
    iterations: usize,
    topic: TopicNumber,
    open: &OpenChannel,
    bot: &BotIdentity,
    timings: &mut Timings,
) -> anyhow::Result<()> {
    let channel_id = &open.channel_id;
    timings.push((
        "topic page",
        measure(iterations, || async {
            let shown = archive::topic_page(db, Some(bot), &TeamId::from("T1"), channel_id, topic)
                .await?
                .context("no topic page")?;
            Ok(topic::render(open, VIEWER, &shown).into_string().len())
        })
        .await?,
    ));
    timings.push((
        "search (`kubernetes upgrade`)",
        measure(iterations, || async {
            let mut conn = db.acquire().await?;
            let words = "kubernetes upgrade";
            let found = search_channel(&mut conn, &TeamId::from("T1"), channel_id, words).await?;
            Ok(search::render(open, VIEWER, words, &found)
                .into_string()
                .len())
        })
        .await?,
    ));
    timings.push((
        "challenges log (sorted by occurrences)",
        measure(iterations, || async {
            let mut conn = db.acquire().await?;
            let mut issues = store::challenges::page_of(&mut conn, channel_id).await?;
            challenges::sort(&mut issues, "occurrences", true);
            Ok(
                challenges::render(open, VIEWER, &issues, Some(("occurrences", true)))
                    .into_string()
                    .len(),
            )
        })
        .await?,
    ));
    Ok(())
}

/// The day of the channel's meeting with the most topics (the latest of those).
async fn biggest_meeting(db: &PgPool) -> anyhow::Result<NaiveDate> {
    let day: NaiveDate = sqlx::query_scalar(
        "select m.held_on from meetings m join meeting_topics mt on mt.meeting_id = m.id
         where m.channel_id = $1
         group by m.id order by count(*) desc, m.held_on desc limit 1",
    )
    .bind(CHANNEL)
    .fetch_one(db)
    .await
    .context("finding the biggest meeting")?;
    Ok(day)
}

/// The challenges log: `issues` issues in ten categories, three anecdotes each, a third of the
/// counts left blank as imported pages leave them.
pub fn challenge_statements(issues: i64) -> Vec<String> {
    vec![
        format!(
            "insert into challenge_issues (team_id, number, channel_id, category, title,
                                           occurrences, status, imported, created_at)
             select 'T1', i, 'CBENCH', 'Category ' || (i % 10), 'Issue number ' || i,
                    case when i % 3 = 0 then null else i % 17 end,
                    case when i % 4 = 0 then 'ticket ARCH-' || i else '' end, true,
                    timestamptz '2024-01-01Z' + i * interval '1 day'
             from generate_series(1, {issues}) as i"
        ),
        format!("update workspaces set last_challenge_number = {issues}"),
        "insert into challenge_anecdotes (issue_id, channel_id, text, team, when_written,
                                          happened_on, imported, recorded_at, position)
         select id, 'CBENCH', 'it happened again (' || k || ')', 'Team ' || (id % 7),
                'April ' || k || ', 2025', date '2025-04-01' + k, true, created_at, k
         from challenge_issues, generate_series(1, 3) as k"
            .to_string(),
    ]
}
