//! A meeting's minutes in Slack: the Markdown `archhour minutes` prints, with its headings in
//! bold and its text escaped once (mentions stay mentions).

use chrono::NaiveDate;

use super::votes::facilitator_refusal_or;
use super::{Reply, sections};
use crate::domain::ids::UserId;
use crate::domain::mrkdwn::{escape, escape_keeping_mentions};
use crate::domain::notes::{MeetingNotes, render_meeting};

/// The minutes, line by line as printed: the date heading and the section names (the lines
/// that are not indented) in bold, every other line as it is.
pub fn minutes(notes: &MeetingNotes) -> Reply {
    let printed = render_meeting(notes);
    let lines: Vec<String> = printed
        .lines()
        .map(|line| {
            let shown = escape_keeping_mentions(line);
            if line.is_empty() || line.starts_with(char::is_whitespace) {
                shown
            } else {
                format!("*{shown}*")
            }
        })
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    Reply {
        text: format!("Minutes of {}, {}", escape(&notes.title), notes.date),
        blocks: sections(&lines),
    }
}

/// The channel has held no meeting.
pub fn no_meetings() -> Reply {
    Reply::markdown("This channel has had no meetings yet, so there are no minutes.".to_string())
}

/// The channel held none on `date`.
pub fn no_meeting_on(date: NaiveDate) -> Reply {
    Reply::markdown(format!(
        "This channel had no meeting on {date}. `/archtopic minutes last` shows the last one."
    ))
}

/// `minutes post` from someone who may not post them.
pub fn post_refusal(facilitators: &[UserId]) -> Reply {
    facilitator_refusal_or(
        "post minutes in the channel",
        facilitators,
        "`/archtopic minutes` shows them to you.",
    )
}

/// `minutes post`: the minutes are on their way to the channel.
pub fn posting(notes: &MeetingNotes) -> Reply {
    Reply::markdown(format!(
        "Posting the minutes of {}, {} in the channel.",
        escape(&notes.title),
        notes.date
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::notes::{ActionNotes, Note, Person, TopicNotes};
    use crate::domain::topics::Intent;

    fn notes() -> MeetingNotes {
        MeetingNotes {
            title: "Arch Hour".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 18).expect("date"),
            topics: vec![TopicNotes {
                title: "Queues & <cron>".into(),
                intents: vec![Intent::Quest],
                proposers: vec![Person::Slack("U1".into())],
                votes: 2,
                notes: vec![Note {
                    text: "ask <@U2> about <!channel>".into(),
                    children: Vec::new(),
                }],
                decisions: vec!["use a queue".into()],
                actions: vec![ActionNotes {
                    text: "<@U2> compare costs".into(),
                    owners: vec![Person::Slack("U2".into())],
                    due: None,
                }],
            }],
            actions: Vec::new(),
        }
    }

    #[test]
    fn minutes_show_the_printed_lines_with_bold_headings_escaped_once() {
        let reply = minutes(&notes());
        assert_eq!(reply.text, "Minutes of Arch Hour, 2026-11-18");
        let blocks = super::super::tests::blocks_json(&reply);
        assert_eq!(
            blocks[0]["text"]["text"],
            "*Arch Hour: 2026-11-18*\n\n*Topics*\n\n\
             \x20 • (2) [quest] Queues &amp; &lt;cron&gt; [<@U1>]\n\
             \x20   • ask <@U2> about &lt;!channel&gt;\n\
             \x20   • Decided: use a queue\n\
             \x20   • [ ] <@U2> compare costs (owners: <@U2>)\n\
             \n*Action Items*\n\n\
             \x20 • <@U2>\n\
             \x20   • [ ] <@U2> compare costs (owners: <@U2>)"
        );
    }
}
