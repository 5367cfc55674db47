//! The App Home tab.

use std::collections::HashMap;

use archhour::domain::actions::{ActionItem, ItemState};
use archhour::domain::membership::Outside;
use archhour::domain::topics::Topic;
use archhour::slack::blocks::home::{ChannelOutlook, HomeView, home};
use insta::assert_json_snapshot;
use slack_morphism::prelude::{SlackBlock, SlackHomeView, SlackView};

use super::fixtures::{
    CHO, fresh_topic, item_topics, items, markup_topic, next_meeting, ranked, today, tz,
};
use archhour::domain::ids::UserId;

/// The tab as `views.publish` sends it.
fn tab(blocks: Vec<SlackBlock>) -> SlackView {
    SlackView::Home(SlackHomeView::new(blocks))
}

fn outlook(channel_id: &str) -> ChannelOutlook {
    ChannelOutlook {
        channel_id: channel_id.into(),
        next_meeting: next_meeting(),
        tz: tz(),
        votes_used: None,
        agenda: Vec::new(),
        left: None,
    }
}

/// Cho's tab: open items with Done buttons, their topics and votes, and four channels: one
/// with a vote budget and a full agenda, one with nothing proposed yet, one Cho removed the bot
/// from, one archived.
#[test]
fn the_home_tab_shows_my_items_topics_and_each_channels_next_meeting() {
    let open: Vec<ActionItem> = items()
        .into_iter()
        .filter(|item| {
            item.owners.contains(&UserId::from(CHO.to_string())) && item.state == ItemState::Open
        })
        .collect();
    let topics: Vec<(Topic, i64)> = vec![(fresh_topic(), 1), (markup_topic(), 5)];
    let channels = [
        ChannelOutlook {
            votes_used: Some((2, 3)),
            agenda: ranked(),
            ..outlook("C0ARCH")
        },
        ChannelOutlook {
            votes_used: Some((3, 3)),
            next_meeting: super::fixtures::utc(2026, 11, 19, 13, 30),
            tz: chrono_tz::Europe::Berlin,
            ..outlook("C0BERLIN")
        },
        ChannelOutlook {
            left: Some(Outside::Removed),
            ..outlook("C0OLD")
        },
        ChannelOutlook {
            left: Some(Outside::Archived),
            ..outlook("C0GONE")
        },
    ];
    let blocks = home(&HomeView {
        items: &open,
        item_topics: &item_topics(),
        today: today(),
        topics: &topics,
        channels: &channels,
    });
    assert_json_snapshot!("home", tab(blocks));
}

/// Someone new: nothing of theirs, and no channel runs Arch Hour yet.
#[test]
fn an_empty_home_tab() {
    let blocks = home(&HomeView {
        items: &[],
        item_topics: &HashMap::new(),
        today: today(),
        topics: &[],
        channels: &[],
    });
    assert_json_snapshot!("home_empty", tab(blocks));
}

/// A private channel the bot is no longer in reads like a removal.
#[test]
fn a_private_channel_the_bot_left() {
    let channels = [ChannelOutlook {
        left: Some(Outside::Private),
        ..outlook("G0SECRET")
    }];
    let blocks = home(&HomeView {
        items: &[],
        item_topics: &HashMap::new(),
        today: today(),
        topics: &[],
        channels: &channels,
    });
    assert_json_snapshot!("home_private_channel_left", tab(blocks));
}
