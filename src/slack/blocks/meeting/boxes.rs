//! A topic's time boxes: "Now discussing" with its controls, the warning, "Time's up" and its
//! vote, how a topic ended, and the end of the agenda and of the meeting.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

use super::clock_time;
use crate::domain::meeting::MeetingControl;
use crate::domain::meeting::Span;
use crate::domain::meeting::rules::{Finish, Grant};
use crate::domain::mrkdwn::escape;
use crate::domain::topics::Topic;
use crate::slack::actions::button_value;
use crate::slack::blocks::{Reply, full_stop, numbered, plural};
use crate::slack::identity::BotIdentity;

fn topic_line(topic: &Topic) -> String {
    numbered(topic, &format!("*{}*", escape(&topic.title)))
}

fn buttons(meeting_id: i64, topic_id: i64, controls: &[(MeetingControl, &str)]) -> SlackBlock {
    let elements = controls
        .iter()
        .map(|(control, label)| {
            let button = SlackBlockButtonElement::new(pt!(*label))
                .with_action_id(control.action_id().into())
                .with_value(button_value(meeting_id, topic_id));
            SlackActionBlockElement::Button(match control {
                MeetingControl::End => button.with_confirm(end_confirmation()),
                _ => button,
            })
        })
        .collect();
    SlackActionsBlock::new(elements).into()
}

/// Asked before "End meeting" takes effect: a press cannot be taken back.
fn end_confirmation() -> SlackBlockConfirmItem {
    SlackBlockConfirmItem::new(
        pt!("End Arch Hour?"),
        md!("The topic being discussed is marked discussed and every other topic stays on the backlog for next time."),
        pt!("End meeting"),
        pt!("Keep going"),
    )
    .with_style("danger".into())
}

/// A topic's time box starts: which topic, how long, until when, and the controls.
#[derive(Debug, Clone, Copy)]
pub struct NowDiscussing<'a> {
    pub meeting_id: i64,
    pub topic: &'a Topic,
    pub round: u32,
    pub rounds: usize,
    pub length: Span,
    pub ends_at: DateTime<Utc>,
    pub tz: Tz,
    /// Why this box was granted, for boxes after the first.
    pub grant: Option<Grant>,
    /// Who the bot is, for the link to the topic card's thread, where notes go.
    pub bot: Option<&'a BotIdentity>,
}

pub fn now_discussing(now: &NowDiscussing<'_>) -> Reply {
    let lead = match now.grant {
        None => "*Now discussing*".to_string(),
        Some(Grant::Voted { up, down }) => {
            format!("*Keep going* (:+1: {up} · :-1: {down})")
        }
        Some(Grant::Extended) => "*Extended* by a facilitator".to_string(),
    };
    let timing = format!(
        "Box {} of {}: {}, until {}",
        now.round,
        now.rounds,
        now.length.spoken(),
        clock_time(now.ends_at, now.tz)
    );
    let thread = match (now.bot, &now.topic.card_ts) {
        (Some(bot), Some(ts)) => format!(
            "<{}|its card's thread>",
            bot.permalink(&now.topic.channel_id, ts)
        ),
        _ => "its card's thread".to_string(),
    };
    let notes = format!(
        "Notes: reply in {thread} (`ACTION @owner …`, `DECIDED …`, anything else is a note; `/archtopic help` says more)."
    );
    let text = format!("{lead} {}\n{timing}\n{notes}", topic_line(now.topic));
    Reply {
        text: format!(
            "Now discussing #{}: {}",
            now.topic.number,
            escape(&now.topic.title)
        ),
        blocks: vec![
            SlackSectionBlock::new().with_text(md!(text)).into(),
            buttons(
                now.meeting_id,
                now.topic.id,
                &[
                    (MeetingControl::Extend, "Extend"),
                    (MeetingControl::Next, "Next topic"),
                    (MeetingControl::End, "End meeting"),
                ],
            ),
        ],
    }
}

/// Posted `warning` before a box ends.
pub fn box_warning(topic: &Topic, left: Span, ends_at: DateTime<Utc>, tz: Tz) -> Reply {
    Reply::markdown(format!(
        ":hourglass_flowing_sand: {} left on #{}: {} (until {}).",
        left.spoken(),
        topic.number,
        escape(&topic.title),
        clock_time(ends_at, tz)
    ))
}

/// The box ran out: the room votes with reactions on this message.
pub fn times_up(
    meeting_id: i64,
    topic: &Topic,
    next_box: Span,
    closes_at: DateTime<Utc>,
    tz: Tz,
) -> Reply {
    let text = format!(
        ":alarm_clock: *Time's up* on #{}: {}\nReact :+1: to keep going for {} more, or :-1: to move on. Votes are counted at {}.",
        topic.number,
        escape(&topic.title),
        next_box.spoken(),
        clock_time(closes_at, tz)
    );
    Reply {
        text: format!("Time's up on #{}", topic.number),
        blocks: vec![
            SlackSectionBlock::new().with_text(md!(text)).into(),
            buttons(
                meeting_id,
                topic.id,
                &[
                    (MeetingControl::CloseVote, "Count votes now"),
                    (MeetingControl::Next, "Next topic"),
                    (MeetingControl::End, "End meeting"),
                ],
            ),
        ],
    }
}

