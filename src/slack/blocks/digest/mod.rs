//! The weekly digest: the next meeting, the agenda so far, new topics, the last meeting, open
//! action items by owner (and their chart, when the web is on), the challenges log, topics by
//! intent, and a link to the web archive when it is on, within Slack's block limits. The
//! longer parts live in submodules; this one holds what a digest is and puts it together.

mod challenges;
mod last_meeting;
mod links;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

use super::items::owner_lines;
use super::votes::facilitator_refusal_or;
use super::{Moment, Reply, agenda_row, local_time, numbered, sections};
use crate::domain::actions::ActionItem;
use crate::domain::challenges::ChallengeIssue;
use crate::domain::challenges::RecentAnecdote;
use crate::domain::ids::UserId;
use crate::domain::meeting::DiscussedTopic;
use crate::domain::mrkdwn::escape;
use crate::domain::topics::{Intent, Topic};
use crate::domain::votes::RankedTopic;
use challenges::challenges_part;
use last_meeting::last_meeting;
pub use links::{ChartImage, DigestLinks, MAX_ALT_TEXT, MAX_IMAGE_URL};

/// How many rows each part lists before "…and N more".
const ROWS: usize = 10;

/// How many of one owner's items the digest names before "…and N more".
const ITEMS_PER_OWNER: usize = 5;

/// What a digest shows.
#[derive(Debug, Clone)]
pub struct Digest {
    pub next_meeting: DateTime<Utc>,
    pub tz: Tz,
    pub agenda: Vec<RankedTopic>,
    /// The first new topics, and how many there are in all.
    pub new_topics: Vec<Topic>,
    pub new_total: usize,
    pub last_meeting: Option<LastMeeting>,
    /// Overdue first, then oldest.
    pub open_items: Vec<ActionItem>,
    pub today: NaiveDate,
    pub intent_counts: Vec<(Intent, usize)>,
    pub challenges: ChallengesDigest,
}

/// The challenges log's part of the digest: anecdotes recorded since the last digest, and the
/// issues hit most often.
#[derive(Debug, Clone, Default)]
pub struct ChallengesDigest {
    /// The first new anecdotes, and how many there are in all.
    pub recent: Vec<RecentAnecdote>,
    pub recent_total: usize,
    /// The top three by occurrences.
    pub top: Vec<ChallengeIssue>,
}

/// The last meeting, as the digest tells it.
#[derive(Debug, Clone)]
pub struct LastMeeting {
    pub title: String,
    pub date: NaiveDate,
    pub topics: Vec<MeetingTopic>,
    pub decisions: Vec<String>,
    pub items: Vec<ActionItem>,
}

#[derive(Debug, Clone)]
pub struct MeetingTopic {
    pub topic: Topic,
    pub record: DiscussedTopic,
    pub minutes_used: i64,
}

/// Up to `ROWS` of `rows` (only those are rendered), then how many of the `total` were left
/// out: "…and 1 more topic", "…and 3 more topics" for `noun` ("topic", "topics").
fn capped(
    rows: impl IntoIterator<Item = String>,
    total: usize,
    (one, many): (&str, &str),
) -> Vec<String> {
    let mut lines: Vec<String> = rows.into_iter().take(ROWS).collect();
    if total > lines.len() {
        let more = total - lines.len();
        let noun = if more == 1 { one } else { many };
        lines.push(format!("…and {more} more {noun}"));
    }
    lines
}

/// `digest` from someone who may not post it: who can, and how to see it anyway.
pub fn post_refusal(facilitators: &[UserId]) -> Reply {
    facilitator_refusal_or(
        "post the digest",
        facilitators,
        "`/archtopic digest preview` shows it to you.",
    )
}

/// Open items by owner, each owner on one line, the items nobody owns last.
fn open_items_part(digest: &Digest) -> Vec<String> {
    let lines = owner_lines(&digest.open_items, digest.today, ITEMS_PER_OWNER);
    let owners = lines.len();
    section(
        "Open action items",
        capped(lines, owners, ("owner", "owners")),
        "No open action items.",
    )
}

/// The digest as a channel message: each part one or more sections (split at line breaks to
/// stay under Slack's 3,000 characters), parts separated by dividers.
pub fn digest(digest: &Digest) -> Reply {
    digest_with(digest, &DigestLinks::default())
}

