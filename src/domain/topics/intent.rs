//! Intents: the tag that says what outcome a topic's proposer wants (DESIGN §1).

use std::fmt;

/// One intent. The order of `ALL` is the order help lists them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    Inform,
    Ideation,
    Analysis,
    Quest,
    Discuss,
}

impl Intent {
    pub const ALL: [Intent; 5] = [
        Intent::Inform,
        Intent::Ideation,
        Intent::Analysis,
        Intent::Quest,
        Intent::Discuss,
    ];

    /// Other words people type for an intent.
    const ALIASES: [(&'static str, Intent); 5] = [
        ("question", Intent::Quest),
        ("q", Intent::Quest),
        ("idea", Intent::Ideation),
        ("info", Intent::Inform),
        ("discussion", Intent::Discuss),
    ];

    /// The canonical name, as stored and shown in badges.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Inform => "inform",
            Intent::Ideation => "ideation",
            Intent::Analysis => "analysis",
            Intent::Quest => "quest",
            Intent::Discuss => "discuss",
        }
    }

    /// What the proposer asks of the room.
    pub fn meaning(self) -> &'static str {
        match self {
            Intent::Inform => "tell the group; clarifying questions only",
            Intent::Ideation => "divergent brainstorming, no critique",
            Intent::Analysis => "poke holes in my idea or plan",
            Intent::Quest => "I seek information or answers",
            Intent::Discuss => "open discussion",
        }
    }

    /// Reads one intent name or alias, in any case.
    pub fn from_word(word: &str) -> Option<Intent> {
        let word = word.trim().to_lowercase();
        Intent::ALL
            .into_iter()
            .find(|intent| intent.as_str() == word)
            .or_else(|| {
                Intent::ALIASES
                    .into_iter()
                    .find(|(alias, _)| *alias == word)
                    .map(|(_, intent)| intent)
            })
    }

    /// The intent whose name or alias is closest to a mistyped word, if any is close enough
    /// to be a plausible typo.
    pub fn nearest(word: &str) -> Option<Intent> {
        let word = word.trim().to_lowercase();
        let candidates = Intent::ALL
            .into_iter()
            .map(|intent| (intent.as_str(), intent))
            .chain(
                Intent::ALIASES
                    .into_iter()
                    .filter(|(alias, _)| alias.len() > 1),
            );
        candidates
            .map(|(name, intent)| (strsim::damerau_levenshtein(&word, name), name, intent))
            .filter(|(distance, name, _)| *distance <= (name.len() / 3).max(1))
            .min_by_key(|(distance, _, _)| *distance)
            .map(|(_, _, intent)| intent)
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One or more distinct intents, in the order the proposer wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intents(Vec<Intent>);

/// Why a tag did not name valid intents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntentError {
    #[error("the tag is empty")]
    Empty,
    #[error("`{word}` is not an intent")]
    Unknown {
        word: String,
        suggestion: Option<Intent>,
    },
}

impl Intents {
    /// Parses the inside of a tag: `quest`, `Quest/Ideation`, `q / idea`.
    pub fn parse(tag: &str) -> Result<Intents, IntentError> {
        let mut intents = Vec::new();
        for word in tag.split('/').map(str::trim) {
            if word.is_empty() {
                return Err(IntentError::Empty);
            }
            let intent = Intent::from_word(word).ok_or_else(|| IntentError::Unknown {
                word: word.to_string(),
                suggestion: Intent::nearest(word),
            })?;
            if !intents.contains(&intent) {
                intents.push(intent);
            }
        }
        Ok(Intents(intents))
    }

    /// Intents read back from storage; unknown names are skipped.
    pub fn from_stored(names: &[String]) -> Intents {
        Intents(names.iter().filter_map(|n| Intent::from_word(n)).collect())
    }

    pub fn as_slice(&self) -> &[Intent] {
        &self.0
    }

    /// Canonical names, for storage.
    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|i| i.as_str().to_string()).collect()
    }
}

impl From<Intent> for Intents {
    fn from(intent: Intent) -> Self {
        Intents(vec![intent])
    }
}

/// Shown as the tag itself: `quest/ideation`.
impl fmt::Display for Intents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|i| i.as_str()).collect();
        f.write_str(&names.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_name_parses_in_any_case() {
        for intent in Intent::ALL {
            let name = intent.as_str();
            assert_eq!(Intent::from_word(name), Some(intent));
            assert_eq!(Intent::from_word(&name.to_uppercase()), Some(intent));
        }
        assert_eq!(Intent::from_word("QuEsT"), Some(Intent::Quest));
    }

    #[test]
    fn every_alias_maps_to_its_intent() {
        assert_eq!(Intent::from_word("question"), Some(Intent::Quest));
        assert_eq!(Intent::from_word("q"), Some(Intent::Quest));
        assert_eq!(Intent::from_word("Q"), Some(Intent::Quest));
        assert_eq!(Intent::from_word("idea"), Some(Intent::Ideation));
        assert_eq!(Intent::from_word("info"), Some(Intent::Inform));
        assert_eq!(Intent::from_word("Discussion"), Some(Intent::Discuss));
    }

    #[test]
    fn combinations_keep_order_and_drop_repeats() {
        let intents = Intents::parse("quest/ideation").expect("valid");
        assert_eq!(intents.as_slice(), [Intent::Quest, Intent::Ideation]);
        let intents = Intents::parse("Q / question / Analysis").expect("valid");
        assert_eq!(intents.as_slice(), [Intent::Quest, Intent::Analysis]);
        assert_eq!(intents.to_string(), "quest/analysis");
    }

    #[test]
    fn an_empty_part_is_refused() {
        assert_eq!(Intents::parse(""), Err(IntentError::Empty));
        assert_eq!(Intents::parse("quest/"), Err(IntentError::Empty));
    }

    #[test]
    fn a_typo_suggests_the_nearest_intent() {
        let cases = [
            ("qeust", Some(Intent::Quest)),
            ("ideaton", Some(Intent::Ideation)),
            ("analisys", Some(Intent::Analysis)),
            ("discus", Some(Intent::Discuss)),
            ("infrom", Some(Intent::Inform)),
            ("banana", None),
        ];
        for (word, expected) in cases {
            assert_eq!(Intent::nearest(word), expected, "{word}");
        }
    }

    #[test]
    fn an_unknown_word_in_a_combination_is_named() {
        let err = Intents::parse("quest/qeustion").expect_err("unknown");
        assert_eq!(
            err,
            IntentError::Unknown {
                word: "qeustion".into(),
                suggestion: Some(Intent::Quest)
            }
        );
    }
}
