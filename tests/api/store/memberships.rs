//! `store::memberships`: whether the bot is in a channel as it last learned, and the channels
//! it was removed from that the App Home tab warns about.

use archhour::domain::membership::{Membership, Outside};
use archhour::store::memberships;

use super::{CHANNEL, Db, TEAM, at, propose, propose_in};
use archhour::domain::ids::{ChannelId, TeamId};

#[tokio::test]
async fn the_latest_finding_about_a_channel_is_kept() {
    let db = Db::fresh().await;
    assert_eq!(
        memberships::get(&db.pool, &ChannelId::from(CHANNEL))
            .await
            .unwrap(),
        None,
        "never looked"
    );

    for membership in [
        Membership::Member,
        Membership::Outside(Outside::Removed),
        Membership::Outside(Outside::Archived),
        Membership::Outside(Outside::Private),
        Membership::Member,
    ] {
        memberships::set(&db.pool, &ChannelId::from(CHANNEL), membership, at(0))
            .await
            .unwrap();
        assert_eq!(
            memberships::get(&db.pool, &ChannelId::from(CHANNEL))
                .await
                .unwrap(),
            Some(membership)
        );
    }
    assert_eq!(db.count("channel_memberships").await, 1);
}

/// Of six channels, the warning lists those the bot was removed from or that were archived,
/// where the workspace has topics: not one that is private (the bot was never in it), not one
/// without topics, not one whose topics are another workspace's, not one it is in.
#[tokio::test]
async fn home_warns_about_channels_left_with_the_workspace_s_topics() {
    let db = Db::fresh().await;
    let findings = [
        ("C1", Membership::Outside(Outside::Removed), Some(TEAM)),
        ("C2", Membership::Outside(Outside::Archived), Some(TEAM)),
        ("C3", Membership::Outside(Outside::Private), Some(TEAM)),
        ("C4", Membership::Outside(Outside::Removed), None),
        ("C5", Membership::Outside(Outside::Removed), Some("T2")),
        ("C6", Membership::Member, Some(TEAM)),
    ];
    // In reverse, so the order of the answer is the query's own.
    for (channel, membership, team) in findings.iter().rev() {
        memberships::set(&db.pool, &ChannelId::from(*channel), *membership, at(0))
            .await
            .unwrap();
        match team {
            Some(team) if *team == TEAM => {
                propose(&db, channel, "U1", "A topic", at(0)).await;
            }
            Some(team) => {
                propose_in(&db, team, channel, "U1", "A topic", at(0)).await;
            }
            None => {}
        }
    }
    assert_eq!(
        memberships::left_with_topics(&db.pool, &TeamId::from(TEAM))
            .await
            .unwrap(),
        [
            ("C1".to_string(), Membership::Outside(Outside::Removed)),
            ("C2".to_string(), Membership::Outside(Outside::Archived)),
        ]
    );
}
