//! Numbers as readers take them in: money in 元, 万元 or 亿元 with the exact amount
//! beside it, and quantities without trailing zeros. Downloads never use these: they
//! carry the exact yuan.

use serde::Serialize;

use crate::model::Money;
use crate::render::strings::Strings;

/// An amount of money for a page: a short figure in the unit a Chinese reader expects
/// (`288.69` 万元), and the exact amount in 元 for the title, the table or a sort.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Amount {
    /// The figure in [`Amount::unit`], two decimals, thousands separated.
    pub(crate) short: String,
    /// The key of the unit under `units` in the theme strings.
    pub(crate) unit: &'static str,
    /// The exact amount in 元, thousands separated: `2,886,914.37`.
    pub(crate) exact: String,
    /// The exact amount in 元 for machines (`<data value>`, sorting): `2886914.37`.
    pub(super) yuan: String,
}

/// Fen in one 万元 and in one 亿元.
const WAN_FEN: i64 = 10_000 * 100;
const YI_FEN: i64 = 10_000 * WAN_FEN;

/// The unit keys [`money`] gives, each a string under `units` in the theme.
pub(super) const MONEY_UNITS: [&str; 3] = ["yuan", "wan_yuan", "yi_yuan"];

/// An amount in 元 below 1 万元, in 万元 below 1 亿元, else in 亿元; rounded half up to
/// two decimals of its unit, so a figure that rounds up to the next unit's one
/// (9,999.995 万元) is shown in that unit (1.00 亿元).
pub(crate) fn money(amount: Money) -> Amount {
    let fen = amount.fen().max(0);
    let (hundredths, unit) = if fen < WAN_FEN {
        (fen, "yuan")
    } else {
        let wan = rounded(fen, WAN_FEN / 100);
        if wan < 10_000 * 100 {
            (wan, "wan_yuan")
        } else {
            (rounded(fen, YI_FEN / 100), "yi_yuan")
        }
    };
    Amount {
        short: grouped(hundredths),
        unit,
        exact: grouped(fen),
        yuan: amount.to_string(),
    }
}

impl Amount {
    /// The short figure with its unit, for sentences: `288.69万元`.
    pub(crate) fn text(&self, strings: &Strings) -> String {
        format!("{}{}", self.short, strings.text(&["units", self.unit]))
    }
}

/// `value / step`, rounded half up, for non-negative values.
fn rounded(value: i64, step: i64) -> i64 {
    (value + step / 2) / step
}

/// Hundredths as a decimal with thousands separators: `123456789` → `1,234,567.89`.
fn grouped(hundredths: i64) -> String {
    let whole = (hundredths / 100).to_string();
    let mut text = String::with_capacity(whole.len() * 4 / 3 + 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(c);
    }
    format!("{text}.{:02}", hundredths % 100)
}

/// Fills `{name}` placeholders of a string of the theme.
pub(crate) fn fill<V: AsRef<str>>(template: &str, values: &[(&str, V)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value.as_ref())
        })
}

/// A quantity without trailing zeros: `1200`, `35.5`.
pub(super) fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Bytes in KB, MB or GB as people read them, one decimal, rounded up so that a small
/// file never shows as 0.0; binary units (1 KB = 1024 bytes), as file managers show
/// them. Integer arithmetic, so every platform prints the same.
pub(crate) fn file_size(bytes: u64) -> String {
    let mut unit_bytes: u64 = 1024;
    for unit in ["KB", "MB"] {
        let tenths = (u128::from(bytes) * 10).div_ceil(u128::from(unit_bytes));
        if tenths < 10_240 {
            return format!("{}.{} {unit}", tenths / 10, tenths % 10);
        }
        unit_bytes *= 1024;
    }
    let tenths = (u128::from(bytes) * 10).div_ceil(u128::from(unit_bytes));
    format!("{}.{} GB", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(fen: i64) -> (String, &'static str) {
        let a = money(Money::from_fen(fen));
        (a.short, a.unit)
    }

    #[test]
    fn money_changes_unit_at_ten_thousand_and_a_hundred_million_yuan() {
        assert_eq!(shown(999_999), ("9,999.99".into(), "yuan"));
        assert_eq!(shown(1_000_000), ("1.00".into(), "wan_yuan"));
        assert_eq!(shown(288_691_437), ("288.69".into(), "wan_yuan"));
        assert_eq!(shown(9_999_994_999), ("9,999.99".into(), "wan_yuan"));
        assert_eq!(shown(9_999_995_000), ("1.00".into(), "yi_yuan"));
        assert_eq!(shown(10_000_000_000), ("1.00".into(), "yi_yuan"));
        assert_eq!(shown(288_691_437_000), ("28.87".into(), "yi_yuan"));
        assert_eq!(shown(5), ("0.05".into(), "yuan"));
    }

    #[test]
    fn money_keeps_the_exact_yuan() {
        let a = money(Money::from_fen(1_234_567_890));
        assert_eq!(a.exact, "12,345,678.90");
        assert_eq!(a.yuan, "12345678.90");
        assert_eq!(money(Money::from_fen(100_000)).exact, "1,000.00");
    }

    #[test]
    fn quantities_drop_trailing_zeros() {
        assert_eq!(number(1200.0), "1200");
        assert_eq!(number(35.5), "35.5");
        assert_eq!(number(0.125), "0.125");
    }
}
