use jiff::ToSpan;
use proptest::prelude::*;

use super::*;
use crate::desk::{AgentId, QueueId};

fn queues() -> Vec<Queue> {
    ["Facilities", "HR", "Transportation"]
        .iter()
        .enumerate()
        .map(|(i, name)| Queue {
            id: QueueId((i + 1).to_string().into()),
            name: (*name).into(),
            description: Default::default(),
        })
        .collect()
}

fn agents() -> Vec<Agent> {
    vec![Agent {
        id: AgentId("7".into()),
        name: "Priya Shah".into(),
        email: "priya@pvusd.org".into(),
        queues: Vec::new(),
    }]
}

fn now() -> Timestamp {
    "2026-12-01T15:00:00Z".parse().expect("instant")
}

fn resolve(text: &str) -> Result<Query, String> {
    let (queues, agents) = (queues(), agents());
    parse(text).map_err(|e| e.message)?.resolve(&Context {
        queues: &queues,
        agents: &agents,
        now: now(),
        time_zone: &TimeZone::UTC,
    })
}

#[test]
fn words_and_terms_are_read_in_order() {
    let terms =
        parse(r#"printer status:open,pending queue:"Food Services" owner:me"#).expect("parses");
    assert_eq!(
        terms.0,
        vec![
            Term::Word("printer".into()),
            Term::Status(vec![
                StatusWord::Is(StatusKind::Open),
                StatusWord::Is(StatusKind::Pending)
            ]),
            Term::Queue("Food Services".into()),
            Term::Owner(OwnerWord::Me),
        ]
    );
}

#[test]
fn a_mistake_is_located_at_its_value() {
    let text = "bus status:opne";
    let e = parse(text).expect_err("a typo");
    assert_eq!(&text[e.at..], "opne");
    assert!(e.message.contains("say new, open"), "{}", e.message);

    let e = parse("wifi colour:red").expect_err("no such key");
    assert_eq!(e.at, 5);
    assert!(
        e.message.contains("no such term “colour:red”"),
        "{}",
        e.message
    );

    let e = parse(r#"queue:"HR"#).expect_err("open quote");
    assert_eq!(e.at, 6);
    assert_eq!(e.message, "this quote is not closed");

    assert!(parse("updated:<2x").is_err());
    assert!(parse("requester:maria").is_err());
    assert!(parse("field:School").is_err());
    assert!(parse("status:").is_err());
}

#[test]
fn a_word_with_a_colon_that_is_no_key_is_refused_and_a_time_is_a_word() {
    assert_eq!(
        parse("10:30 #42").expect("parses").0,
        vec![Term::Word("10:30".into()), Term::Word("#42".into())]
    );
    assert!(parse("https://example.org").is_err());
    // Quoted, anything is a word.
    assert_eq!(
        parse(r#""status:open""#).expect("parses").0,
        vec![Term::Word("status:open".into())]
    );
}

#[test]
fn names_are_resolved_and_statuses_default_to_active() {
    let q = resolve("queue:trans owner:priya bus 14").expect("resolves");
    assert_eq!(q.queue, Some(QueueId("3".into())));
    assert_eq!(q.owner, OwnerFilter::Agent(AgentId("7".into())));
    assert_eq!(q.text, "bus 14");
    assert_eq!(q.statuses, Query::active().statuses);

    let q = resolve("status:any").expect("resolves");
    assert_eq!(q.statuses, StatusKind::ALL.to_vec());

    let e = resolve("queue:Library").expect_err("no such queue");
    assert!(
        e.contains("no queue “Library”; there are: Facilities"),
        "{e}"
    );
}

#[test]
fn ages_and_dates_become_instants() {
    let q = resolve("updated:<2h created:>3d").expect("resolves");
    assert_eq!(q.updated.after, Some(now() - 2.hours()));
    assert_eq!(q.updated.before, None);
    assert_eq!(
        q.created.before,
        Some(now() - SignedDuration::from_hours(72))
    );

    let q = resolve("status:resolved updated:today").expect("resolves");
    assert_eq!(
        q.updated.after,
        Some("2026-12-01T00:00:00Z".parse().expect("midnight"))
    );

    let q = resolve("created:2026-11-30").expect("resolves");
    assert_eq!(
        q.created,
        TimeRange {
            after: Some("2026-11-30T00:00:00Z".parse().expect("start")),
            before: Some("2026-12-01T00:00:00Z".parse().expect("end")),
        }
    );
    let q = resolve("created:>2026-11-30 created:<2026-11-28").expect("resolves");
    assert!(!q.created.contains(now()));
    assert!(parse("updated:<2h").expect("parses").is_relative());
    assert!(!parse("created:2026-11-30").expect("parses").is_relative());
}

#[test]
fn fields_tags_sla_and_the_rest_are_kept() {
    let q = resolve(
        r#"field:"Employee ID=4411" field:School=Lincoln tag:bus sla:at-risk,breached role:parent channel:sms priority:high,urgent requester:Maria@Example.org"#,
    )
    .expect("resolves");
    assert_eq!(
        q.fields,
        vec![
            ("Employee ID".to_string(), "4411".to_string()),
            ("School".to_string(), "Lincoln".to_string())
        ]
    );
    assert_eq!(q.tags, vec!["bus".to_string()]);
    assert_eq!(q.sla, vec![SlaFilter::AtRisk, SlaFilter::Breached]);
    assert_eq!(q.roles, vec![RequesterRole::Parent]);
    assert_eq!(q.channels, vec![Channel::Sms]);
    assert_eq!(
        q.priorities,
        vec![PriorityLevel::High, PriorityLevel::Urgent]
    );
    assert_eq!(q.requester.as_deref(), Some("Maria@Example.org"));
}

#[test]
fn printed_terms_read_back_the_same() {
    let text = r#"status:resolved,closed queue:"Food Services" owner:"Priya Shah" updated:<1d "two words" say\"what"#;
    let terms = parse(text).expect("parses");
    assert_eq!(parse(&terms.to_string()).expect("again"), terms);
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Spaces, quotes, backslashes, colons, commas, '=' and non-ASCII.
    proptest::string::string_regex(r#"[a-zA-Z0-9 "\\:,=#é\-]{1,12}"#).expect("regex")
}

fn when_strategy() -> impl Strategy<Value = When> {
    let age = (0u32..1000, 0usize..4).prop_map(|(count, unit)| Age {
        count,
        unit: AgeUnit::ALL[unit],
    });
    let date = (2000i16..2100, 1i8..=12, 1i8..=28)
        .prop_map(|(y, m, d)| Date::new(y, m, d).expect("a real day"));
    prop_oneof![
        age.clone().prop_map(When::Newer),
        age.prop_map(When::Older),
        date.clone().prop_map(When::After),
        date.clone().prop_map(When::Before),
        date.prop_map(When::On),
        Just(When::Today),
    ]
}

fn term_strategy() -> impl Strategy<Value = Term> {
    let status = prop_oneof![
        proptest::sample::select(StatusKind::ALL.to_vec()).prop_map(StatusWord::Is),
        Just(StatusWord::Active),
        Just(StatusWord::Any),
    ];
    let named = text_strategy().prop_filter("not a keyword", |n| {
        !["me", "nobody", "none"].contains(&n.to_lowercase().as_str())
    });
    prop_oneof![
        text_strategy()
            .prop_filter("some text", |w| !w.trim().is_empty() || w.contains(' '))
            .prop_map(Term::Word),
        proptest::collection::vec(status, 1..3).prop_map(Term::Status),
        text_strategy().prop_map(Term::Queue),
        prop_oneof![
            Just(OwnerWord::Me),
            Just(OwnerWord::Nobody),
            named.prop_map(OwnerWord::Named)
        ]
        .prop_map(Term::Owner),
        text_strategy().prop_map(|t| Term::Requester(format!("{t}@example.org"))),
        proptest::collection::vec(
            proptest::sample::select(vec![
                RequesterRole::Staff,
                RequesterRole::Student,
                RequesterRole::Parent,
                RequesterRole::Community,
                RequesterRole::Unknown
            ]),
            1..3
        )
        .prop_map(Term::Role),
        proptest::collection::vec(
            proptest::sample::select(vec![Channel::Sms, Channel::Phone, Channel::WalkIn]),
            1..3
        )
        .prop_map(Term::Channel),
        proptest::collection::vec(
            proptest::sample::select(vec![PriorityLevel::Low, PriorityLevel::Urgent]),
            1..3
        )
        .prop_map(Term::Priority),
        text_strategy().prop_map(Term::Tag),
        (
            text_strategy().prop_filter("a name", |n| !n.contains('=') && !n.trim().is_empty()),
            text_strategy()
        )
            .prop_map(|(n, v)| Term::Field(n, v)),
        proptest::collection::vec(proptest::sample::select(SlaFilter::ALL.to_vec()), 1..3)
            .prop_map(Term::Sla),
        when_strategy().prop_map(Term::Created),
        when_strategy().prop_map(Term::Updated),
    ]
}

proptest! {
    #[test]
    fn any_terms_print_as_text_that_parses_back_to_them(
        terms in proptest::collection::vec(term_strategy(), 0..6)
    ) {
        let terms = Terms(terms);
        let text = terms.to_string();
        prop_assert_eq!(parse(&text), Ok(terms), "{}", text);
    }

    #[test]
    fn any_text_is_read_or_refused_without_a_panic(text in "\\PC{0,40}") {
        if let Err(e) = parse(&text) {
            prop_assert!(e.at <= text.len());
            prop_assert!(text.is_char_boundary(e.at));
        }
    }
}
