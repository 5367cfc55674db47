//! When an earlier topic is close enough to a new one to mention it: titles compared by their
//! words, each word weighed by how rare it is in the channel's own titles.
//!
//! Words are what full-text search makes of a title (stemmed, stop words dropped), so "What is
//! paver used for today?" is `paver`, `use`, `today`. Two titles are compared by the cosine of
//! their word sets, each word weighed by its smoothed inverse document frequency (tf-idf with
//! every term frequency 1, as words seldom repeat in a title):
//!
//! - `weight(w) = ln((1 + M) / (1 + d(w))) + 1`, where `M` is the number of the channel's
//!   *other* titles (all but the two compared) and `d(w)` how many of them contain `w`. Leaving
//!   the pair out means that a word the two share is not counted as common for being shared,
//!   and in a channel with no other titles every word weighs 1: the plain cosine of the sets.
//!   The `+ 1`s are the usual smoothing (as in scikit-learn): no word weighs nothing, and one
//!   other title more or less changes little in a small channel.
//! - `score = Σ shared weight² / (√Σ new weight² · √Σ old weight²)`, from 0 to 1.
//!
//! The titles are similar when the score is at least [`THRESHOLD`] and they share at least one
//! word that is not common in the channel ([`COMMON_SHARE`]). How the thresholds were chosen is
//! said on each.
//!
//! For example, in a channel of 11 titles where "still" and "need" are each in 3 of the 9 other
//! titles and "use" and "today" in 3, "What is paver and do we still need it?" (`paver`,
//! `still`, `need`) and "What is paver used for today?" (`paver`, `use`, `today`) share `paver`,
//! in no other title: it weighs ln(10/1) + 1 = 3.303, the other words ln(10/4) + 1 = 1.916. The
//! score is 3.303² / (3.303² + 2 · 1.916²) = 10.91 / 18.25 ≈ 0.60: similar, though one word of
//! three in each would be 1/3 with equal weights. "Do we still need the forums?" shares `still`
//! and `need` with the new title, each in 2 of the 9 others: common, so it is not mentioned.

use std::collections::{BTreeSet, HashMap};

/// The least score of similar titles. With equal weights (a channel with no other titles), one
/// word shared by titles of one and up to eight words (1/√8 ≈ 0.354), two and two (0.5), two and
/// three (1/√6 ≈ 0.41) or two and four words (1/√8) is enough, and one shared by two titles of
/// three words (1/3) or four and five (1/√20 ≈ 0.22) is not: what the earlier rule ("half the
/// words of the shorter title") decided for titles of the usual lengths. In a larger channel a
/// rare shared word lifts the score above it and a frequent one drops it below.
const THRESHOLD: f64 = 0.35;

/// A word is common when at least a fifth of the channel's other titles contain it (and at least
/// one does): then sharing it says little. A fifth because the words in which a channel phrases
/// its topics ("use", "today", "need", the product's own name) come back in that many of its
/// titles, while the subject of a title is seldom in more than a few; a subject the channel
/// talks about that often is common there too, and sharing it alone is not enough. "At least
/// one" so that nothing is common in a channel with no other titles.
const COMMON_SHARE: usize = 5;

/// How many of a channel's titles contain each word: what makes a word rare or common there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordCounts {
    /// The channel's titles that count (topics not withdrawn), both compared included.
    pub titles: usize,
    /// For each word, how many of those titles contain it.
    pub containing: HashMap<String, usize>,
}

/// How alike two titles are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// The weighted cosine, from 0 (no word shared) to 1 (the same words): for ordering.
    pub score: f64,
    /// Whether the earlier title is worth mentioning beside the new one.
    pub similar: bool,
}

/// How alike the new title's words are to an earlier title's, in a channel with these counts.
pub fn similarity<S: AsRef<str>>(counts: &WordCounts, new: &[S], old: &[S]) -> Similarity {
    let new: BTreeSet<&str> = new.iter().map(AsRef::as_ref).collect();
    let old: BTreeSet<&str> = old.iter().map(AsRef::as_ref).collect();
    let others = counts.titles.saturating_sub(2);
    // Titles other than these two that contain the word.
    let elsewhere = |word: &str| {
        let pair = usize::from(new.contains(word)) + usize::from(old.contains(word));
        let all = counts.containing.get(word).copied().unwrap_or(0);
        all.saturating_sub(pair).min(others)
    };
    let weight = |word: &str| ratio(1 + others, 1 + elsewhere(word)).ln() + 1.0;
    let squares = |words: &BTreeSet<&str>| -> f64 { words.iter().map(|w| weight(w).powi(2)).sum() };
    let shared: Vec<&str> = new.intersection(&old).copied().collect();
    let norms = squares(&new).sqrt() * squares(&old).sqrt();
    let score = if shared.is_empty() || norms == 0.0 {
        0.0
    } else {
        shared.iter().map(|w| weight(w).powi(2)).sum::<f64>() / norms
    };
    let common = |word: &str| {
        let seen = elsewhere(word);
        seen >= 1 && seen * COMMON_SHARE >= others
    };
    Similarity {
        score,
        similar: score >= THRESHOLD && shared.iter().any(|word| !common(word)),
    }
}

