//! Properties of the SLA arithmetic that must hold for any instants, targets
//! and pauses, on a business calendar with a DST change and holidays.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use deskterm::sla::calendar::{Calendar, parse_interval};

fn business() -> Calendar {
    let hours = vec![
        parse_interval("08:00-12:00").unwrap(),
        parse_interval("13:00-17:00").unwrap(),
    ];
    let week = std::array::from_fn(|i| if i < 5 { hours.clone() } else { Vec::new() });
    let holidays: BTreeSet<Date> = [
        Date::new(2026, 3, 10).unwrap(),
        Date::new(2026, 11, 26).unwrap(),
    ]
    .into();
    Calendar::new(
        "test",
        TimeZone::get("America/Los_Angeles").unwrap(),
        week,
        holidays,
    )
    .unwrap()
}

/// Instants across 2026, both DST changes included.
fn instant() -> impl Strategy<Value = Timestamp> {
    (1_767_225_600i64..1_798_761_600).prop_map(|s| Timestamp::from_second(s).unwrap())
}

fn target() -> impl Strategy<Value = SignedDuration> {
    (1i64..200 * 60).prop_map(SignedDuration::from_mins)
}

/// Sorted, disjoint pauses after `start`.
fn pauses(start: Timestamp) -> impl Strategy<Value = Vec<(Timestamp, Timestamp)>> {
    proptest::collection::vec((0i64..30 * 86_400, 60i64..3 * 86_400), 0..4).prop_map(move |raw| {
        let mut cursor = start;
        raw.into_iter()
            .map(|(gap, length)| {
                let from = cursor + SignedDuration::from_secs(gap);
                let to = from + SignedDuration::from_secs(length);
                cursor = to;
                (from, to)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_pause_never_makes_a_deadline_earlier(
        (start, stops) in instant().prop_flat_map(|s| (Just(s), pauses(s))),
        amount in target(),
    ) {
        for cal in [business(), Calendar::always()] {
            let without = cal.add(start, amount, &[]);
            let with = cal.add(start, amount, &stops);
            prop_assert!(with >= without, "{with} before {without}");
        }
    }

    #[test]
    fn a_deadline_is_never_before_its_start(
        (start, stops) in instant().prop_flat_map(|s| (Just(s), pauses(s))),
        amount in target(),
    ) {
        for cal in [business(), Calendar::always()] {
            prop_assert!(cal.add(start, amount, &stops) >= start);
        }
    }

    #[test]
    fn time_left_never_grows_while_a_clock_runs(
        start in instant(),
        amount in target(),
        a in 0i64..40 * 86_400,
        b in 0i64..40 * 86_400,
    ) {
        let cal = business();
        let due = cal.add(start, amount, &[]);
        let (early, late) = (a.min(b), a.max(b));
        let now1 = start + SignedDuration::from_secs(early);
        let now2 = start + SignedDuration::from_secs(late);
        prop_assume!(now2 <= due);
        prop_assert!(cal.between(now2, due) <= cal.between(now1, due));
    }

    /// The recount trusts a level until `level_until`: it must not change
    /// before then, on a business calendar or around the clock.
    #[test]
    fn a_level_holds_until_it_says(
        start in instant(),
        amount in target(),
        look in 0i64..5 * 86_400,
        at in 0.0f64..1.0,
        business_hours in any::<bool>(),
    ) {
        use std::sync::Arc;
        use deskterm::sla::{ClockKind, SlaClock, SlaClocks, Stage, Thresholds};
        let cal = if business_hours { business() } else { Calendar::always() };
        let clock = SlaClock::new(ClockKind::Resolution, cal.add(start, amount, &[]), Some(amount), Stage::Active).counting(Some(Arc::new(cal)));
        let clocks = SlaClocks { clocks: vec![clock], policy: None, starts: None };
        let thresholds = Thresholds::default();
        let now = start + SignedDuration::from_secs(look);
        let (level, until) = clocks.level_until(now, &thresholds);
        prop_assert_eq!(level, clocks.level(now, &thresholds));
        prop_assert!(until >= now);
        if until < Timestamp::MAX {
            // Any instant between now and then reads the same level.
            let between = now + SignedDuration::from_secs_f64(now.duration_until(until).as_secs_f64() * at);
            prop_assert_eq!(clocks.level(between, &thresholds), level, "until {}", until);
        }
    }

    #[test]
    fn business_time_adds_up_across_any_split(a in instant(), b in instant(), c in instant()) {
        let mut points = [a, b, c];
        points.sort();
        let [a, b, c] = points;
        let cal = business();
        prop_assert_eq!(cal.between(a, c), cal.between(a, b) + cal.between(b, c));
    }

    #[test]
    fn adding_what_lies_between_comes_back(start in instant(), amount in target()) {
        let cal = business();
        let due = cal.add(start, amount, &[]);
        prop_assert_eq!(cal.between(start, due), amount);
    }
}
