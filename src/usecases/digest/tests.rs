//! What posting the digest decides, without a database: the period it claims, the message it
//! queues, the next scheduled digest, and when it does nothing.

use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::domain::job::ScheduledJob;
use crate::domain::meeting::WeeklyTime;

/// Mondays at 09:00 UTC.
fn settings() -> ChannelSettings {
    ChannelSettings {
        digest: WeeklyTime::parse("mon 09:00"),
        ..ChannelSettings::default()
    }
}

/// Monday 2026-11-16, 09:00 UTC.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap()
}

/// A new channel's digest: nothing to show but the next meeting.
fn quiet() -> messages::Digest {
    messages::Digest {
        next_meeting: Utc.with_ymd_and_hms(2026, 11, 18, 11, 0, 0).unwrap(),
        tz: chrono_tz::UTC,
        agenda: Vec::new(),
        new_topics: Vec::new(),
        new_total: 0,
        last_meeting: None,
        open_items: Vec::new(),
        today: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        intent_counts: Vec::new(),
        challenges: messages::ChallengesDigest::default(),
    }
}

fn posting(digest: Option<messages::Digest>) -> Posting {
    Posting {
        channel_id: "C1".into(),
        period: "from 2026-11-16T09:00:00+00:00".into(),
        digest,
        chart: None,
        archive: None,
    }
}

#[test]
fn a_period_is_named_by_the_digest_time_that_began_it_or_else_by_its_iso_week() {
    let wednesday = Utc.with_ymd_and_hms(2026, 11, 18, 10, 0, 0).unwrap();
    assert_eq!(
        period(&settings(), wednesday),
        "from 2026-11-16T09:00:00+00:00"
    );
    let off = ChannelSettings {
        digest: None,
        ..settings()
    };
    assert_eq!(period(&off, wednesday), "week 2026-W47");
}

#[test]
fn posting_now_claims_the_period_and_queues_the_digest_in_the_channel() {
    let decision = decide_now(&posting(Some(quiet()))).expect("not yet posted");
    assert_eq!(
        decision.changes,
        vec![PeriodClaim {
            channel_id: "C1".into(),
            period: "from 2026-11-16T09:00:00+00:00".into(),
            chart: None,
        }]
    );
    assert_eq!(decision.calls.len(), 1);
    let call = &decision.calls[0];
    assert_eq!(call.key, "digest:C1:from 2026-11-16T09:00:00+00:00");
    assert_eq!(call.sequence_key.as_deref(), Some("C1"));
    assert_eq!(
        call.post_parts(),
        ("C1".to_string(), "Arch Hour weekly digest".to_string())
    );
    assert!(decision.steps.is_empty());
    assert_eq!(
        decision.reply.text,
        "Posted this week's digest in the channel."
    );
}

#[test]
fn posting_now_again_in_the_same_period_is_refused() {
    let refused = decide_now(&posting(None)).unwrap_err();
    assert_eq!(refused, Refusal::DigestAlreadyPosted);
    assert_eq!(
        refused.reply().text,
        "This period's digest was already posted; it is not posted twice."
    );
}

#[test]
fn the_scheduled_digest_posts_and_schedules_next_week_s() {
    let decision = decide_scheduled(&posting(Some(quiet())), &settings(), monday());
    assert_eq!(decision.changes.len(), 1);
    assert_eq!(decision.calls.len(), 1);
    assert_eq!(decision.steps.len(), 1);
    let due_at = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    assert_eq!(
        &decision.steps[0],
        &ScheduledJob {
            key: "digest:C1:1795424400".to_string(),
            subject: "digest:C1".to_string(),
            due_at,
            job: Job::Digest {
                channel_id: "C1".into(),
                occurrence: due_at,
            }
        }
    );

    // Already posted this period (`digest` ran first): nothing posted, next week's still due.
    let again = decide_scheduled(&posting(None), &settings(), monday());
    assert!(again.changes.is_empty() && again.calls.is_empty());
    assert_eq!(again.steps, decision.steps);
}

#[test]
fn a_scheduled_digest_for_a_time_the_setting_no_longer_names_does_nothing() {
    let tuesday = monday() + chrono::Duration::days(1);
    let stale = decide_scheduled(&posting(Some(quiet())), &settings(), tuesday);
    assert!(stale.changes.is_empty() && stale.calls.is_empty() && stale.steps.is_empty());

    let off = ChannelSettings {
        digest: None,
        ..settings()
    };
    let stale = decide_scheduled(&posting(Some(quiet())), &off, monday());
    assert!(stale.changes.is_empty() && stale.calls.is_empty() && stale.steps.is_empty());
}