/// The digest with `links`: the chart's image after the open action items, the archive's line
/// last. Text is cut first when the blocks run over Slack's limit, never the links.
pub fn digest_with(digest: &Digest, links: &DigestLinks) -> Reply {
    let when = local_time(digest.next_meeting, digest.tz, Moment::LongDate);
    let parts = [
        vec![format!("*Arch Hour weekly digest* · next meeting {when}")],
        agenda_part(digest),
        new_topics_part(digest),
        match &digest.last_meeting {
            None => section("Last meeting", Vec::new(), "No meeting yet."),
            Some(meeting) => last_meeting(meeting, digest.today),
        },
        open_items_part(digest),
        challenges_part(&digest.challenges),
        vec![intents_line(digest)],
    ];
    /// The open items part: the chart follows it.
    const OPEN_ITEMS: usize = 4;
    let mut blocks: Vec<SlackBlock> = Vec::new();
    let mut chart_at = 0;
    for (index, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if !blocks.is_empty() {
            blocks.push(SlackDividerBlock::new().into());
        }
        let lines: Vec<&str> = part.iter().map(String::as_str).collect();
        blocks.extend(sections(&lines));
        if index == OPEN_ITEMS {
            chart_at = blocks.len();
        }
    }
    // Only titles thousands of characters long could get here.
    blocks.truncate(super::MAX_BLOCKS - links.block_count());
    if let Some(image) = links.chart.as_ref().and_then(links::image_block) {
        blocks.insert(chart_at.min(blocks.len()), image);
    }
    if let Some(archive) = &links.archive {
        blocks.push(SlackDividerBlock::new().into());
        blocks.extend(sections(&[links::archive_line(archive).as_str()]));
    }
    Reply {
        text: "Arch Hour weekly digest".to_string(),
        blocks,
    }
}

fn agenda_part(digest: &Digest) -> Vec<String> {
    section(
        "Agenda so far",
        capped(
            digest.agenda.iter().map(agenda_row),
            digest.agenda.len(),
            ("topic", "topics"),
        ),
        "No open topics.",
    )
}

fn new_topics_part(digest: &Digest) -> Vec<String> {
    let new = digest
        .new_topics
        .iter()
        .map(|topic| format!("• {}", numbered(topic, &escape(&topic.title))));
    section(
        "New since the last digest",
        capped(new, digest.new_total, ("topic", "topics")),
        "No new topics.",
    )
}

fn intents_line(digest: &Digest) -> String {
    let intents: Vec<String> = digest
        .intent_counts
        .iter()
        .map(|(intent, count)| format!("{intent} {count}"))
        .collect();
    format!(
        "*Topics by intent*: {}",
        if intents.is_empty() {
            "none yet".to_string()
        } else {
            intents.join(" · ")
        }
    )
}

