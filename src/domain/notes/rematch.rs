//! Importing a page again: which stored topic each of the page's topics is, so a page imported
//! by an earlier, cruder reading is repaired in place instead of imported twice.

/// For each of `page`'s titles, the index of the stored title it is, if any; each stored title
/// is used once. Tried in turn: the same title; a stored title that holds the page's title
/// (an earlier reading kept markup such as `(4) [Question, Priya] Should we pin tox?`), or the
/// other way round; and last, the same place in the list.
pub fn rematch(stored: &[&str], page: &[&str]) -> Vec<Option<usize>> {
    let mut found: Vec<Option<usize>> = vec![None; page.len()];
    let mut used = vec![false; stored.len()];
    let same = |a: &str, b: &str| normal(a) == normal(b);
    let holds = |a: &str, b: &str| {
        // Whole words only: `Docs` is not in `Documentation`.
        let (a, b) = (format!(" {} ", normal(a)), format!(" {} ", normal(b)));
        a.len() > 2 && b.len() > 2 && (a.contains(&b) || b.contains(&a))
    };
    let passes: [&dyn Fn(usize, usize) -> bool; 3] = [
        &|s, p| same(stored[s], page[p]),
        &|s, p| holds(stored[s], page[p]),
        &|s, p| s == p,
    ];
    for pass in passes {
        for (p, slot) in found.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            // The candidate nearest the page's position, so repeated titles pair in order.
            let candidate = (0..stored.len())
                .filter(|s| !used[*s] && pass(*s, p))
                .min_by_key(|s| s.abs_diff(p));
            if let Some(s) = candidate {
                used[s] = true;
                *slot = Some(s);
            }
        }
    }
    found
}

/// A title's words, compared without case or punctuation.
fn normal(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_an_earlier_reading_left_markup_on_are_found() {
        let stored = [
            "[Question, Priya] Should we pin tox?",
            "(Jo) Upgrades before the next release:",
            "Docs strategy",
        ];
        // The page as read now: a topic that lost its bullet (not imported before) between.
        let page = [
            "Should we pin tox?",
            "Kafka or SNS for events?",
            "Upgrades before the next release",
            "Docs strategy",
        ];
        assert_eq!(rematch(&stored, &page), [Some(0), None, Some(1), Some(2)]);
    }

    #[test]
    fn the_same_page_pairs_one_to_one_even_with_repeated_titles() {
        let titles = ["Open questions", "Docs", "Open questions"];
        assert_eq!(rematch(&titles, &titles), [Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn a_renamed_topic_keeps_its_place() {
        let stored = ["Old wording", "Docs"];
        let page = ["New wording", "Docs"];
        assert_eq!(rematch(&stored, &page), [Some(0), Some(1)]);
    }
}
