//! Which reaction names count as the vote emoji.

/// A reaction name without colons or skin tone: `:+1::skin-tone-3:` → `+1`.
pub fn normalise_emoji(name: &str) -> &str {
    let name = name.trim().trim_matches(':');
    match name.find("::skin-tone-") {
        Some(at) => &name[..at],
        None => name,
    }
}

/// Whether `reaction` (as Slack names it) is the channel's vote emoji, in any skin tone.
pub fn is_vote_reaction(reaction: &str, vote_emoji: &str) -> bool {
    normalise_emoji(reaction) == normalise_emoji(vote_emoji)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skin_tones_are_the_same_vote() {
        for variant in [
            "+1",
            "+1::skin-tone-2",
            "+1::skin-tone-6",
            ":+1::skin-tone-3:",
        ] {
            assert!(is_vote_reaction(variant, "+1"), "{variant}");
        }
    }

    #[test]
    fn other_emoji_are_not_votes() {
        for other in ["-1", "heart", "+1a", "thumbsup_all", ""] {
            assert!(!is_vote_reaction(other, "+1"), "{other}");
        }
    }

    #[test]
    fn a_custom_vote_emoji_works_with_or_without_colons() {
        assert!(is_vote_reaction("star", ":star:"));
        assert!(is_vote_reaction(
            "raised_hands::skin-tone-4",
            "raised_hands"
        ));
        assert!(!is_vote_reaction("+1", "star"));
    }
}