/// A part: its bold title line, then its lines or what to say when there are none.
fn section(title: &str, lines: Vec<String>, empty: &str) -> Vec<String> {
    let mut part = vec![format!("*{title}*")];
    if lines.is_empty() {
        part.push(empty.to_string());
    } else {
        part.extend(lines);
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actions::ItemState;
    use crate::domain::ids::{ItemNumber, TopicNumber};
    use crate::slack::blocks::tests::{blocks_json, topic};
    use chrono::TimeZone;

    /// A topic whose title is Slack's 300-character maximum, every `&` of it escaped to `&amp;`.
    fn long_topic(number: i32) -> Topic {
        Topic {
            number: TopicNumber(number),
            title: "&".repeat(300),
            ..topic()
        }
    }

    fn open_item(number: i32, owner: &str) -> ActionItem {
        ActionItem {
            id: i64::from(number),
            number: ItemNumber(number),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            text: "x".repeat(200),
            owners: vec![owner.into()],
            owner_names: vec![],
            due_on: None,
            topic_id: None,
            meeting_id: None,
            created_by: owner.into(),
            created_at: Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap(),
            state: ItemState::Open,
            snoozed_until: None,
        }
    }

    /// A busy week: 30 open topics, 25 new ones (12 loaded), 20 topics, 15 decisions and 15
    /// items at the last meeting, and 12 people with 8 open items each.
    fn busy_week() -> Digest {
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 11, 0, 0).unwrap();
        Digest {
            next_meeting: at,
            tz: chrono_tz::UTC,
            agenda: (1..=30)
                .map(|n| RankedTopic {
                    rank: n,
                    topic: long_topic(i32::try_from(n).unwrap()),
                    votes: 3,
                })
                .collect(),
            new_topics: (31..=42).map(long_topic).collect(),
            new_total: 25,
            last_meeting: Some(LastMeeting {
                title: "Arch Hour".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 18).unwrap(),
                topics: (43..=62)
                    .map(|n| MeetingTopic {
                        topic: long_topic(n),
                        record: DiscussedTopic {
                            topic_id: i64::from(n),
                            position: n,
                            votes: 2,
                            rounds: 1,
                            planned_seconds: 600,
                            started_at: at,
                            ended_at: Some(at),
                            needs_follow_up: false,
                        },
                        minutes_used: 10,
                    })
                    .collect(),
                decisions: vec!["y".repeat(400); 15],
                items: (1..=15).map(|n| open_item(n, "UOWNER")).collect(),
            }),
            open_items: (1..=96)
                .map(|n| open_item(n, &format!("U{:02}", n % 12)))
                .collect(),
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            intent_counts: vec![(Intent::Quest, 30), (Intent::Ideation, 30)],
            challenges: ChallengesDigest::default(),
        }
    }

    fn texts(reply: &Reply) -> Vec<String> {
        blocks_json(reply)
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|block| block["text"]["text"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn a_busy_week_fits_slacks_limits_and_says_what_it_left_out() {
        let reply = digest(&busy_week());
        assert!(reply.blocks.len() <= 50, "{} blocks", reply.blocks.len());
        let texts = texts(&reply);
        for text in &texts {
            assert!(text.chars().count() <= 3000, "{} characters", text.len());
        }
        let all = texts.join("\n");
        // Ten of each list, then the rest counted: 30 - 10, 25 - 10, 20 - 10, 15 - 10, 15 - 10.
        for more in [
            "…and 20 more topics",
            "…and 15 more topics",
            "…and 10 more topics",
            "…and 5 more decisions",
            "…and 5 more action items",
            "…and 2 more owners",
        ] {
            assert!(all.contains(more), "missing {more:?}");
        }
        // Eight items each: five named, then the other three counted.
        assert!(all.contains("; …and 3 more"), "owner lines are capped");
        for part in [
            "*Agenda so far*",
            "*New since the last digest*",
            "*Last meeting*",
            "*Open action items*",
            "*Topics by intent*",
        ] {
            assert!(all.contains(part), "missing {part}");
        }
        // Lines are never cut: every topic line that is shown ends with its votes.
        assert!(all.contains(&format!("{} · 3 votes", "&amp;".repeat(300))));
    }

    fn lines(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("line {i}")).collect()
    }

    #[test]
    fn a_refused_digest_points_to_the_preview() {
        assert_eq!(
            post_refusal(&["UFAC".into()]).text,
            "Only this channel's facilitators (<@UFAC>) can post the digest. \
             `/archtopic digest preview` shows it to you."
        );
    }

    #[test]
    fn a_short_list_is_shown_whole() {
        assert_eq!(capped(lines(3), 3, ("topic", "topics")), lines(3));
    }

    #[test]
    fn a_long_list_shows_ten_then_how_many_more() {
        let shown = capped(lines(12), 12, ("topic", "topics"));
        assert_eq!(shown.len(), 11);
        assert_eq!(shown[9], "line 10");
        assert_eq!(shown[10], "…and 2 more topics");
    }

    #[test]
    fn a_list_loaded_partly_counts_the_ones_never_loaded() {
        // Ten of 25 new topics were loaded; 15 stayed in the database.
        let shown = capped(lines(10), 25, ("topic", "topics"));
        assert_eq!(shown.last().unwrap(), "…and 15 more topics");
    }

    #[test]
    fn one_left_out_is_counted_in_the_singular() {
        let shown = capped(lines(11), 11, ("action item", "action items"));
        assert_eq!(shown.last().unwrap(), "…and 1 more action item");
    }
}
