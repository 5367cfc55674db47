//! Slack's message markup: turning escaped text from Slack into plain text, and back.
//!
//! With `should_escape: true`, command text arrives with `&`, `<` and `>` escaped and with
//! mentions, channels and links as `<…>` tokens. We store plain text and escape it again
//! whenever it goes back into a message.

use crate::domain::ids::UserId;

/// Plain text from Slack-escaped text: `<@U1|ann>` → `@ann`, `<#C1|general>` → `#general`,
/// `<https://x.org|x.org>` → `x.org`, `&lt;` → `<`.
pub fn to_plain(escaped: &str) -> String {
    plain(escaped, false)
}

/// Plain text from Slack-escaped text like [`to_plain`], except that user mentions stay
/// mentions, written `<@U1>`: what is stored of text whose mentions matter (action items,
/// decisions, notes). Channel links, `<!here>`-style specials and links become plain words, so
/// nothing but a person can be pinged when the text is shown again.
pub fn to_plain_keeping_mentions(escaped: &str) -> String {
    plain(escaped, true)
}

/// Escapes plain text for a Slack message like [`escape`], except the `<@U1>` mentions that
/// [`to_plain_keeping_mentions`] kept, which go through as mentions.
pub fn escape_keeping_mentions(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len());
    let mut rest = plain;
    while let Some(start) = rest.find("<@") {
        out.push_str(&escape(&rest[..start]));
        let from = &rest[start..];
        let token = from
            .find('>')
            .map(|end| &from[..=end])
            .filter(|token| user_mention(token).is_some_and(|id| id == token[2..token.len() - 1]));
        match token {
            Some(token) => {
                out.push_str(token);
                rest = &from[token.len()..];
            }
            None => {
                out.push_str("&lt;");
                rest = &from[1..];
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

fn plain(escaped: &str, keep_mentions: bool) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped;
    while let Some(open) = rest.find('<') {
        out.push_str(&unescape(&rest[..open]));
        let after = &rest[open + 1..];
        match after.find('>') {
            Some(close) => {
                let token = &after[..close];
                match user_mention(&rest[open..open + close + 2]) {
                    Some(id) if keep_mentions => out.push_str(&format!("<@{id}>")),
                    _ => out.push_str(&token_to_plain(token)),
                }
                rest = &after[close + 1..];
            }
            None => {
                // A lone `<` cannot come from Slack (it escapes them); keep it as typed.
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(&unescape(rest));
    out
}

/// Escapes plain text for a Slack message, so it is shown as typed and never pings anyone.
pub fn escape(plain: &str) -> String {
    plain
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The user id in a mention token `<@U123>` or `<@U123|name>`; `None` for anything else.
pub fn user_mention(word: &str) -> Option<UserId> {
    let inner = word.strip_prefix("<@")?.strip_suffix('>')?;
    let id = inner.split('|').next().unwrap_or(inner);
    UserId::parse(id).ok()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One `<…>` token without its brackets.
fn token_to_plain(token: &str) -> String {
    let (target, label) = match token.split_once('|') {
        Some((target, label)) => (target, Some(unescape(label))),
        None => (token, None),
    };
    if let Some(id) = target.strip_prefix('@') {
        return format!("@{}", label.unwrap_or_else(|| id.to_string()));
    }
    if let Some(id) = target.strip_prefix('#') {
        return format!("#{}", label.unwrap_or_else(|| id.to_string()));
    }
    if let Some(special) = target.strip_prefix('!') {
        return match label {
            Some(label) => label,
            None => format!("@{special}"),
        };
    }
    let url = unescape(target);
    match label {
        // Slack links bare words it recognises (`x.org` → `<http://x.org|x.org>`): keep the word.
        Some(label) if url.ends_with(label.as_str()) => label,
        Some(label) => format!("{label} ({url})"),
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_mentions_stay_mentions_and_nothing_else_goes_live() {
        let typed = "ask <@U1|ann> and <@U2> <!channel> <!subteam^S1|@devs> <#C1|general> \
                     <https://evil.example|docs> a &lt;b&gt; &amp; c";
        let stored = to_plain_keeping_mentions(typed);
        assert_eq!(
            stored,
            "ask <@U1> and <@U2> @channel @devs #general docs (https://evil.example) a <b> & c"
        );
        assert_eq!(
            escape_keeping_mentions(&stored),
            "ask <@U1> and <@U2> @channel @devs #general docs (https://evil.example) a &lt;b&gt; &amp; c"
        );
        // Text typed to look like markup is shown as typed.
        assert_eq!(
            escape_keeping_mentions("<!here> <@U1|x> <@> <@U1"),
            "&lt;!here&gt; &lt;@U1|x&gt; &lt;@&gt; &lt;@U1"
        );
    }

    #[test]
    fn entities_are_unescaped() {
        assert_eq!(to_plain("a &lt; b &amp;&amp; c &gt; d"), "a < b && c > d");
        assert_eq!(to_plain("&amp;lt;"), "&lt;");
    }

    #[test]
    fn mentions_and_channels_become_names() {
        assert_eq!(
            to_plain("ask <@U123|ann> in <#C9|arch>"),
            "ask @ann in #arch"
        );
        assert_eq!(to_plain("ask <@U123>"), "ask @U123");
        assert_eq!(to_plain("<!here> look"), "@here look");
        assert_eq!(to_plain("<!subteam^S1|@arch-team> hi"), "@arch-team hi");
    }

    #[test]
    fn links_keep_their_words() {
        assert_eq!(to_plain("see <https://x.org/a>"), "see https://x.org/a");
        assert_eq!(to_plain("see <http://x.org|x.org>"), "see x.org");
        assert_eq!(
            to_plain("see <https://x.org/adr|the ADR>"),
            "see the ADR (https://x.org/adr)"
        );
    }

    #[test]
    fn user_mentions_yield_their_ids() {
        assert_eq!(user_mention("<@U123|ann>"), Some("U123".into()));
        assert_eq!(user_mention("<@W9>"), Some("W9".into()));
        assert_eq!(user_mention("@ann"), None);
        assert_eq!(user_mention("<#C1|arch>"), None);
        assert_eq!(user_mention("<@>"), None);
    }

    #[test]
    fn a_lone_bracket_is_kept() {
        assert_eq!(to_plain("a <b"), "a <b");
    }

    #[test]
    fn escape_then_to_plain_gives_the_text_back() {
        let plain = "if a<b && b>c then <@U1> & more";
        assert_eq!(to_plain(&escape(plain)), plain);
    }
}
