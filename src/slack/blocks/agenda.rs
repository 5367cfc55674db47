//! The ranked agenda: what `list` shows and every agenda the bot posts.

use chrono::{DateTime, Utc};

use super::{EXAMPLE_PROPOSAL, Reply, age, agenda_row, headed, plural};
use crate::domain::votes::{RANKING_RULE, RankedTopic};

/// The open topics of a channel in agenda order, with the rule that ordered them. The same
/// message answers `list` (before a meeting or during one) and is posted as a meeting starts,
/// so its heading names no meeting ("the next Arch Hour" was wrong in two of the three).
pub fn agenda(ranked: &[RankedTopic], now: DateTime<Utc>) -> Reply {
    if ranked.is_empty() {
        return Reply::markdown(format!(
            "No open topics yet. Propose one: `/archtopic {EXAMPLE_PROPOSAL}`"
        ));
    }
    let count = plural(ranked.len(), "open topic", "open topics");
    let header = format!("*Arch Hour agenda* ({count})\n_{RANKING_RULE}_");
    let rows: Vec<String> = ranked.iter().map(|entry| row(entry, now)).collect();
    Reply {
        text: format!("Agenda: {count}"),
        blocks: headed(&header, &rows),
    }
}

/// The agenda row with how often meetings missed the topic and its age:
/// `1. *#4* `quest` Title · 5 votes · deferred 1× · 3 days old`; a topic no meeting has
/// missed yet does not say "deferred 0×".
fn row(entry: &RankedTopic, now: DateTime<Utc>) -> String {
    let topic = &entry.topic;
    let deferred = if topic.times_deferred > 0 {
        format!(" · deferred {}×", topic.times_deferred)
    } else {
        String::new()
    };
    format!(
        "{}{deferred} · {}",
        agenda_row(entry),
        age(topic.created_at, now)
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::topic;
    use super::*;
    use chrono::Duration;

    #[test]
    fn each_row_has_rank_number_badges_title_votes_deferrals_and_age() {
        let mut first = topic();
        first.times_deferred = 1;
        let now = first.created_at + Duration::days(3);
        let ranked = [RankedTopic {
            rank: 1,
            topic: first,
            votes: 5,
        }];
        let reply = agenda(&ranked, now);
        let text = serde_json::to_value(&reply.blocks).expect("serialises")[0]["text"]["text"]
            .as_str()
            .expect("text")
            .to_string();
        assert_eq!(
            text,
            "*Arch Hour agenda* (1 open topic)\n\
             _Ranked by votes, then by meetings missed (more first), then by age (older first)._\n\
             1. *#12* `quest` `ideation` Is &lt;paver&gt; &amp; friends still used? · 5 votes · deferred 1× · 3 days old"
        );
    }

    #[test]
    fn proposers_a_notes_page_named_are_shown_escaped() {
        let mut imported = topic();
        imported.author_id = None;
        imported.proposers = vec![
            crate::domain::people::Person::Name("Ana <B> & co".into()),
            crate::domain::people::Person::Slack("U7".into()),
        ];
        let row = row(
            &RankedTopic {
                rank: 2,
                topic: imported.clone(),
                votes: 1,
            },
            imported.created_at,
        );
        assert_eq!(
            row,
            "2. *#12* `quest` `ideation` Is &lt;paver&gt; &amp; friends still used? · proposed by Ana &lt;B&gt; &amp; co, <@U7> · 1 vote · today",
            "a topic never deferred does not say so"
        );
    }

    #[test]
    fn an_empty_agenda_shows_how_to_propose_with_a_neutral_example() {
        assert_eq!(
            agenda(&[], chrono::Utc::now()).text,
            "No open topics yet. Propose one: `/archtopic [quest] Should we adopt a message queue?`"
        );
    }
}
