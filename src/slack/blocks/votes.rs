//! Messages about votes: the dot-vote budget notice, withdrawing, recounting.

use super::{Reply, full_stop, mentions, plural, proposer, topic_name};
use crate::domain::ids::{TopicNumber, UserId};
use crate::domain::topics::{Topic, TopicState};
use crate::domain::votes::{CardRepair, UnreadCard};

/// Told once to a person whose new vote is over the channel's budget.
pub fn budget_notice(
    vote_emoji: &str,
    budget: u32,
    uncounted_topic: TopicNumber,
    counted_topics: &[TopicNumber],
) -> Reply {
    let counted = counted_topics
        .iter()
        .map(|n| format!("#{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    Reply::markdown(format!(
        "{budget} of {budget} votes used: your :{vote_emoji}: on #{uncounted_topic} is kept but does not count yet. \
         Your votes on {counted} count. To move a vote, remove your :{vote_emoji}: from one of them and #{uncounted_topic} counts instead."
    ))
}

/// There is no topic with that number.
pub fn no_such_topic(number: TopicNumber) -> Reply {
    Reply::markdown(format!(
        "There is no topic #{number} in this channel. `/archtopic list` shows the open ones."
    ))
}

/// The topic is not open, so it cannot be withdrawn.
pub fn withdraw_not_open(topic: &Topic) -> Reply {
    let why = match topic.state {
        TopicState::Withdrawn => "was already withdrawn",
        TopicState::Discussing => "is being discussed right now",
        TopicState::Discussed | TopicState::Open => "was already discussed",
    };
    Reply::markdown(format!("{} {why}.", topic_name(topic)))
}

/// Someone other than the author, a facilitator or (without facilitators) an admin tried.
pub fn withdraw_refused(topic: &Topic, facilitators: &[UserId]) -> Reply {
    change_refused(topic, facilitators, "withdraw it")
}

/// Who may `what` (withdraw it, edit it) a topic, told to someone who may not.
pub(super) fn change_refused(topic: &Topic, facilitators: &[UserId], what: &str) -> Reply {
    let who = if facilitators.is_empty() {
        "a workspace admin".to_string()
    } else {
        format!("a facilitator ({})", mentions(facilitators))
    };
    Reply::markdown(format!(
        "Only {}, who proposed #{}, or {who} can {what}.",
        proposer(topic),
        topic.number
    ))
}

/// The answer to `withdraw N` or `edit N` (`what`: "withdraw it", "edit it") from someone only
/// a workspace admin could be, while Slack has not said whether they are: the decision follows.
pub fn admin_check_pending(topic: &Topic, what: &str) -> Reply {
    Reply::markdown(format!(
        "Only {}, who proposed #{}, or a workspace admin can {what}. I'm asking Slack whether you're an admin, and will tell you here in a moment.",
        proposer(topic),
        topic.number
    ))
}

/// Slack did not say whether the person is a workspace admin: nothing changed.
pub fn admin_check_failed(topic: &Topic, what: &str) -> Reply {
    Reply::markdown(format!(
        "Slack didn't tell me whether you're a workspace admin, so #{} is as it was. Please try to {what} again in a minute.",
        topic.number
    ))
}

/// Confirms a withdrawal.
pub fn withdrawn(topic: &Topic) -> Reply {
    Reply::markdown(format!(
        "{} Its card says so, and its votes no longer count.",
        full_stop(&format!("Withdrew {}", topic_name(topic)))
    ))
}

/// A facilitator-only command from someone else.
pub fn facilitator_refusal(what: &str, facilitators: &[UserId]) -> Reply {
    Reply::markdown(format!(
        "Only this channel's facilitators ({}) can {what}.",
        mentions(facilitators)
    ))
}

/// [`facilitator_refusal`], then what the person can do themselves instead.
pub(super) fn facilitator_refusal_or(what: &str, facilitators: &[UserId], instead: &str) -> Reply {
    let refusal = facilitator_refusal(what, facilitators);
    Reply::markdown(format!("{} {instead}", refusal.text))
}

