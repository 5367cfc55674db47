//! The web archive's pages over a larger channel, generated in SQL as `examples/querybench` does
//! (3,000 topics over 40 meetings, their notes, decisions and action items, a challenges log):
//! every page answers with all of it, charts included.

use crate::archive_pages::{open, signed_in};
use crate::support::{CHANNEL, TEAM, spawn_archive_app};

/// Generated topic `i` (1..=3000) is topic number `i + 1` (#1 is proposed first). Topics up to
/// 2840 were discussed in meeting `i % 40`, held `i % 40` weeks before 2026-11-11, with two
/// notes each; every third has a decision and an action item, open when `i` is a multiple of
/// 9 and done a day later otherwise; every fifth is titled "kubernetes upgrade …". The last 160
/// are open on the agenda, each with `1 + i % 5` votes. Created an hour apart up to 2026-11-18.
const GENERATE: [&str; 11] = [
    "insert into meetings (team_id, channel_id, started_by, started_at, ended_at, phase, held_on, title)
     select $1, $2, 'U_ANN', ts, ts + interval '1 hour', 'ended', ts::date, 'Arch Hour'
     from (select timestamptz '2026-11-11 11:00Z' - (j * interval '7 days') as ts
           from generate_series(0, 39) as j) m",
    "insert into topics (team_id, number, channel_id, author_id, intents, title, state, card_ts,
                         created_at, discussed_in)
     select $1, i + 1, $2, 'U_ANN',
            array[(array['inform','ideation','analysis','quest','discuss'])[1 + i % 5]],
            case when i % 5 = 0 then 'kubernetes upgrade number ' || i else 'topic number ' || i end,
            case when i > 2840 then 'open' else 'discussed' end,
            '1600000000.' || lpad(i::text, 6, '0'),
            timestamptz '2026-11-18 09:00Z' - ((3000 - i) * interval '1 hour'),
            case when i > 2840 then null else
                (select id from meetings where channel_id = $2
                 order by held_on desc offset i % 40 limit 1) end
     from generate_series(1, 3000) as i",
    "update workspaces set last_topic_number = (select max(number) from topics) where team_id = $1",
    "insert into meeting_topics (meeting_id, topic_id, position, votes, planned_seconds, started_at, ended_at)
     select discussed_in, id, row_number() over (partition by discussed_in order by id), 3, 600,
            created_at, created_at + interval '10 minutes'
     from topics where channel_id = $2 and state = 'discussed'",
    "insert into vote_tallies (channel_id, message_ts, votes)
     select $2, card_ts, 1 + (number - 1) % 5 from topics
     where channel_id = $2 and state = 'open' and number > 1",
    "insert into notes (channel_id, topic_id, meeting_id, text, author_id, created_at, position)
     select $2, t.id, t.discussed_in, 'note ' || k || ' on ' || t.title, t.author_id,
            t.created_at, k
     from topics t, generate_series(1, 2) as k where t.channel_id = $2 and t.state = 'discussed'",
    "insert into decisions (channel_id, topic_id, meeting_id, text, created_by, created_at)
     select $2, id, discussed_in, 'we decided about ' || title, author_id, created_at
     from topics where channel_id = $2 and state = 'discussed' and (number - 1) % 3 = 0",
    "insert into action_items (team_id, number, channel_id, text, topic_id, meeting_id,
                               created_by, created_at, state, closed_at)
     select $1, row_number() over (order by id), $2, 'follow up on ' || title, id,
            discussed_in, author_id, created_at,
            case when (number - 1) % 9 = 0 then 'open' else 'done' end,
            case when (number - 1) % 9 = 0 then null else created_at + interval '1 day' end
     from topics where channel_id = $2 and state = 'discussed' and (number - 1) % 3 = 0",
    "insert into action_owners (item_id, user_id) select id, 'U_BOB' from action_items",
    "insert into challenge_issues (team_id, number, channel_id, category, title, occurrences,
                                   imported, created_at)
     select $1, i, $2, 'Category ' || (i % 4), 'Issue number ' || i, i, true,
            timestamptz '2026-01-01Z' + i * interval '1 day'
     from generate_series(1, 30) as i",
    "insert into challenge_anecdotes (issue_id, channel_id, text, imported, recorded_at, position)
     select id, $2, 'it happened again ' || k, true, created_at, k
     from challenge_issues, generate_series(1, 3) as k where channel_id = $2",
];

