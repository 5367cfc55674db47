//! The parser's tests, by theme: `proposals` for `[intent] title` and the guesses a refusal
//! carries, `subcommands` for the words that start a command and their arguments.

mod proposals;
mod subcommands;

use super::{Command, Proposal, parse};

fn proposal(text: &str) -> Proposal {
    match parse(text) {
        Ok(Command::Propose(p)) => p,
        other => panic!("{text}: expected a proposal, got {other:?}"),
    }
}