/// A topic's discussion ended.
pub fn topic_finished(topic: &Topic, finish: Finish, follow_up: bool) -> Reply {
    let name = format!("#{}: {}", topic.number, escape(&topic.title));
    let text = match finish {
        Finish::MovedOn { up, down } => {
            format!("Moving on from {name} (:+1: {up} · :-1: {down}).")
        }
        Finish::LastBox if follow_up => {
            format!(":stop_sign: {name} used every time box; marked *needs follow-up*.")
        }
        Finish::LastBox => full_stop(&format!(":stop_sign: Time's up on {name}")),
        Finish::Skipped => full_stop(&format!("Moving on from {name}")),
        Finish::MeetingEnded => format!("Stopped {name} as the meeting ended."),
    };
    Reply::markdown(text)
}

/// Nothing left on the agenda.
pub fn agenda_done() -> Reply {
    Reply::markdown(
        "That was every topic on the agenda. Propose more with `/archtopic [intent] title` and `/archtopic next` picks them up, or `/archtopic end` closes the meeting."
            .to_string(),
    )
}

/// The meeting's summary.
pub fn meeting_ended(discussed: usize, minutes: i64, deferred: usize) -> Reply {
    let stay = if deferred == 1 { "stays" } else { "stay" };
    Reply::markdown(format!(
        "*Arch Hour ended* after {}: discussed {}. {} {stay} on the backlog for next time.",
        plural(minutes, "minute", "minutes"),
        plural(discussed, "topic", "topics"),
        plural(deferred, "open topic", "open topics"),
    ))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::slack::blocks::tests::topic;
    use chrono::TimeZone;

    fn bot() -> BotIdentity {
        BotIdentity {
            user_id: "UBOT".into(),
            bot_id: None,
            team_id: "T1".into(),
            url: "https://acme.slack.com/".into(),
        }
    }

    #[test]
    fn now_discussing_shows_the_box_where_notes_go_and_the_controls() {
        let mut topic = topic();
        topic.card_ts = Some("1700000000.000042".into());
        let ends_at = Utc.with_ymd_and_hms(2026, 11, 18, 11, 10, 0).unwrap();
        let bot = bot();
        let reply = now_discussing(&NowDiscussing {
            meeting_id: 4,
            topic: &topic,
            round: 1,
            rounds: 3,
            length: Span::from_secs(600),
            ends_at,
            tz: Tz::UTC,
            grant: None,
            bot: Some(&bot),
        });
        let blocks = serde_json::to_value(&reply.blocks).expect("serialises");
        assert_eq!(
            blocks[0]["text"]["text"],
            "*Now discussing* *#12* `quest` `ideation` *Is &lt;paver&gt; &amp; friends still used?*\n\
             Box 1 of 3: 10 min, until <!date^1795000200^{time}|11:10 UTC>\n\
             Notes: reply in <https://acme.slack.com/archives/C1/p1700000000000042|its card's thread> \
             (`ACTION @owner …`, `DECIDED …`, anything else is a note; `/archtopic help` says more)."
        );
        let actions: Vec<&str> = blocks[1]["elements"]
            .as_array()
            .expect("buttons")
            .iter()
            .map(|b| b["action_id"].as_str().expect("id"))
            .collect();
        assert_eq!(actions, ["meeting_extend", "meeting_next", "meeting_end"]);
        assert_eq!(blocks[1]["elements"][0]["value"], "4:1");
        assert!(blocks[1]["elements"][0].get("confirm").is_none());
        assert!(blocks[1]["elements"][1].get("confirm").is_none());
    }

    /// Without the card's ts or the bot's address there is no link, but still the way.
    #[test]
    fn now_discussing_without_a_link_still_says_where_notes_go() {
        let mut posted = topic();
        posted.card_ts = Some("1700000000.000042".into());
        let unposted = topic();
        let bot = bot();
        for (topic, bot) in [(&posted, None), (&unposted, Some(&bot))] {
            let reply = now_discussing(&NowDiscussing {
                meeting_id: 4,
                topic,
                round: 1,
                rounds: 3,
                length: Span::from_secs(600),
                ends_at: Utc.with_ymd_and_hms(2026, 11, 18, 11, 10, 0).unwrap(),
                tz: Tz::UTC,
                grant: None,
                bot,
            });
            let blocks = serde_json::to_value(&reply.blocks).expect("serialises");
            let text = blocks[0]["text"]["text"].as_str().expect("text");
            assert!(
                text.ends_with("\nNotes: reply in its card's thread (`ACTION @owner …`, `DECIDED …`, anything else is a note; `/archtopic help` says more)."),
                "{text}"
            );
        }
    }

    /// Ending the meeting cannot be taken back: both messages with the button ask first.
    #[test]
    fn end_meeting_asks_for_confirmation() {
        let topic = topic();
        let at = Utc.with_ymd_and_hms(2026, 11, 18, 11, 10, 0).unwrap();
        let discussing = now_discussing(&NowDiscussing {
            meeting_id: 4,
            topic: &topic,
            round: 1,
            rounds: 3,
            length: Span::from_secs(600),
            ends_at: at,
            tz: Tz::UTC,
            grant: None,
            bot: None,
        });
        let vote = times_up(4, &topic, Span::from_secs(300), at, Tz::UTC);
        for reply in [discussing, vote] {
            let blocks = serde_json::to_value(&reply.blocks).expect("serialises");
            let end = &blocks[1]["elements"][2];
            assert_eq!(end["action_id"], "meeting_end");
            assert_eq!(
                end["confirm"],
                serde_json::json!({
                    "title": {"type": "plain_text", "text": "End Arch Hour?"},
                    "text": {"type": "mrkdwn", "text": "The topic being discussed is marked discussed and every other topic stays on the backlog for next time."},
                    "confirm": {"type": "plain_text", "text": "End meeting"},
                    "deny": {"type": "plain_text", "text": "Keep going"},
                    "style": "danger"
                })
            );
        }
    }
}
