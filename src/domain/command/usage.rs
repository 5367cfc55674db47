//! The usage line each subcommand's reply shows when it is given the wrong arguments.

/// How to use the subcommands that take nothing after them.
pub const LIST_USAGE: &str = "/archtopic list";
pub const HELP_USAGE: &str = "/archtopic help";
pub const RECOUNT_USAGE: &str = "/archtopic recount";
pub const START_USAGE: &str = "/archtopic start";
pub const NEXT_USAGE: &str = "/archtopic next";
pub const EXTEND_USAGE: &str = "/archtopic extend";
pub const END_USAGE: &str = "/archtopic end";
pub const MINE_USAGE: &str = "/archtopic mine";
pub const REMIND_USAGE: &str = "/archtopic remind";

/// How to use `withdraw`.
pub const WITHDRAW_USAGE: &str = "/archtopic withdraw 12";

/// How to use `edit`.
pub const EDIT_USAGE: &str = "/archtopic edit 12 [quest] Should we adopt a message queue?";

/// How to use `action`, `done` and `drop`.
pub const ACTION_USAGE: &str = "/archtopic action @owner what they will do due 2026-12-01";
pub const REASSIGN_USAGE: &str = "/archtopic action 7 owner @someone";
pub const DONE_USAGE: &str = "/archtopic done 7";
pub const DROP_USAGE: &str = "/archtopic drop 7";

/// How to use `challenge`.
pub const CHALLENGE_USAGE: &str = "/archtopic challenge Pipeline | Merge conflicts are hard to resolve | It stopped the pipeline for a day";
pub const CHALLENGE_STATUS_USAGE: &str =
    "/archtopic challenge 7 status ARCHBOM-1202, not completed";

/// How to use `digest`.
pub const DIGEST_USAGE: &str = "/archtopic digest preview";

/// How to use `minutes`.
pub const MINUTES_USAGE: &str = "/archtopic minutes [post] [last | YYYY-MM-DD]";

/// How to use `search`.
pub const SEARCH_USAGE: &str = "/archtopic search documentation strategy";

/// How to use `calendar`.
pub const CALENDAR_USAGE: &str = "/archtopic calendar [reset]";
