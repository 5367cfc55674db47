//! The App Home tab: my open action items (with Done), my open topics and their votes, votes I
//! have left, and each channel's next meeting with its agenda so far.

use crate::domain::membership::Outside;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

use super::items::{TopicRef, done_button, item_line};
use super::{Moment, agenda_row, headed, local_time, numbered, plural};
use crate::domain::actions::ActionItem;
use crate::domain::ids::ChannelId;
use crate::domain::mrkdwn::escape;
use crate::domain::topics::Topic;
use crate::domain::votes::RankedTopic;

/// A channel's meeting as one person sees it.
#[derive(Debug, Clone)]
pub struct ChannelOutlook {
    pub channel_id: ChannelId,
    pub next_meeting: DateTime<Utc>,
    pub tz: Tz,
    /// Votes used and the budget, when the channel has one.
    pub votes_used: Option<(usize, u32)>,
    /// The top of the agenda.
    pub agenda: Vec<RankedTopic>,
    /// Why the bot is no longer in the channel, when it was removed or the channel archived.
    pub left: Option<Outside>,
}

/// Everything the tab shows.
#[derive(Debug, Clone)]
pub struct HomeView<'a> {
    pub items: &'a [ActionItem],
    pub item_topics: &'a HashMap<i64, TopicRef>,
    pub today: NaiveDate,
    /// My open topics with their counted votes.
    pub topics: &'a [(Topic, i64)],
    pub channels: &'a [ChannelOutlook],
}

fn section(text: String) -> SlackBlock {
    SlackSectionBlock::new().with_text(md!(text)).into()
}

/// The tab's blocks (Slack allows 100 in a home view; lists are capped well below that).
pub fn home(view: &HomeView<'_>) -> Vec<SlackBlock> {
    let mut blocks: Vec<SlackBlock> = vec![
        SlackHeaderBlock::new(pt!("Arch Hour")).into(),
        section(format!(
            "*Your open action items* ({})",
            plural(view.items.len(), "item", "items")
        )),
    ];
    for item in view.items.iter().take(20) {
        let topic = item.topic_id.and_then(|id| view.item_topics.get(&id));
        blocks.push(
            SlackSectionBlock::new()
                .with_text(md!(item_line(item, view.today, topic)))
                .with_accessory(done_button(item.id))
                .into(),
        );
    }
    blocks.push(SlackDividerBlock::new().into());
    let topics: Vec<String> = view
        .topics
        .iter()
        .take(20)
        .map(|(topic, votes)| {
            format!(
                "{} · {} · in <#{}>",
                numbered(topic, &escape(&topic.title)),
                plural(*votes, "vote", "votes"),
                topic.channel_id
            )
        })
        .collect();
    if topics.is_empty() {
        blocks.push(section(
            "*Your open topics*: none. Propose one with `/archtopic [intent] title`.".to_string(),
        ));
    } else {
        // Twenty titles of 300 characters pass one section's 3,000: pack them.
        blocks.extend(headed("*Your open topics*", &topics));
    }
    for outlook in view.channels.iter().take(5) {
        blocks.push(SlackDividerBlock::new().into());
        blocks.push(section(channel_text(outlook)));
    }
    blocks
}

fn channel_text(outlook: &ChannelOutlook) -> String {
    match outlook.left {
        Some(Outside::Removed | Outside::Private) => {
            return format!(
                "I was removed from <#{}>: its meeting notices and digest stopped. Invite me back with `/invite @archhour` to resume them.",
                outlook.channel_id
            );
        }
        Some(Outside::Archived) => {
            return format!(
                "<#{}> is archived: its meeting notices and digest stopped.",
                outlook.channel_id
            );
        }
        None => {}
    }
    let when = local_time(outlook.next_meeting, outlook.tz, Moment::ShortDate);
    let mut lines = vec![format!(
        "*Next Arch Hour in <#{}>*: {when}",
        outlook.channel_id
    )];
    if let Some((used, budget)) = outlook.votes_used {
        let left = (budget as usize).saturating_sub(used);
        lines.push(format!(
            "You have {} left ({used} of {budget} used).",
            plural(left, "vote", "votes")
        ));
    }
    if outlook.agenda.is_empty() {
        lines.push("No topics yet.".to_string());
    }
    lines.extend(outlook.agenda.iter().take(5).map(agenda_row));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slack::blocks::tests::topic;

    #[test]
    fn twenty_long_titles_fit_slacks_section_limit() {
        let long = Topic {
            title: "t".repeat(300),
            ..topic()
        };
        let topics: Vec<(Topic, i64)> = (0..20).map(|_| (long.clone(), 3)).collect();
        let blocks = home(&HomeView {
            items: &[],
            item_topics: &HashMap::new(),
            today: NaiveDate::from_ymd_opt(2026, 11, 18).expect("date"),
            topics: &topics,
            channels: &[],
        });
        let json = serde_json::to_value(&blocks).expect("serialises");
        let texts: Vec<&str> = json
            .as_array()
            .expect("blocks")
            .iter()
            .filter_map(|block| block["text"]["text"].as_str())
            .collect();
        // Each topic line is about 340 characters: 20 of them need three sections.
        let topic_lines = texts
            .iter()
            .map(|text| text.matches("*#12*").count())
            .sum::<usize>();
        assert_eq!(topic_lines, 20, "every topic is shown");
        for text in texts {
            assert!(text.chars().count() <= 3000, "{} characters", text.len());
        }
    }
}
