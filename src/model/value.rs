//! Value types shared by every record kind: dates, money, percentages, star ratings.
//!
//! They parse from the raw YAML scalar text, never through `f64`, so that money stays
//! exact and a date like `2023-02-30` is an error at its own line and column.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A value with the line and column it was read from.
///
/// Reads through serde-saphyr's `Spanned`, keeping only where the value is used (not
/// where an alias defined it), and serializes as the bare value, so JSON output and
/// JSON Schemas see plain values.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where the value stands in its file.
    pub referenced: serde_saphyr::Location,
}

/// An empty value, for fields that may be left out; it stands nowhere in its file.
impl<T: Default> Default for Sp<T> {
    fn default() -> Self {
        Sp {
            value: T::default(),
            referenced: serde_saphyr::Location::UNKNOWN,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Sp {
            value: spanned.value,
            referenced: spanned.referenced,
        })
    }
}

impl<T: Serialize> Serialize for Sp<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<T>()
    }
}

/// A calendar date written as ISO 8601 `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, or `None` when the day does not exist.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        Date::new(
            digits(0..4)? as i32,
            digits(5..7)? as u8,
            digits(8..10)? as u8,
        )
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Days since 1970-01-01, for differences between dates.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later (earlier when negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// Number of days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "ISO 8601 date, YYYY-MM-DD",
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = deserializer.deserialize_str(ScalarText("a date written as YYYY-MM-DD"))?;
        Date::parse(&text).ok_or_else(|| de::Error::custom(format!("{NOT_A_DATE}{text}")))
    }
}

/// Starts the parser error of a value that is not a date, followed by the value: the
/// YAML stage words it for the editor ([`crate::yaml`]).
pub const NOT_A_DATE: &str = "\u{0}not-a-date\u{0}";

/// Starts the parser error of a value that is not an amount of money.
pub const NOT_MONEY: &str = "\u{0}not-money\u{0}";

/// An amount of money in yuan, kept exactly as integer fen (0.01 yuan).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money {
    fen: i64,
}

impl Money {
    /// Money from an integer number of fen.
    pub fn from_fen(fen: i64) -> Money {
        Money { fen }
    }

    /// The amount in fen.
    pub fn fen(self) -> i64 {
        self.fen
    }

    /// Parses a non-negative amount in yuan with at most two decimals, e.g. `1234.5`.
    pub fn parse(text: &str) -> Option<Money> {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 15 || frac.len() > 2 || !all_digits(whole) {
            return None;
        }
        if !all_digits(frac) || (text.contains('.') && frac.is_empty()) {
            return None;
        }
        let yuan: i64 = whole.parse().ok()?;
        let fen_part: i64 = format!("{frac:0<2}").parse().ok()?;
        Some(Money {
            fen: yuan * 100 + fen_part,
        })
    }

    /// The amount in yuan as a float, for charts and JSON numbers only.
    pub fn yuan_f64(self) -> f64 {
        self.fen as f64 / 100.0
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money {
            fen: self.fen.saturating_add(other.fen),
        }
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::default(), |a, b| a + b)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.fen / 100, self.fen % 100)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Money".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["number", "string"],
            "minimum": 0,
            "pattern": "^[0-9]{1,15}(\\.[0-9]{1,2})?$",
            "description": "amount in yuan, at most two decimals, no separators",
        })
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.yuan_f64())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = deserializer.deserialize_str(ScalarText("an amount in yuan"))?;
        Money::parse(text.trim()).ok_or_else(|| de::Error::custom(format!("{NOT_MONEY}{text}")))
    }
}

/// A percentage. Its range (0 to 100) is checked by validation, so that every
/// out-of-range value in a file is reported, not just the first.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Percent(pub f64);

impl Percent {
    /// Whether the value lies within 0 to 100.
    pub fn in_range(self) -> bool {
        (0.0..=100.0).contains(&self.0)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ratios are shown with at most one decimal, without a trailing ".0".
        let rounded = (self.0 * 10.0).round() / 10.0;
        if rounded.fract() == 0.0 {
            write!(f, "{rounded:.0}")
        } else {
            write!(f, "{rounded:.1}")
        }
    }
}

keyed! {
    /// A green building rating (GB/T 50378-2019) or a green-material certificate grade.
    pub enum Stars {
        /// 基本级: meets the basic requirements only.
        Basic = "basic",
        /// 一星级.
        OneStar = "one-star",
        /// 二星级.
        TwoStar = "two-star",
        /// 三星级.
        ThreeStar = "three-star",
    }
}

impl Stars {
    /// Number of stars, 0 for basic.
    pub fn count(self) -> u8 {
        self as u8
    }
}

/// Reads a scalar's text whatever its YAML type, so that the value types above parse
/// the characters the editor wrote.
struct ScalarText(&'static str);

impl Visitor<'_> for ScalarText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_reject_impossible_days() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-4-3").is_none());
        assert!(Date::parse("２０２３-04-03").is_none());
        let a = Date::parse("2023-01-01").unwrap();
        let b = Date::parse("2024-01-01").unwrap();
        assert_eq!(a.days_until(b), 365);
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        for text in ["2024-02-29", "2000-03-01", "1999-12-31", "2026-11-25"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
        }
        assert_eq!(a.plus_days(365), b);
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(Money::parse("1234.5").unwrap().fen(), 123_450);
        assert_eq!(Money::parse("0.07").unwrap().fen(), 7);
        assert_eq!(Money::parse("12").unwrap().to_string(), "12.00");
        for bad in ["", "1.234", "-5", "1,000", "1e6", "1.", ".5", "abc"] {
            assert!(Money::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn percent_display_drops_trailing_zero() {
        assert_eq!(Percent(40.0).to_string(), "40");
        assert_eq!(Percent(62.55).to_string(), "62.6");
    }
}