/// The keys of the earlier titles similar to the new one, most similar first, at most `limit`.
/// Equal scores keep the order given (newest first, as the store lists them).
pub fn most_similar<K: Copy, S: AsRef<str>>(
    counts: &WordCounts,
    new: &[S],
    earlier: &[(K, Vec<S>)],
    limit: usize,
) -> Vec<K> {
    let mut similar: Vec<(K, f64)> = earlier
        .iter()
        .map(|(key, words)| (*key, similarity(counts, new, words)))
        .filter(|(_, found)| found.similar)
        .map(|(key, found)| (key, found.score))
        .collect();
    similar.sort_by(|a, b| b.1.total_cmp(&a.1));
    similar
        .into_iter()
        .take(limit)
        .map(|(key, _)| key)
        .collect()
}

/// `a / b` as a real number; counts of titles are far below 2^52, so nothing is lost.
fn ratio(a: usize, b: usize) -> f64 {
    a as f64 / b as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A channel of `titles` titles where each word is in the given number of them.
    fn channel(titles: usize, containing: &[(&str, usize)]) -> WordCounts {
        WordCounts {
            titles,
            containing: containing
                .iter()
                .map(|(word, n)| ((*word).to_string(), *n))
                .collect(),
        }
    }

    fn score(counts: &WordCounts, new: &[&str], old: &[&str]) -> f64 {
        similarity(counts, new, old).score
    }

    fn similar(counts: &WordCounts, new: &[&str], old: &[&str]) -> bool {
        similarity(counts, new, old).similar
    }

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < 0.001
    }

    /// With no other titles every word weighs 1 and the score is shared / √(new · old).
    #[test]
    fn half_the_shorter_title_is_enough_in_a_channel_without_other_titles() {
        let two = channel(2, &[]);
        // "What is paver?" (paver) and "What is paver used for today?" (paver, use, today):
        // 1/√3 ≈ 0.577.
        assert!(close(
            score(&two, &["paver"], &["paver", "use", "today"]),
            0.577
        ));
        assert!(similar(&two, &["paver"], &["paver", "use", "today"]));
        // "Documentation strategy" and "Our documentation strategy for 2021" share both words:
        // 2/√(2·3) ≈ 0.816.
        let documentation = ["document", "strategi", "2021"];
        assert!(close(
            score(&two, &["document", "strategi"], &documentation),
            0.816
        ));
        assert!(similar(&two, &["document", "strategi"], &documentation));
        // "Devstack pain points" and "Upgrade pain" share one word of two: 1/√6 ≈ 0.408.
        let devstack = ["devstack", "pain", "point"];
        assert!(close(score(&two, &devstack, &["upgrad", "pain"]), 0.408));
        assert!(similar(&two, &devstack, &["upgrad", "pain"]));
        // One word out of four and five: 1/√20 ≈ 0.224, different topics.
        assert!(!similar(
            &two,
            &["a", "b", "c", "d"],
            &["a", "e", "f", "g", "h"]
        ));
        // One word of three and three: 1/3, below the threshold as it was below half.
        assert!(!similar(&two, &["a", "b", "c"], &["a", "d", "e"]));
        assert_eq!(score(&two, &["a"], &["b"]), 0.0);
        assert!(!similar(&two, &["a"], &["b"]));
        assert!(!similar(&two, &[] as &[&str], &["a"]));
    }

    /// A channel of 12 titles: "paver" is only in the two compared, "still" and "need" are in
    /// the new title and 3 of the 10 others, "use" and "today" in the old one and 3 others.
    /// The other titles are M = 10, so
    ///   weight(paver) = ln(11/1) + 1 = 2.398 + 1 = 3.398, squared 11.545;
    ///   weight(still) = ln(11/4) + 1 = 1.012 + 1 = 2.012, squared 4.047 (likewise the rest).
    /// Both titles weigh 11.545 + 2·4.047 = 19.639 squared, so the score is
    /// 11.545 / 19.639 ≈ 0.588. With equal weights it would be 1/3: not enough.
    #[test]
    fn one_rare_shared_word_outweighs_common_ones() {
        let history = channel(
            12,
            &[
                ("paver", 2),
                ("still", 4),
                ("need", 4),
                ("use", 4),
                ("today", 4),
            ],
        );
        let new = ["paver", "still", "need"];
        let old = ["paver", "use", "today"];
        assert!(
            close(score(&history, &new, &old), 0.588),
            "{}",
            score(&history, &new, &old)
        );
        assert!(similar(&history, &new, &old));
    }

    /// In the same 12 titles, "Do we still need the forums?" shares "still" and "need" with the
    /// new title; each is in 3 of the 10 other titles, at least a fifth (2): common. "paver" is
    /// in 1 other title, weight ln(11/2) + 1 = 2.705, squared 7.316; "forum" in none, 11.545.
    /// The score is 2·4.047 / (√(7.316 + 8.094) · √(11.545 + 8.094)) = 8.094 / (3.926 · 4.432)
    /// ≈ 0.465: above the threshold, yet nothing but common words is shared.
    #[test]
    fn titles_sharing_only_common_words_are_not_similar() {
        let history = channel(12, &[("paver", 2), ("still", 5), ("need", 5), ("forum", 1)]);
        let new = ["paver", "still", "need"];
        let forums = ["still", "need", "forum"];
        assert!(close(score(&history, &new, &forums), 0.465));
        assert!(!similar(&history, &new, &forums));
        // "On call today" and "What is paver used for today?" where "today" is in 4 of the 10
        // others: common, and the score is low anyway (today weighs ln(11/5) + 1 = 1.788).
        let history = channel(12, &[("today", 6), ("call", 1), ("paver", 1), ("use", 1)]);
        assert!(!similar(
            &history,
            &["call", "today"],
            &["paver", "use", "today"]
        ));
        // In a channel of three titles a word the third one also has is common there (and
        // weighs ln(2/2) + 1 = 1 against ln(2/1) + 1 = 1.693 for the others: 0.196).
        let small = channel(3, &[("pain", 3)]);
        let devstack = ["devstack", "pain", "point"];
        assert!(close(score(&small, &["pain", "upgrad"], &devstack), 0.196));
        assert!(!similar(
            &small,
            &["pain", "upgrad"],
            &["devstack", "pain", "point"]
        ));
        // Without it, all weigh 1.693 and the score is 1/√6 again.
        let small = channel(3, &[("pain", 2)]);
        assert!(similar(
            &small,
            &["pain", "upgrad"],
            &["devstack", "pain", "point"]
        ));
    }

    /// 52 titles: "devstack" is in 8 of the 50 others (fewer than a fifth, so not common),
    /// weight ln(51/9) + 1 = 1.735 + 1 = 2.735, squared 7.478; the other words are in none,
    /// ln(51) + 1 = 4.932, squared 24.322. "Devstack pain points" and "Devstack upgrade" score
    /// 7.478 / (√(7.478 + 2·24.322) · √(7.478 + 24.322)) = 7.478 / (7.492 · 5.639) ≈ 0.177:
    /// a frequent word shared among rare ones is not enough, though 1/√6 would have been.
    #[test]
    fn a_frequent_shared_word_among_rare_ones_is_not_enough() {
        let history = channel(
            52,
            &[("devstack", 10), ("pain", 1), ("point", 1), ("upgrad", 1)],
        );
        let devstack = ["devstack", "pain", "point"];
        assert!(close(
            score(&history, &devstack, &["devstack", "upgrad"]),
            0.177
        ));
        assert!(!similar(&history, &devstack, &["devstack", "upgrad"]));
    }

    /// 22 titles, so M = 20 others and a word is common in 4 of them. 2 shares "still" (in 5
    /// others) and "need" (in 4): only common words. 3 and 5 are "What is paver used for
    /// today?" and share "paver" (in 2 others): ln(21/3) + 1 = 2.946, squared 8.678; "still" is
    /// in 6 others, ln(21/7) + 1 = 2.099, squared 4.404; "need", "use" and "today" in 5,
    /// ln(21/6) + 1 = 2.253, squared 5.075. They score
    /// 8.678 / √((8.678 + 4.404 + 5.075) · (8.678 + 2·5.075)) = 8.678 / √(18.157 · 18.828)
    /// ≈ 0.469, equal, so 3 stays before 5. 4 shares "paver" and "still" (now in 5 others,
    /// 5.075) and scores 13.753 / √(18.828 · 13.753) = √(13.753 / 18.828) ≈ 0.855: first.
    #[test]
    fn the_most_similar_come_first_and_no_more_than_asked() {
        let history = channel(
            22,
            &[
                ("paver", 4),
                ("still", 7),
                ("need", 6),
                ("use", 6),
                ("today", 6),
                ("forum", 1),
            ],
        );
        let new = ["paver", "still", "need"];
        let paver = vec!["paver", "use", "today"];
        assert!(close(score(&history, &new, &paver), 0.469));
        assert!(close(score(&history, &new, &["paver", "still"]), 0.855));
        let earlier = [
            (2, vec!["still", "need", "forum"]),
            (3, paver.clone()),
            (4, vec!["paver", "still"]),
            (5, paver),
        ];
        assert_eq!(most_similar(&history, &new, &earlier, 3), [4, 3, 5]);
        assert_eq!(most_similar(&history, &new, &earlier, 1), [4]);
        assert!(most_similar(&history, &new, &earlier[..1], 3).is_empty());
    }
}
