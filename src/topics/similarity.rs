//! When an earlier topic is close enough to a new one to mention it.

/// Whether two titles are about the same thing: they share at least half the words of the
/// shorter one (words after stemming and dropping stop words, as full-text search counts them).
pub fn is_similar(shared: usize, new_words: usize, old_words: usize) -> bool {
    shared > 0 && shared * 2 >= new_words.min(old_words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_the_shorter_title_is_enough() {
        // "What is paver used for today?" (paver, use, today) and "What is paver?" (paver).
        assert!(is_similar(1, 3, 1));
        // "Documentation strategy" and "Our documentation strategy for 2021" share both words.
        assert!(is_similar(2, 2, 4));
        // "Devstack pain points" and "Upgrade pain" share one word of two.
        assert!(is_similar(1, 3, 2));
        // One common word out of four and five: different topics.
        assert!(!is_similar(1, 4, 5));
        assert!(!is_similar(0, 1, 1));
    }
}