#[tokio::test]
async fn every_page_and_chart_renders_for_a_channel_of_three_thousand_topics() {
    let app = spawn_archive_app().await;
    app.propose("[discuss] Adopt a message queue").await;
    for statement in GENERATE {
        sqlx::query(statement)
            .bind(TEAM)
            .bind(CHANNEL)
            .execute(&app.db)
            .await
            .unwrap_or_else(|error| panic!("{error}: {statement}"));
    }
    let browser = signed_in(&app, "U_ANN").await;

    let (status, page) = open(&browser, &app, "/archive/C_ARCH").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page.matches("<svg role=\"img\"").count(), 3, "three charts");
    // 160 generated open topics and #1.
    assert!(page.contains("The top 100 of 161 open topics."), "{page}");
    assert!(page.contains("The top 15 topic(s) of the agenda"), "{page}");
    assert!(
        page.contains("Topics by intent in each quarter from 2026 Q3 to 2026 Q4."),
        "{page}"
    );
    // 946 items (i = 3, 6, …, 2838), 315 of them open (i = 9, 18, …, 2835).
    assert!(
        page.contains("At the end of 2026-11: 315 open and 631 closed action item(s)."),
        "{page}"
    );
    assert_eq!(page.matches(" · 71 topics</li>").count(), 40, "{page}");

    // The newest meeting: i = 40, 80, …, 2840; those a multiple of 120 have a decision and an
    // item (23), open for multiples of 360 (7).
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/2026-11-11").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page.matches("<svg role=\"img\"").count(),
        2,
        "the votes and the time chart"
    );
    assert!(page.contains("<title>Votes per topic</title>"), "{page}");
    assert!(
        page.contains("71 topic(s): 710 minutes planned, 710 minutes used."),
        "{page}"
    );
    assert_eq!(page.matches("<section>").count(), 71);
    assert_eq!(page.matches("<li>note 1 on ").count(), 71);
    assert_eq!(page.matches("<li>note 2 on ").count(), 71);
    assert_eq!(page.matches("<li>we decided about ").count(), 23);
    assert_eq!(page.matches("class=\"state-open\"").count(), 7);
    assert_eq!(page.matches("class=\"state-done\"").count(), 16);
    assert!(
        page.contains("<li>we decided about kubernetes upgrade number 120</li>"),
        "{page}"
    );

    let (status, markdown) = open(&browser, &app, "/archive/C_ARCH/2026-11-11.md").await;
    assert_eq!(status, 200, "{markdown}");
    assert_eq!(markdown.matches("note 1 on ").count(), 71, "{markdown}");
    assert_eq!(markdown.matches("we decided about ").count(), 23);
    // Each item under its topic, and again under its owner in "Action Items".
    assert_eq!(markdown.matches("follow up on ").count(), 46);

    // Topic #1201 is generated topic 1200: discussed on 2026-11-11, a decision, an item done.
    let (status, page) = open(&browser, &app, "/archive/C_ARCH/topics/1201").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<h1>#1201 kubernetes upgrade number 1200</h1>"));
    assert!(
        page.contains(r#"Discussed on <a href="/archive/C_ARCH/2026-11-11">2026-11-11</a>"#),
        "{page}"
    );
    assert!(page.contains("<li>we decided about kubernetes upgrade number 1200</li>"));
    assert_eq!(page.matches("class=\"state-done\"").count(), 1, "{page}");
    // Its similar earlier topics, ranked and at most ten: the latest before it that share three
    // of its four words ("kubernetes upgrade number": i = 1195, 1190, …, 1150), ahead of the
    // "topic number …" ones sharing one.
    let (_, similar) = page
        .split_once("<h2>Similar earlier topics</h2>")
        .expect("the similar topics");
    let expected: Vec<String> = (0..10)
        .map(|k| {
            let i = 1195 - 5 * k;
            format!("#{} kubernetes upgrade number {i}</a>", i + 1)
        })
        .collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    crate::support::assert_in_order(similar, &expected);
    assert_eq!(similar.matches("/topics/").count(), 10, "{similar}");

    let (status, page) = open(&browser, &app, "/archive/C_ARCH/search?q=kubernetes").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page.matches(r#"href="/archive/C_ARCH/topics/"#).count(),
        10,
        "{page}"
    );

    let (status, page) = open(
        &browser,
        &app,
        "/archive/C_ARCH/challenges?sort=occurrences&dir=desc",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page.matches("<td>Issue number ").count(), 30);
    crate::support::assert_in_order(
        &page,
        &["Issue number 30<", "Issue number 29<", "Issue number 1<"],
    );

    let (status, page) = open(&browser, &app, "/archive").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("161 open topics · next meeting"), "{page}");
}
