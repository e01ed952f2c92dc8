use super::*;
use crate::text::SafeText;

fn at(minutes: i64) -> Timestamp {
    Timestamp::from_second(1_770_000_000 + minutes * 60).expect("a time")
}

fn ticket(id: u32, minutes: i64, subject: &str) -> TicketSummary {
    let mut t = TicketSummary::example();
    t.id = TicketId(id.to_string().into());
    t.subject = SafeText::line(subject);
    t.created = at(minutes);
    t
}

/// The morning of the late bus, a Wi-Fi outage at one school, and the
/// ordinary tickets around them.
fn morning() -> Vec<TicketSummary> {
    vec![
        ticket(1, 0, "Bus 24 is late this morning"),
        ticket(2, 3, "bus 24 late again"),
        ticket(3, 5, "Is bus 24 running late?"),
        ticket(4, 9, "Bus 24 late - my son is waiting"),
        ticket(5, 12, "Where is bus 24? Late"),
        ticket(6, 4, "Bus 31 is late this morning"),
        ticket(7, 6, "Wi-Fi down at Lincoln Elementary"),
        ticket(8, 8, "wifi down at Lincoln Elementary library"),
        ticket(9, 10, "Lincoln Elementary Wi-Fi down"),
        ticket(10, 7, "Password reset for my account"),
        ticket(11, 300, "Bus 24 is late this morning"),
        ticket(12, 2, "Lunch balance question"),
    ]
}

/// The tickets grouped, each numbered by its place in `tickets`.
fn grouped(tickets: &[TicketSummary]) -> Floods {
    let mut floods = Floods::new(Thresholds::default());
    for (n, t) in tickets.iter().enumerate() {
        floods.add(n as u32, t);
    }
    floods
}

/// Every ticket numbered as in [`grouped`], still held.
fn all<'a>(tickets: &'a [TicketSummary]) -> impl Fn(u32) -> Option<&'a TicketId> {
    move |n| tickets.get(n as usize).map(|t| &t.id)
}

fn groups(tickets: &[TicketSummary]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = grouped(tickets)
        .floods(all(tickets))
        .into_iter()
        .map(|f| {
            let mut ids: Vec<String> = f.tickets.into_iter().map(|id| id.0.to_string()).collect();
            ids.sort();
            ids
        })
        .collect();
    out.sort();
    out
}

#[test]
fn tickets_saying_the_same_thing_together_are_one_flood() {
    let found = groups(&morning());
    assert_eq!(
        found,
        [vec!["1", "2", "3", "4", "5"], vec!["7", "8", "9"],],
        "bus 31 is another bus; five hours later is another morning"
    );
}

#[test]
fn the_groups_are_the_same_whatever_order_tickets_arrive_in() {
    let tickets = morning();
    let want = groups(&tickets);
    let mut seed: u64 = 7;
    for _ in 0..50 {
        let mut shuffled = tickets.clone();
        for i in (1..shuffled.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            shuffled.swap(i, (seed >> 33) as usize % (i + 1));
        }
        assert_eq!(groups(&shuffled), want);
    }
}

#[test]
fn made_in_the_same_second_the_later_id_is_the_newest() {
    // As a desk lists them: newest id first.
    let tickets: Vec<_> = [12, 11, 10]
        .into_iter()
        .map(|id| ticket(id, 0, "Bus 24 is late"))
        .collect();
    let found = grouped(&tickets).floods(all(&tickets));
    assert_eq!(found[0].tickets[0].0, "12");
}

#[test]
fn identifiers_keep_their_numbers_and_other_numbers_go() {
    let w = words("Bus 24 late at 7:45, room 12 too");
    assert!(
        w.contains("bus 24") && w.contains("room 12") && w.contains("late"),
        "{w:?}"
    );
    assert!(
        !w.iter().any(|x| x == "7" || x == "45" || x == "at"),
        "{w:?}"
    );
}

#[test]
fn a_flood_lists_its_newest_first_and_only_tickets_still_held() {
    let tickets = morning();
    let mut floods = grouped(&tickets);
    let found = floods.floods(all(&tickets));
    assert_eq!(found[0].tickets[0].0, "5", "the newest first");
    assert_eq!(floods.flood_of(1), Some(0), "bus 24, ticket 2");
    // Answered and gone, two of the Wi-Fi three leave too few.
    let held = |n: u32| all(&tickets)(n).filter(|id| id.0 != "8" && id.0 != "9");
    let left = floods.floods(held);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(
        floods.flood_of(6),
        None,
        "Wi-Fi, ticket 7: no longer a flood"
    );
}

#[test]
fn numbers_that_have_not_arrived_are_no_flood_and_join_one_when_they_come() {
    // Numbers 0, 5 and 9: the ones between have not arrived yet.
    let late = [
        (0, ticket(1, 0, "Bus 24 is late")),
        (5, ticket(2, 2, "bus 24 late")),
        (9, ticket(3, 4, "Bus 24 late again")),
    ];
    let mut floods = Floods::new(Thresholds::default());
    for (n, t) in &late {
        floods.add(*n, t);
    }
    let live = |n: u32| late.iter().find(|(m, _)| *m == n).map(|(_, t)| &t.id);
    let found = floods.floods(live);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].tickets.len(), 3, "only the three that came");
    assert_eq!(floods.flood_of(3), None, "a number not arrived is in none");
    // One of the gap arrives, saying the same thing: it joins.
    let fourth = ticket(4, 6, "Where is bus 24? Late");
    floods.add(3, &fourth);
    let live = |n: u32| {
        late.iter()
            .find(|(m, _)| *m == n)
            .map(|(_, t)| &t.id)
            .or((n == 3).then_some(&fourth.id))
    };
    let found = floods.floods(live);
    assert_eq!(found[0].tickets.len(), 4, "{found:?}");
    assert_eq!(floods.flood_of(3), Some(0));
}
