//! Slack's ids and the workspace's numbers as types, so a channel id is never passed where a
//! user id belongs and topic #3 is never taken for action item #3. Ids are checked where they
//! come in from Slack (`parse`) and trusted when read back from the database (`from`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// An id Slack sent that does not look like one of its ids of that kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not a Slack {kind} id")]
pub struct NotAnId {
    pub kind: &'static str,
    pub given: String,
}

macro_rules! slack_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $prefixes:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id, if `id` looks like Slack's: a capital letter among
            #[doc = concat!("`", $prefixes, "`")]
            /// then capital letters and digits.
            pub fn parse(id: &str) -> Result<Self, NotAnId> {
                let mut chars = id.chars();
                let well_formed = chars.next().is_some_and(|first| $prefixes.contains(first))
                    && id.len() >= 2
                    && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
                if well_formed {
                    Ok($name(id.to_string()))
                } else {
                    Err(NotAnId {
                        kind: $kind,
                        given: id.to_string(),
                    })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// As stored: what the database holds was checked when it came in.
        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        /// As stored, or as written in code and tests.
        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

slack_id!(
    /// A workspace (`T…`) or an Enterprise Grid organisation (`E…`).
    TeamId,
    "team",
    "TE"
);
slack_id!(
    /// A public (`C…`) or private (`G…`) channel, or a DM (`D…`).
    ChannelId,
    "channel",
    "CGD"
);
slack_id!(
    /// A person or bot user (`U…`, or `W…` on Enterprise Grid).
    UserId,
    "user",
    "UW"
);

macro_rules! number {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i32);

        /// As stored (what the checked queries read a number column as).
        impl From<i32> for $name {
            fn from(number: i32) -> Self {
                $name(number)
            }
        }

        /// The bare number (messages write `#{number}`).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

number!(
    /// A topic's number in its workspace (shown as `#12`).
    TopicNumber
);
number!(
    /// An action item's number in its workspace (shown as `#3`).
    ItemNumber
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_the_right_kind_parse() {
        assert_eq!(ChannelId::parse("C0123ABC").unwrap().as_str(), "C0123ABC");
        assert_eq!(ChannelId::parse("G9").unwrap(), "G9");
        assert_eq!(ChannelId::parse("D024BE91L").unwrap(), "D024BE91L");
        assert_eq!(UserId::parse("U42").unwrap().to_string(), "U42");
        assert_eq!(UserId::parse("W0123").unwrap(), "W0123");
        assert_eq!(TeamId::parse("T1").unwrap(), "T1");
        assert_eq!(TeamId::parse("E07").unwrap(), "E07");
    }

    #[test]
    fn ids_of_another_kind_or_malformed_do_not() {
        assert_eq!(
            ChannelId::parse("U42"),
            Err(NotAnId {
                kind: "channel",
                given: "U42".into()
            })
        );
        assert!(UserId::parse("C1").is_err());
        assert!(TeamId::parse("U1").is_err());
        for bad in ["", "C", "c123", "C12 3", "C1<", "<#C123|general>", "Cé1"] {
            assert!(ChannelId::parse(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(
            NotAnId {
                kind: "user",
                given: "C1".into()
            }
            .to_string(),
            "\"C1\" is not a Slack user id"
        );
    }

    #[test]
    fn numbers_show_and_serialise_bare() {
        assert_eq!(format!("#{}", TopicNumber(12)), "#12");
        assert_eq!(ItemNumber(3).to_string(), "3");
        assert_eq!(serde_json::to_string(&TopicNumber(12)).unwrap(), "12");
        assert_eq!(
            serde_json::to_string(&UserId::parse("U1").unwrap()).unwrap(),
            "\"U1\""
        );
        assert_eq!(serde_json::from_str::<ChannelId>("\"C9\"").unwrap(), "C9");
    }
}
