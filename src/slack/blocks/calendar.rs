//! `/archtopic calendar`: the channel's calendar feed address, how to subscribe to it, and why
//! there is none.

use url::Url;

use super::Reply;
use super::votes::facilitator_refusal_or;
use crate::domain::ids::UserId;

/// The feed's address and how to subscribe to it; `webcal` is the same address for apps that
/// subscribe in one click.
pub fn subscription(address: &Url, webcal: &str) -> Reply {
    Reply::markdown(format!(
        "*This channel's Arch Hour calendar*: <{address}>\n\
         • Google Calendar: *Other calendars* → *+* → *From URL*, and paste the address.\n\
         • Outlook: *Add calendar* → *Subscribe from web*, and paste it.\n\
         • Apple Calendar and other apps: <{webcal}|subscribe in one click>.\n\
         It shows the weekly meeting in the channel's time zone, with the next meeting's agenda in its description; calendar apps fetch it again every few hours, Google's up to a day later.\n\
         Anyone with the address can read the schedule and the agenda: share it only with the team. A facilitator can replace it with `/archtopic calendar reset`."
    ))
}

/// `calendar reset`: the new address, and that the old one is gone.
pub fn reset(address: &Url, webcal: &str) -> Reply {
    Reply::markdown(format!(
        "Made a new calendar address for this channel; the old one no longer works, so calendars subscribed to it stop updating. \
         Tell the team to subscribe again: <{address}> (<{webcal}|one click>)."
    ))
}

/// `calendar` while archhour does not know its own address.
pub fn needs_public_url() -> Reply {
    Reply::markdown(
        "The calendar is off: I don't know the address people reach me at. \
         Whoever runs archhour can set `ARCHHOUR_PUBLIC_URL` (for example `https://archhour.example.com/`) and restart it; then `/archtopic calendar` gives this channel's address."
            .to_string(),
    )
}

/// `calendar reset` from someone who may not.
pub fn reset_refusal(facilitators: &[UserId]) -> Reply {
    facilitator_refusal_or(
        "replace the calendar address",
        facilitators,
        "`/archtopic calendar` shows the current one.",
    )
}
