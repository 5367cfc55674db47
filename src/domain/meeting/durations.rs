//! Durations as people type them in settings: `10m`, `20s`, `1h`, `1m30s`.

use std::fmt;
use std::time::Duration;

/// A duration typed in a setting, shown back the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub Duration);

impl Span {
    pub fn from_secs(seconds: u64) -> Span {
        Span(Duration::from_secs(seconds))
    }

    pub fn secs(self) -> u64 {
        self.0.as_secs()
    }

    /// Parses `90s`, `10m`, `1h`, `1m30s` (whole seconds, minutes, hours; at least one part).
    pub fn parse(text: &str) -> Option<Span> {
        let text = text.trim().to_lowercase();
        if text.is_empty() {
            return None;
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        let mut last_unit = u64::MAX;
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => return None,
            };
            // Units must come largest first, each once: `1h30m`, not `30m1h`.
            if digits.is_empty() || unit >= last_unit {
                return None;
            }
            let value: u64 = digits.parse().ok()?;
            total = total.checked_add(value.checked_mul(unit)?)?;
            digits.clear();
            last_unit = unit;
        }
        if !digits.is_empty() {
            return None;
        }
        Some(Span::from_secs(total))
    }

    /// Time left as people say it: to the nearest minute, or to the nearest second under a
    /// minute. A warning due 2 minutes before the end runs a moment late and has 1 min 59.6 s
    /// to announce: that is "2 min", not "1 min 59 s".
    pub fn rounded(exact: Duration) -> Span {
        let seconds = (exact.as_millis() + 500) / 1000;
        let seconds = if seconds < 60 {
            seconds
        } else {
            (seconds + 30) / 60 * 60
        };
        Span::from_secs(u64::try_from(seconds).unwrap_or(u64::MAX))
    }

    /// Minutes, rounded to the nearest, for people ("5 min"); seconds below a minute.
    pub fn spoken(self) -> String {
        let seconds = self.secs();
        if seconds < 60 || !seconds.is_multiple_of(60) {
            if seconds >= 60 {
                return format!("{} min {} s", seconds / 60, seconds % 60);
            }
            return format!("{seconds} s");
        }
        format!("{} min", seconds / 60)
    }
}

/// The canonical form: `1h30m`, `10m`, `20s`, `0s`.
impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.secs();
        if seconds == 0 {
            return f.write_str("0s");
        }
        let (hours, minutes, secs) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        if secs > 0 {
            write!(f, "{secs}s")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_forms_parse() {
        let cases = [
            ("10m", 600),
            ("20s", 20),
            ("1h", 3600),
            ("1m30s", 90),
            ("1h5m", 3900),
            (" 5M ", 300),
            ("0s", 0),
        ];
        for (text, seconds) in cases {
            assert_eq!(Span::parse(text), Some(Span::from_secs(seconds)), "{text}");
        }
    }

    #[test]
    fn malformed_durations_are_refused() {
        for text in [
            "",
            "10",
            "m",
            "10x",
            "5m10m",
            "30s1m",
            "-5m",
            "1.5m",
            "ten minutes",
        ] {
            assert_eq!(Span::parse(text), None, "{text}");
        }
    }

    #[test]
    fn display_is_canonical_and_parses_back() {
        for seconds in [20, 60, 90, 600, 3600, 3690] {
            let span = Span::from_secs(seconds);
            assert_eq!(Span::parse(&span.to_string()), Some(span));
        }
        assert_eq!(Span::from_secs(3690).to_string(), "1h1m30s");
        assert_eq!(Span::from_secs(600).spoken(), "10 min");
        assert_eq!(Span::from_secs(20).spoken(), "20 s");
        assert_eq!(Span::from_secs(90).spoken(), "1 min 30 s");
    }

    #[test]
    fn time_left_is_rounded_to_the_minute_or_under_a_minute_to_the_second() {
        let spoken = |millis: u64| Span::rounded(Duration::from_millis(millis)).spoken();
        assert_eq!(spoken(120_000), "2 min");
        assert_eq!(spoken(119_999), "2 min");
        assert_eq!(spoken(119_000), "2 min");
        assert_eq!(spoken(91_000), "2 min");
        assert_eq!(spoken(89_000), "1 min");
        assert_eq!(spoken(150_000), "3 min", "halves round up");
        assert_eq!(spoken(59_600), "1 min");
        assert_eq!(spoken(59_400), "59 s");
        assert_eq!(spoken(29_700), "30 s");
        assert_eq!(spoken(400), "0 s");
    }
}
