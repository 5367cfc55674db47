//! `minutes [last | YYYY-MM-DD]`: a meeting's minutes, to the person who asked; `minutes post
//! …`: a facilitator posts them in the channel. Only the channel's own meetings.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::decision::{Decided, Decision, NoChange};
use super::refusal::Refusal;
use crate::compose::minutes::{self, Minutes};
use crate::domain::ids::ChannelId;
use crate::slack::blocks::{Reply, minutes as messages};
use crate::slack::inbound::SlashCommand;
use crate::slack::outgoing::Delivery;
use crate::store;
use crate::usecases::AppState;
use crate::usecases::facilitators::{FacilitatorsOnly::PostMinutes, allowed};

pub async fn minutes(
    state: &AppState,
    command: &SlashCommand,
    post: bool,
    date: Option<NaiveDate>,
) -> anyhow::Result<Reply> {
    let channel_id = &command.channel_id;
    let mut tx = state.db.begin().await.context("starting a transaction")?;
    let refused = if post {
        let settings = store::settings::load(&mut *tx, channel_id)
            .await
            .context("loading settings")?;
        allowed(settings, &command.user_id, PostMinutes).err()
    } else {
        None
    };
    let decided = match refused {
        Some(refusal) => Err(refusal),
        None => {
            let found = minutes::find(&mut tx, channel_id, date).await?;
            decide(&found, channel_id, post, state.clock.now())
        }
    };
    state
        .carry_out(tx, Some(&command.team_id), decided, "the minutes")
        .await
}

/// What `minutes` does with the meeting `found` in `channel_id`: shows its notes, or (`post`)
/// posts them in the channel; or says there is no such meeting.
pub fn decide(
    found: &Minutes,
    channel_id: &ChannelId,
    post: bool,
    now: DateTime<Utc>,
) -> Decided<NoChange> {
    let (meeting_id, notes) = match found {
        Minutes::Found { meeting_id, notes } => (meeting_id, notes),
        Minutes::NoMeetings => return Err(Refusal::NoMeetings),
        Minutes::NoneOn(date) => return Err(Refusal::NoMeetingOn(*date)),
    };
    if !post {
        return Ok(Decision::reply(messages::minutes(notes)));
    }
    // Each `minutes post` is its own message: posting the same minutes again is a choice.
    let delivery = Delivery::post(
        format!(
            "minutes:{channel_id}:{meeting_id}:{}",
            now.timestamp_micros()
        ),
        channel_id,
        messages::minutes(notes),
    );
    Ok(Decision::reply(messages::posting(notes)).call(delivery))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::notes::MeetingNotes;

    fn found() -> Minutes {
        Minutes::Found {
            meeting_id: 7,
            notes: MeetingNotes {
                title: "Arch Hour".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 18).unwrap(),
                topics: Vec::new(),
                actions: Vec::new(),
            },
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()
    }

    #[test]
    fn shown_minutes_are_the_reply_alone() {
        let decision = decide(&found(), &ChannelId::from("C1"), false, now()).expect("a meeting");
        assert!(decision.calls.is_empty() && decision.changes.is_empty());
        assert!(
            decision.reply.text.contains("Arch Hour"),
            "{}",
            decision.reply.text
        );
        assert!(!decision.reply.text.starts_with("Posting"));
    }

    #[test]
    fn posted_minutes_are_queued_in_the_channel_under_a_key_of_their_own() {
        let decision = decide(&found(), &ChannelId::from("C1"), true, now()).expect("a meeting");
        assert_eq!(
            decision.reply.text,
            "Posting the minutes of Arch Hour, 2026-11-18 in the channel."
        );
        assert_eq!(decision.calls.len(), 1);
        let call = &decision.calls[0];
        assert_eq!(call.key, "minutes:C1:7:1795003200000000");
        assert_eq!(call.sequence_key.as_deref(), Some("C1"));
        assert_eq!(call.post_parts().0, "C1");
        assert!(decision.changes.is_empty());
    }

    #[test]
    fn no_meeting_is_a_refusal_whether_shown_or_posted() {
        for post in [false, true] {
            assert_eq!(
                decide(&Minutes::NoMeetings, &ChannelId::from("C1"), post, now()).unwrap_err(),
                Refusal::NoMeetings
            );
            let day = NaiveDate::from_ymd_opt(2026, 11, 11).unwrap();
            let refused =
                decide(&Minutes::NoneOn(day), &ChannelId::from("C1"), post, now()).unwrap_err();
            assert_eq!(refused, Refusal::NoMeetingOn(day));
            assert!(refused.reply().text.contains("no meeting on 2026-11-11"));
        }
    }
}