/// The immediate answer to `recount`; the report follows when it is done.
pub fn recount_started(cards: usize) -> Reply {
    if cards == 0 {
        return Reply::markdown(
            "There are no open topic cards in this channel, so there are no votes to recount."
                .to_string(),
        );
    }
    Reply::markdown(format!(
        "Recounting the votes on {} from Slack. I'll tell you what changed.",
        plural(cards, "open card", "open cards")
    ))
}

/// What a recount found: per topic, the voters it added and removed; and the cards Slack did
/// not answer for (topic number, and why if known), whose votes stay as they were.
pub fn recount_report(cards: usize, changes: &[CardRepair], unread: &[UnreadCard]) -> Reply {
    let all = plural(cards, "card", "cards");
    let checked = if unread.is_empty() {
        all
    } else {
        format!("{} of {all}", cards.saturating_sub(unread.len()))
    };
    let mut lines = if changes.is_empty() {
        vec![format!(
            "Recount done: checked {checked}; every vote matched."
        )]
    } else {
        vec![format!("Recount done: checked {checked}. Repaired:")]
    };
    for CardRepair {
        number,
        added,
        removed,
    } in changes
    {
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("+{} ({})", added.len(), mentions(added)));
        }
        if !removed.is_empty() {
            parts.push(format!("−{} ({})", removed.len(), mentions(removed)));
        }
        lines.push(format!("• #{number}: {}", parts.join(", ")));
    }
    if !unread.is_empty() {
        let cards: Vec<String> = unread
            .iter()
            .map(|UnreadCard { number, why }| match why {
                Some(why) => format!("#{number} ({why})"),
                None => format!("#{number} (no answer in time)"),
            })
            .collect();
        let whose = if unread.len() == 1 { "its" } else { "their" };
        lines.push(format!(
            "Could not read {} from Slack; {whose} votes stay as they were. `/archtopic recount` tries again.",
            cards.join(", ")
        ));
    }
    Reply::markdown(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_notice_says_what_counts_and_how_to_move_a_vote() {
        let reply = budget_notice("+1", 2, TopicNumber(7), &[TopicNumber(1), TopicNumber(3)]);
        assert_eq!(
            reply.text,
            "2 of 2 votes used: your :+1: on #7 is kept but does not count yet. \
             Your votes on #1, #3 count. To move a vote, remove your :+1: from one of them and #7 counts instead."
        );
    }

    fn repair(number: i32, added: &[&str], removed: &[&str]) -> CardRepair {
        CardRepair {
            number: TopicNumber(number),
            added: added.iter().map(|&user| user.into()).collect(),
            removed: removed.iter().map(|&user| user.into()).collect(),
        }
    }

    fn unread(number: i32, why: Option<&str>) -> UnreadCard {
        UnreadCard {
            number: TopicNumber(number),
            why: why.map(str::to_string),
        }
    }

    #[test]
    fn the_recount_report_lists_each_repair() {
        let changes = [repair(3, &["U3"], &["U1", "U2"])];
        let reply = recount_report(4, &changes, &[]);
        assert_eq!(
            reply.text,
            "Recount done: checked 4 cards. Repaired:\n• #3: +1 (<@U3>), −2 (<@U1>, <@U2>)"
        );
        assert_eq!(
            recount_report(1, &[], &[]).text,
            "Recount done: checked 1 card; every vote matched."
        );
    }

    #[test]
    fn the_recount_report_names_the_cards_slack_did_not_answer_for() {
        let changes = [repair(2, &["U3"], &[])];
        let failed = [unread(1, Some("Slack error `message_not_found`"))];
        assert_eq!(
            recount_report(2, &changes, &failed).text,
            "Recount done: checked 1 of 2 cards. Repaired:\n• #2: +1 (<@U3>)\n\
             Could not read #1 (Slack error `message_not_found`) from Slack; its votes stay as they were. \
             `/archtopic recount` tries again."
        );
        assert_eq!(
            recount_report(3, &[], &[unread(1, None), unread(3, None)]).text,
            "Recount done: checked 1 of 3 cards; every vote matched.\n\
             Could not read #1 (no answer in time), #3 (no answer in time) from Slack; their votes stay as they were. \
             `/archtopic recount` tries again."
        );
    }
}
