//! Ranking the agenda: counted votes, then times deferred, then age.

use crate::domain::topics::Topic;

/// The rule, as the agenda states it in one line.
pub const RANKING_RULE: &str =
    "Ranked by votes, then by meetings missed (more first), then by age (older first).";

/// An open topic with its counted votes and its place on the agenda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedTopic {
    /// 1 for the top of the agenda.
    pub rank: usize,
    pub topic: Topic,
    pub votes: i64,
}

/// Orders topics for the agenda: more counted votes first; ties go to the topic deferred more
/// often, then to the older one; the topic number settles topics created at the same instant.
pub fn rank(topics: impl IntoIterator<Item = (Topic, i64)>) -> Vec<RankedTopic> {
    let mut entries: Vec<(Topic, i64)> = topics.into_iter().collect();
    entries.sort_by(|(a, a_votes), (b, b_votes)| {
        b_votes
            .cmp(a_votes)
            .then(b.times_deferred.cmp(&a.times_deferred))
            .then(a.created_at.cmp(&b.created_at))
            .then(a.number.cmp(&b.number))
    });
    entries
        .into_iter()
        .enumerate()
        .map(|(index, (topic, votes))| RankedTopic {
            rank: index + 1,
            topic,
            votes,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::TopicNumber;
    use crate::domain::topics::{Intent, TopicState};
    use chrono::{Duration, TimeZone, Utc};

    fn topic(number: i32, days_old: i64, times_deferred: i32) -> Topic {
        let now = Utc.with_ymd_and_hms(2026, 11, 18, 9, 0, 0).unwrap();
        Topic {
            id: i64::from(number),
            number: TopicNumber(number),
            team_id: "T1".into(),
            channel_id: "C1".into(),
            author_id: Some("U1".into()),
            proposers: Vec::new(),
            intents: Intent::Discuss.into(),
            title: format!("Topic {number}"),
            state: TopicState::Open,
            card_ts: None,
            times_deferred,
            discussed_in: None,
            imported_votes: 0,
            challenge_id: None,
            created_at: now - Duration::days(days_old),
        }
    }

    /// Worked by hand:
    /// - #4 has the most votes (5): first, although it is the newest.
    /// - #1, #2, #3 tie on 3 votes: #2 was deferred twice, #3 once, #1 never → #2, #3, #1.
    /// - #5 and #6 tie on 0 votes and 0 deferrals: #6 is older (9 days vs 2) → #6, #5.
    #[test]
    fn votes_then_deferrals_then_age_on_a_worked_example() {
        let ranked = rank([
            (topic(1, 10, 0), 3),
            (topic(2, 3, 2), 3),
            (topic(3, 4, 1), 3),
            (topic(4, 0, 0), 5),
            (topic(5, 2, 0), 0),
            (topic(6, 9, 0), 0),
        ]);
        let order: Vec<(usize, i32)> = ranked.iter().map(|r| (r.rank, r.topic.number.0)).collect();
        assert_eq!(order, [(1, 4), (2, 2), (3, 3), (4, 1), (5, 6), (6, 5)]);
    }

    #[test]
    fn the_older_topic_wins_a_full_tie() {
        let ranked = rank([(topic(8, 1, 1), 2), (topic(7, 5, 1), 2)]);
        assert_eq!(ranked[0].topic.number, TopicNumber(7));
    }
}
