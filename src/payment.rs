//! The municipality's payment responsibility (betalningsansvar) for a patient
//! who stays in hospital after being utskrivningsklar.
//!
//! This module owns the arithmetic of Lag (2017:612) 5 kap. 4 § as
//! configuration: the day responsibility starts, the days that count, and the
//! amount from a per-year table of daily rates. It works on local
//! (Europe/Stockholm) calendar dates and times that the caller has already
//! resolved; it does not decide which call is the valid utskrivningsklar
//! notice, whether the conditions of 5:3 and 5:5 hold, or where rates come
//! from, and it never makes up a rate for a year that has none.

use std::collections::BTreeMap;

use jiff::Span;
use jiff::civil::{Date, DateTime, Time};

/// The parameters of the payment rule. The law is the default
/// ([`PaymentRule::statutory`]); region and municipalities may agree on others
/// (4 kap. 5 §).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRule {
    /// Calendar days from the utskrivningsklar call to the first day of
    /// responsibility when the call is not after the cut-off.
    pub grace_days: i32,
    /// Local clock time after which a call counts as "after 12.00" and
    /// responsibility starts one day later.
    pub cutoff: Time,
    /// `true`: a call exactly at the cut-off counts as after it.
    pub cutoff_inclusive: bool,
    /// `true`: the discharge day (or the as-of day) is itself a day of
    /// responsibility.
    pub count_discharge_day: bool,
    /// Daily rates, one per year. Each day is charged at its own year's rate.
    pub rates: Vec<Rate>,
}

/// The daily rate for one year, as set by Socialstyrelsen, with where it comes
/// from so that reports can cite it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub year: i16,
    /// Kronor per day.
    pub amount_sek: u64,
    /// The regulation the figure is taken from (HSLF-FS …).
    pub source: String,
}

/// The amount for a set of days, broken down by year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount {
    /// Sum of the subtotals. Days in a year without a rate add nothing, so
    /// when [`years_without_rate`](Self::years_without_rate) is not empty this
    /// is a lower bound, not the amount owed.
    pub total_sek: u64,
    /// One entry per year that has counted days, in year order.
    pub per_year: Vec<YearAmount>,
    /// Years that have counted days but no rate, in order.
    pub years_without_rate: Vec<i16>,
}

impl Amount {
    /// Whether every counted day had a rate, so that
    /// [`total_sek`](Self::total_sek) is the whole amount.
    pub fn is_complete(&self) -> bool {
        self.years_without_rate.is_empty()
    }
}

/// The counted days of one year and what they cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearAmount {
    pub year: i16,
    /// Number of counted days in this year.
    pub days: u32,
    /// The year's daily rate, or `None` when the rule has no rate for it.
    pub rate_sek: Option<u64>,
    /// `days × rate`, or 0 when there is no rate.
    pub subtotal_sek: u64,
    /// Where the rate comes from, or `None` when there is no rate.
    pub source: Option<String>,
}

impl PaymentRule {
    /// The rule of Lag (2017:612) 5 kap. 4 §: responsibility starts three
    /// calendar days after the utskrivningsklar call, four if the call was
    /// after 12.00; a call at exactly 12:00 is not after; the discharge day is
    /// not counted.
    pub fn statutory(rates: Vec<Rate>) -> Self {
        PaymentRule {
            grace_days: 3,
            cutoff: Time::constant(12, 0, 0, 0),
            cutoff_inclusive: false,
            count_discharge_day: false,
            rates,
        }
    }

    /// Whether a call at this local clock time counts as after the cut-off.
    pub fn is_after_cutoff(&self, call_time: Time) -> bool {
        call_time > self.cutoff || (self.cutoff_inclusive && call_time == self.cutoff)
    }

    /// The first day of responsibility for an utskrivningsklar call made at
    /// this local (Europe/Stockholm) date and time: the call's date plus
    /// `grace_days`, plus one more if the call was after the cut-off. Weekends
    /// and holidays count like any other day.
    ///
    /// Never fails: at the ends of the calendar (year ±9999) the date is
    /// clamped.
    pub fn start_date(&self, ready_call_local: DateTime) -> Date {
        let extra = i64::from(self.is_after_cutoff(ready_call_local.time()));
        add_days(ready_call_local.date(), i64::from(self.grace_days) + extra)
    }

