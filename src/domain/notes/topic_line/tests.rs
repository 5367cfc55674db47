//! Topic lines read in the shapes people write them.

use super::*;

fn read(text: &str) -> TopicLine {
    TopicLine::read(text, Layout::Bulleted)
}

fn name(n: &str) -> Person {
    Person::Name(n.into())
}

#[test]
fn every_vote_notation_counts_at_either_end() {
    let cases = [
        ("(5) Scaling our Microservices", 5),
        ("***** Scaling our Microservices", 5),
        ("Scaling our Microservices +1 +1 +1", 3),
        ("Scaling our Microservices ++", 2),
        ("Scaling our Microservices +++++", 5),
        ("(5) ***** Scaling our Microservices", 5),
        ("Scaling our Microservices +1 +1 +1+1", 4),
        ("Scaling our Microservices?+3", 3),
        ("Scaling our Microservices +2", 2),
        ("Scaling our Microservices (2)", 2),
        ("Scaling our Microservices ***", 3),
        ("+1 +1 Scaling our Microservices", 2),
        ("Scaling our Microservices", 0),
    ];
    for (text, votes) in cases {
        let line = read(text);
        assert_eq!(line.votes, votes, "{text}");
        assert!(
            line.title == "Scaling our Microservices" || line.title == "Scaling our Microservices?",
            "{text} → {}",
            line.title
        );
    }
}

#[test]
fn a_leading_number_counts_only_on_pages_without_bullets() {
    let line = TopicLine::read("4 Working group Ownership", Layout::Bare);
    assert_eq!(
        (line.votes, line.title.as_str()),
        (4, "Working group Ownership")
    );
    let line = read("2021 planning");
    assert_eq!((line.votes, line.title.as_str()), (0, "2021 planning"));
}

#[test]
fn groups_mix_intents_proposers_and_qualifiers() {
    let line = read("(4) [Question, Priya] Should we pin tox?");
    assert_eq!(
        (line.votes, line.intents.clone(), line.proposers.clone()),
        (4, vec![Intent::Quest], vec![name("Priya")])
    );
    assert_eq!(line.title, "Should we pin tox?");
    let line = read("**[Ned; opinion poll] Rename master to main");
    assert_eq!((line.votes, line.intents.len()), (2, 0));
    assert_eq!(line.proposers, [name("Ned")]);
    assert_eq!(line.title, "Rename master to main");
    let line = read("+++[quest] [Rob/Hana] Annotations for attributes?");
    assert_eq!(line.votes, 3);
    assert_eq!(line.proposers, [name("Rob"), name("Hana")]);
    let line = read("++[analysis] (Ana B): Split the monolith");
    assert_eq!(
        (line.votes, line.intents.clone(), line.title.as_str()),
        (2, vec![Intent::Analysis], "Split the monolith")
    );
    assert_eq!(line.proposers, [name("Ana B")]);
    let line = read("(Jo) Upgrades before the next release:");
    assert_eq!(line.proposers, [name("Jo")]);
    assert_eq!(line.title, "Upgrades before the next release");
    let line = read("[ideate & vote] Deep topics for next time");
    assert_eq!(line.intents, [Intent::Ideation]);
    assert_eq!(line.title, "Deep topics for next time");
}

#[test]
fn asides_and_words_stay_in_the_title() {
    let link = read("Splitting LMS and Studio (link) +1 +1");
    assert_eq!(link.title, "Splitting LMS and Studio (link)");
    assert_eq!((link.votes, link.proposers.len()), (2, 0));
    let aside = read("Guests (Could also be from the community.)");
    assert_eq!(aside.title, "Guests (Could also be from the community.)");
    assert_eq!(read("[A] Scaling").title, "[A] Scaling");
    assert_eq!(read("[LMS] Splitting").title, "[LMS] Splitting");
    assert_eq!(read("Should we use C++").title, "Should we use C++");
    assert_eq!(read("Should we use C++").votes, 0);
    assert_eq!(read("(again) Scaling").title, "(again) Scaling");
    assert_eq!(
        read("Scaling (omar)").title,
        "Scaling (omar)",
        "a lowercase word in parentheses is an aside"
    );
}

#[test]
fn a_line_that_is_all_decoration_is_its_own_title() {
    let line = read("(Jo)");
    assert_eq!((line.title.as_str(), line.proposers.len()), ("(Jo)", 0));
    let line = read("[quest] (4)");
    assert_eq!(line.title, "(4)");
    assert_eq!(line.intents, [Intent::Quest]);
}

#[test]
fn the_parts_say_what_each_piece_was_read_as() {
    let line = read("***[ideation] (Wen) - Design review in PRs [opinion poll, Kim]");
    let parts: Vec<(&str, &Reading)> = line
        .parts
        .iter()
        .map(|p| (p.text.as_str(), &p.reading))
        .collect();
    assert_eq!(
        parts,
        [
            ("***", &Reading::Votes(3)),
            ("ideation", &Reading::Intent(Intent::Ideation)),
            ("Wen", &Reading::Proposer(name("Wen"))),
            ("-", &Reading::Separator),
            ("Design review in PRs", &Reading::Title),
            ("opinion poll", &Reading::Dropped),
            ("Kim", &Reading::Proposer(name("Kim"))),
        ]
    );
    assert!(line.opens_with_votes_or_intents());
    assert!(!read("(Jo) Upgrades").opens_with_votes_or_intents());
    assert!(read("[quest] Upgrades").opens_with_votes_or_intents());
}