    /// The days of responsibility from `start` up to `end` (the discharge date,
    /// or the as-of date for a patient still in hospital): `end` itself only
    /// when `count_discharge_day` is set. Empty when `end` is before `start`
    /// (and when they are equal and the discharge day is not counted).
    pub fn counted_days(&self, start: Date, end: Date) -> Vec<Date> {
        let mut days = Vec::new();
        let mut day = start;
        while day < end || (self.count_discharge_day && day == end) {
            days.push(day);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        days
    }

    /// The rate for a year, if the rule has one (the first, should a year be
    /// listed twice).
    pub fn rate_for(&self, year: i16) -> Option<&Rate> {
        self.rates.iter().find(|rate| rate.year == year)
    }

    /// What the given days cost, each day at its own year's rate.
    ///
    /// Does not fail on a missing rate: that year's days are reported with no
    /// rate and a zero subtotal, and the year is listed in
    /// [`Amount::years_without_rate`]. A day listed twice is charged twice.
    /// Sums saturate at `u64::MAX` rather than overflow.
    pub fn amount(&self, days: &[Date]) -> Amount {
        let mut per_year_days: BTreeMap<i16, u32> = BTreeMap::new();
        for day in days {
            *per_year_days.entry(day.year()).or_default() += 1;
        }
        let mut amount = Amount {
            total_sek: 0,
            per_year: Vec::new(),
            years_without_rate: Vec::new(),
        };
        for (year, count) in per_year_days {
            let rate = self.rate_for(year);
            let subtotal_sek =
                rate.map_or(0, |rate| rate.amount_sek.saturating_mul(u64::from(count)));
            if rate.is_none() {
                amount.years_without_rate.push(year);
            }
            amount.total_sek = amount.total_sek.saturating_add(subtotal_sek);
            amount.per_year.push(YearAmount {
                year,
                days: count,
                rate_sek: rate.map(|rate| rate.amount_sek),
                subtotal_sek,
                source: rate.map(|rate| rate.source.clone()),
            });
        }
        amount
    }
}

/// `date` plus `days` calendar days, clamped to the supported calendar.
fn add_days(date: Date, days: i64) -> Date {
    let clamp = || if days < 0 { Date::MIN } else { Date::MAX };
    match Span::new().try_days(days) {
        Ok(span) => date.checked_add(span).unwrap_or_else(|_| clamp()),
        Err(_) => clamp(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date, time};

    fn at(day: Date, hour: i8, minute: i8) -> DateTime {
        day.to_datetime(time(hour, minute, 0, 0))
    }

    /// Made-up rates, so the sums are easy to check by eye. Real rates come
    /// from configuration.
    fn rates() -> Vec<Rate> {
        vec![
            Rate {
                year: 2024,
                amount_sek: 1_000,
                source: "testbelopp 2024".to_owned(),
            },
            Rate {
                year: 2025,
                amount_sek: 2_000,
                source: "testbelopp 2025".to_owned(),
            },
        ]
    }

    fn statutory() -> PaymentRule {
        PaymentRule::statutory(rates())
    }

    #[test]
    fn statutory_rule_follows_the_law() {
        let rule = statutory();
        assert_eq!(rule.grace_days, 3);
        assert_eq!(rule.cutoff, time(12, 0, 0, 0));
        assert!(!rule.cutoff_inclusive);
        assert!(!rule.count_discharge_day);
        assert_eq!(rule.rates, rates());
    }

    #[test]
    fn call_before_noon_starts_three_days_later() {
        // Worked example: Mon 2025-03-03 10:15 → Thu 2025-03-06.
        let call = at(date(2025, 3, 3), 10, 15);
        assert_eq!(call.date().weekday(), Weekday::Monday);
        let start = statutory().start_date(call);
        assert_eq!(start, date(2025, 3, 6));
        assert_eq!(start.weekday(), Weekday::Thursday);
    }

    #[test]
    fn call_after_noon_starts_four_days_later() {
        // Worked example: Mon 2025-03-03 13:40 → Fri 2025-03-07.
        let start = statutory().start_date(at(date(2025, 3, 3), 13, 40));
        assert_eq!(start, date(2025, 3, 7));
        assert_eq!(start.weekday(), Weekday::Friday);
    }

    #[test]
    fn weekends_count_as_days() {
        // Worked example: Fri 2025-12-19 11:00 → Mon 2025-12-22.
        let call = at(date(2025, 12, 19), 11, 0);
        assert_eq!(call.date().weekday(), Weekday::Friday);
        let start = statutory().start_date(call);
        assert_eq!(start, date(2025, 12, 22));
        assert_eq!(start.weekday(), Weekday::Monday);
    }

    #[test]
    fn leap_day_counts_as_a_day() {
        // Worked example: Mon 2024-02-26 09:00 → Thu 2024-02-29.
        let call = at(date(2024, 2, 26), 9, 0);
        assert_eq!(call.date().weekday(), Weekday::Monday);
        let start = statutory().start_date(call);
        assert_eq!(start, date(2024, 2, 29));
        assert_eq!(start.weekday(), Weekday::Thursday);
    }

    #[test]
    fn call_exactly_at_noon_is_not_after_by_default() {
        let rule = statutory();
        assert!(!rule.is_after_cutoff(time(12, 0, 0, 0)));
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 12, 0)),
            date(2025, 3, 6)
        );
    }

    #[test]
    fn call_exactly_at_noon_is_after_when_cutoff_is_inclusive() {
        let rule = PaymentRule {
            cutoff_inclusive: true,
            ..statutory()
        };
        assert!(rule.is_after_cutoff(time(12, 0, 0, 0)));
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 12, 0)),
            date(2025, 3, 7)
        );
        // The minute before is still before.
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 11, 59)),
            date(2025, 3, 6)
        );
    }

    #[test]
    fn one_minute_either_side_of_noon() {
        let rule = statutory();
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 11, 59)),
            date(2025, 3, 6)
        );
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 12, 1)),
            date(2025, 3, 7)
        );
    }

    #[test]
    fn calls_at_either_end_of_the_day() {
        let rule = statutory();
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 23, 59)),
            date(2025, 3, 7)
        );
        assert_eq!(
            rule.start_date(at(date(2025, 3, 4), 0, 1)),
            date(2025, 3, 7)
        );
        assert_eq!(
            rule.start_date(at(date(2025, 3, 4), 0, 0)),
            date(2025, 3, 7)
        );
    }

    #[test]
    fn late_evening_call_moved_to_next_morning_gives_the_same_start() {
        // Judged ready Mon 23:00 during an outage and phoned Tue 07:00, when
        // municipalities answer again. The call time counts: Tue 07:00 is
        // before noon (+3) and gives Fri, the same day as a Mon 23:00 notice
        // (after noon, +4) would have given.
        let rule = statutory();
        let phoned = rule.start_date(at(date(2025, 3, 4), 7, 0));
        assert_eq!(phoned, rule.start_date(at(date(2025, 3, 3), 23, 0)));
        assert_eq!(phoned, date(2025, 3, 7));
    }

    #[test]
    fn start_follows_configured_grace_days_and_cutoff() {
        let rule = PaymentRule {
            grace_days: 5,
            cutoff: time(15, 0, 0, 0),
            ..statutory()
        };
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 13, 40)),
            date(2025, 3, 8)
        );
        assert_eq!(
            rule.start_date(at(date(2025, 3, 3), 15, 1)),
            date(2025, 3, 9)
        );
    }

    #[test]
    fn start_is_clamped_at_the_end_of_the_calendar() {
        let rule = PaymentRule {
            grace_days: i32::MAX,
            ..statutory()
        };
        assert_eq!(rule.start_date(at(date(2025, 3, 3), 10, 0)), Date::MAX);
        assert_eq!(
            statutory().start_date(at(date(9999, 12, 30), 13, 0)),
            Date::MAX
        );
    }

    #[test]
    fn counts_days_up_to_but_not_including_discharge_by_default() {
        let days = statutory().counted_days(date(2025, 3, 6), date(2025, 3, 10));
        assert_eq!(
            days,
            vec![
                date(2025, 3, 6),
                date(2025, 3, 7),
                date(2025, 3, 8),
                date(2025, 3, 9)
            ]
        );
    }

    #[test]
    fn counts_the_discharge_day_when_configured() {
        let rule = PaymentRule {
            count_discharge_day: true,
            ..statutory()
        };
        let days = rule.counted_days(date(2025, 3, 6), date(2025, 3, 10));
        assert_eq!(days.len(), 5);
        assert_eq!(days.last(), Some(&date(2025, 3, 10)));
    }

    #[test]
    fn discharge_on_the_start_day() {
        assert!(
            statutory()
                .counted_days(date(2025, 3, 6), date(2025, 3, 6))
                .is_empty()
        );
        let counting = PaymentRule {
            count_discharge_day: true,
            ..statutory()
        };
        assert_eq!(
            counting.counted_days(date(2025, 3, 6), date(2025, 3, 6)),
            vec![date(2025, 3, 6)]
        );
    }

    #[test]
    fn discharge_before_start_gives_no_days() {
        for count_discharge_day in [false, true] {
            let rule = PaymentRule {
                count_discharge_day,
                ..statutory()
            };
            let days = rule.counted_days(date(2025, 3, 6), date(2025, 3, 5));
            assert!(
                days.is_empty(),
                "count_discharge_day = {count_discharge_day}"
            );
            let amount = rule.amount(&days);
            assert_eq!(amount.total_sek, 0);
            assert!(amount.per_year.is_empty());
            assert!(amount.is_complete());
        }
    }

    #[test]
    fn counts_the_leap_day() {
        let days = statutory().counted_days(date(2024, 2, 28), date(2024, 3, 2));
        assert_eq!(
            days,
            vec![date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
        );
    }

    #[test]
    fn each_day_across_new_year_uses_its_own_years_rate() {
        let rule = statutory();
        let days = rule.counted_days(date(2024, 12, 30), date(2025, 1, 3));
        assert_eq!(days.len(), 4);
        let amount = rule.amount(&days);
        assert_eq!(
            amount,
            Amount {
                total_sek: 2 * 1_000 + 2 * 2_000,
                per_year: vec![
                    YearAmount {
                        year: 2024,
                        days: 2,
                        rate_sek: Some(1_000),
                        subtotal_sek: 2_000,
                        source: Some("testbelopp 2024".to_owned()),
                    },
                    YearAmount {
                        year: 2025,
                        days: 2,
                        rate_sek: Some(2_000),
                        subtotal_sek: 4_000,
                        source: Some("testbelopp 2025".to_owned()),
                    },
                ],
                years_without_rate: vec![],
            }
        );
        assert!(amount.is_complete());
    }

    #[test]
    fn flags_a_year_without_a_rate_instead_of_guessing() {
        let rule = statutory();
        let days = rule.counted_days(date(2025, 12, 30), date(2026, 1, 4));
        let amount = rule.amount(&days);
        assert_eq!(amount.total_sek, 2 * 2_000);
        assert_eq!(amount.years_without_rate, vec![2026]);
        assert!(!amount.is_complete());
        assert_eq!(
            amount.per_year[1],
            YearAmount {
                year: 2026,
                days: 3,
                rate_sek: None,
                subtotal_sek: 0,
                source: None,
            }
        );
    }

    #[test]
    fn no_rates_at_all_flags_every_year() {
        let rule = PaymentRule::statutory(vec![]);
        let days = rule.counted_days(date(2024, 12, 31), date(2025, 1, 2));
        let amount = rule.amount(&days);
        assert_eq!(amount.total_sek, 0);
        assert_eq!(amount.years_without_rate, vec![2024, 2025]);
    }

    #[test]
    fn amount_of_no_days_is_zero() {
        let amount = statutory().amount(&[]);
        assert_eq!(amount.total_sek, 0);
        assert!(amount.per_year.is_empty());
        assert!(amount.is_complete());
    }

    #[test]
    fn amount_does_not_depend_on_day_order() {
        let rule = statutory();
        let mut days = rule.counted_days(date(2024, 12, 30), date(2025, 1, 3));
        let in_order = rule.amount(&days);
        days.reverse();
        assert_eq!(rule.amount(&days), in_order);
    }

    #[test]
    fn whole_stay_from_call_to_discharge() {
        // Ready Mon 2025-03-03 13:40, discharged Tue 2025-03-11: responsibility
        // Fri 7th to Mon 10th, four days at 2 000 kr.
        let rule = statutory();
        let start = rule.start_date(at(date(2025, 3, 3), 13, 40));
        let days = rule.counted_days(start, date(2025, 3, 11));
        assert_eq!(days.len(), 4);
        assert_eq!(rule.amount(&days).total_sek, 8_000);
    }

    #[test]
    fn rate_for_finds_the_first_entry_for_a_year() {
        let mut rule = statutory();
        rule.rates.push(Rate {
            year: 2025,
            amount_sek: 9,
            source: "dubblett".to_owned(),
        });
        assert_eq!(rule.rate_for(2025).map(|rate| rate.amount_sek), Some(2_000));
        assert_eq!(rule.rate_for(2023), None);
    }
}
