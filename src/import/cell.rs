//! One cell's value read as its column's type, undoing what spreadsheets do to data:
//! codes turned into numbers, dates as serial numbers or Chinese text, amounts in 万元
//! or with separators, full-width digits and stray spaces.

use crate::export::tables::{FieldDef, FieldType};
use crate::messages::Text;
use crate::model::{Date, Money};
use crate::text;

/// A cell as the reader gives it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Raw {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number (spreadsheets keep every number as a double).
    Number(f64),
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// A cell formatted as a date.
    Date(Date),
    /// An error value such as `#REF!`.
    Error(String),
}

/// A value ready for the record: its canonical text (ISO dates, amounts with two
/// decimals), or a list of texts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// No value.
    Empty,
    /// One value.
    One(String),
    /// A list (`a;b` in a cell).
    List(Vec<String>),
}

/// Why a cell cannot be read as its column's type.
#[derive(Debug, PartialEq)]
pub(crate) enum Problem {
    /// A long code the spreadsheet turned into a number, which kept only 15 digits.
    DigitsLost(String),
    /// Not a value of the column's type: the message and its hint.
    WrongType(Text, Text),
}

/// Full-width letters, digits and the ideographic space as their ASCII forms; in a
/// code, full-width punctuation too. Prose keeps its full-width punctuation (，（）：),
/// which is correct Chinese.
pub(crate) fn fold(text: &str, code: bool) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => shift(c),
            '\u{FF01}'..='\u{FF5E}' if code => shift(c),
            _ => c,
        })
        .collect::<String>()
        .trim_matches(|c: char| c.is_whitespace())
        .to_owned()
}

fn shift(c: char) -> char {
    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
}

/// Whether a field holds a code, id or number rather than prose.
fn is_code(field: &FieldDef) -> bool {
    field.kind != FieldType::String
        || field.references.is_some()
        || !field.values.is_empty()
        || field.by_name.is_some()
        || field
            .yaml
            .as_deref()
            .is_some_and(|p| p.ends_with("[]") || p == "id")
        || field.name.contains("code")
}

/// Whether a text is a number in scientific notation, as a spreadsheet shows a long
/// code it took for a number (`9.13703E+17`).
fn scientific(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// The value of `raw` for `field`; `wan` when the column's header says its amounts
/// are in 万元.
pub(crate) fn read(field: &FieldDef, raw: &Raw, wan: bool) -> Result<Value, Problem> {
    let list = field.yaml.as_deref().is_some_and(|p| p.ends_with("[]"));
    let text = match raw {
        Raw::Empty => return Ok(Value::Empty),
        Raw::Text(text) => {
            let text = fold(text, is_code(field));
            if text.is_empty() {
                return Ok(Value::Empty);
            }
            text
        }
        Raw::Error(code) => {
            return Err(Problem::WrongType(
                text!("import.cell_error", value = code),
                Text::new("import.cell_error_hint"),
            ));
        }
        Raw::Bool(b) if field.kind == FieldType::Boolean => return Ok(Value::One(b.to_string())),
        Raw::Bool(b) => b.to_string().to_uppercase(),
        Raw::Date(date) if field.kind == FieldType::Date => {
            return Ok(Value::One(date.to_string()));
        }
        Raw::Date(date) => date.to_string(),
        Raw::Number(n) => return number_cell(field, *n, wan),
    };
    if list {
        let items: Vec<String> = text
            .split([';', '；', '、', ',', '，', '\n'])
            .map(|item| fold(item, true))
            .filter(|item| !item.is_empty())
            .collect();
        return Ok(if items.is_empty() {
            Value::Empty
        } else {
            Value::List(items)
        });
    }
    if scientific(&text) && field.kind == FieldType::String {
        return Err(Problem::DigitsLost(text));
    }
    let wrong = |key: &'static str| {
        Problem::WrongType(
            Text::new(key).arg("value", text.as_str()),
            Text::new(match key {
                "import.not_a_date" => "import.not_a_date_hint",
                "import.not_an_amount" => "import.not_an_amount_hint",
                "import.not_a_boolean" => "import.not_a_boolean_hint",
                _ => "import.not_a_number_hint",
            }),
        )
    };
    match field.kind {
        FieldType::String => Ok(Value::One(code_of(field, text))),
        FieldType::Date => date_text(&text)
            .map(|d| Value::One(d.to_string()))
            .ok_or_else(|| wrong("import.not_a_date")),
        FieldType::Boolean => match text.to_lowercase().as_str() {
            "true" | "是" | "y" | "yes" | "1" => Ok(Value::One("true".into())),
            "false" | "否" | "n" | "no" | "0" => Ok(Value::One("false".into())),
            _ => Err(wrong("import.not_a_boolean")),
        },
        FieldType::Money => {
            let (digits, in_wan) = strip_amount(&text);
            let yuan = digits
                .parse::<f64>()
                .map_err(|_| wrong("import.not_an_amount"))?;
            money(yuan, wan || in_wan)
                .map(Value::One)
                .ok_or_else(|| wrong("import.not_an_amount"))
        }
        FieldType::Number | FieldType::Integer => {
            let (digits, _) = strip_amount(text.trim_end_matches(['%', '％']));
            let n = digits
                .parse::<f64>()
                .map_err(|_| wrong("import.not_a_number"))?;
            number_cell(field, n, false)
        }
    }
}

/// A code field's code for a cell holding the code or its Chinese label.
fn code_of(field: &FieldDef, text: String) -> String {
    field
        .values
        .iter()
        .find(|(_, label)| *label == text)
        .map_or(text, |(code, _)| code.clone())
}

/// A number from a cell typed as a number.
fn number_cell(field: &FieldDef, n: f64, wan: bool) -> Result<Value, Problem> {
    match field.kind {
        FieldType::Money => money(n, wan).map(Value::One).ok_or_else(|| {
            Problem::WrongType(
                text!("import.not_an_amount", value = n.to_string()),
                Text::new("import.not_an_amount_hint"),
            )
        }),
        FieldType::Number => Ok(Value::One(number_text(n))),
        FieldType::Integer if n.fract() == 0.0 && n.abs() < 1e15 => {
            Ok(Value::One(format!("{}", n as i64)))
        }
        FieldType::Date => serial_date(n)
            .map(|d| Value::One(d.to_string()))
            .ok_or_else(|| {
                Problem::WrongType(
                    text!("import.not_a_date", value = n.to_string()),
                    Text::new("import.not_a_date_hint"),
                )
            }),
        FieldType::Boolean => Err(Problem::WrongType(
            text!("import.not_a_boolean", value = n.to_string()),
            Text::new("import.not_a_boolean_hint"),
        )),
        // A code typed into a cell formatted as a number: exact below 10^15; above,
        // the spreadsheet kept 15 significant digits and the rest are gone.
        FieldType::String if n.fract() == 0.0 && n.abs() < 1e15 => {
            Ok(Value::One(format!("{}", n as i64)))
        }
        FieldType::String if n.abs() >= 1e15 => {
            Err(Problem::DigitsLost(format!("{n:E}").replace('E', "E+")))
        }
        FieldType::Integer | FieldType::String => Ok(Value::One(number_text(n))),
    }
}

/// A decimal number as the record writes it: shortest form that reads back the same.
pub(crate) fn number_text(n: f64) -> String {
    format!("{n}")
}

/// An amount in yuan (times 10,000 when in 万元) rounded to fen, or `None` when
/// negative or finer than a fen.
fn money(yuan: f64, wan: bool) -> Option<String> {
    let yuan = if wan { yuan * 10_000.0 } else { yuan };
    let fen = yuan * 100.0;
    let rounded = fen.round();
    // Binary doubles store 0.1 inexactly: a cent's millionth is noise, not a value.
    if !(0.0..9e17).contains(&rounded) || (fen - rounded).abs() > 1e-6 * rounded.max(1.0) {
        return None;
    }
    Some(Money::from_fen(rounded as i64).to_string())
}

/// The digits of an amount written with separators, a currency sign or a unit, and
/// whether it says 万.
fn strip_amount(text: &str) -> (String, bool) {
    let mut rest = text.trim();
    rest = rest.trim_start_matches(['¥', '￥']);
    let mut wan = false;
    for unit in ["万元", "万", "元"] {
        if let Some(stripped) = rest.strip_suffix(unit) {
            wan = unit.starts_with('万');
            rest = stripped;
            break;
        }
    }
    let digits = rest
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_' | '\''))
        .collect();
    (digits, wan)
}

/// A date from a spreadsheet's serial number (days since 1899-12-30, the 1900
/// system, as Excel, WPS and LibreOffice count).
pub(crate) fn serial_date(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = Date::new(1899, 12, 30)?;
    Some(epoch.plus_days(serial.floor() as i64))
}

/// A date written as text: `2024-05-01`, `2024/5/1`, `2024.5.1`, `2024年5月1日`,
/// `20240501`, with a time after it ignored.
pub(crate) fn date_text(text: &str) -> Option<Date> {
    let text = text.split([' ', 'T']).next()?.trim();
    let text = text.strip_suffix('日').unwrap_or(text);
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Date::new(
            text[..4].parse().ok()?,
            text[4..6].parse().ok()?,
            text[6..].parse().ok()?,
        );
    }
    let parts: Vec<&str> = text.split(['-', '/', '.', '年', '月']).collect();
    let [year, month, day] = parts[..] else {
        return None;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if year.len() != 4 || ![year, month, day].iter().all(|s| all_digits(s)) {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// The canonical text of a value as a record's file writes it, to compare with a
/// cell's; as written when it does not read as the field's type (the check reports
/// it).
pub(crate) fn canonical(field: &FieldDef, text: &str) -> String {
    let text = text.trim();
    let converted = match field.kind {
        FieldType::Date => Date::parse(text).map(|d| d.to_string()),
        FieldType::Money => Money::parse(text).map(|m| m.to_string()),
        FieldType::Number | FieldType::Integer => text.parse::<f64>().ok().map(number_text),
        FieldType::Boolean => match text {
            "true" | "false" => Some(text.to_owned()),
            _ => None,
        },
        FieldType::String => None,
    };
    converted.unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldType, name: &str) -> FieldDef {
        let yaml = format!(
            "{{name: {name}, label: x, type: {}, meaning: x, yaml: {name}}}",
            kind.name()
        );
        crate::yaml::parse_yaml(&yaml).unwrap()
    }

    fn one(field: &FieldDef, raw: Raw) -> String {
        match read(field, &raw, false) {
            Ok(Value::One(v)) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dates_in_every_form_spreadsheets_give() {
        let f = field(FieldType::Date, "listed");
        for text in [
            "2024-05-01",
            "2024/5/1",
            "2024.05.01",
            "2024年5月1日",
            "20240501",
            "２０２４-０５-０１",
            "2024-05-01 00:00:00",
        ] {
            assert_eq!(one(&f, Raw::Text(text.into())), "2024-05-01", "{text}");
        }
        assert_eq!(one(&f, Raw::Number(45413.0)), "2024-05-01");
        assert!(matches!(
            read(&f, &Raw::Text("五月一日".into()), false),
            Err(Problem::WrongType(..))
        ));
    }

    #[test]
    fn amounts_with_separators_units_and_wan() {
        let f = field(FieldType::Money, "budget");
        assert_eq!(one(&f, Raw::Text("1,234,567.5".into())), "1234567.50");
        assert_eq!(one(&f, Raw::Text("￥１２０万元".into())), "1200000.00");
        assert_eq!(
            read(&f, &Raw::Number(16041.0), true),
            Ok(Value::One("160410000.00".into()))
        );
        assert_eq!(one(&f, Raw::Number(0.1 + 0.2)), "0.30");
        assert!(read(&f, &Raw::Number(1.234), false).is_err());
    }

    #[test]
    fn long_codes_turned_into_numbers_lose_digits() {
        let f = field(FieldType::String, "credit_code");
        assert_eq!(
            read(&f, &Raw::Number(913703001234567890.0), false),
            Err(Problem::DigitsLost("9.13703001234568E+17".into()))
        );
        assert_eq!(
            read(&f, &Raw::Text("9.13703E+17".into()), false),
            Err(Problem::DigitsLost("9.13703E+17".into()))
        );
        assert_eq!(one(&f, Raw::Number(20240032.0)), "20240032");
        assert_eq!(
            one(
                &f,
                Raw::Text("９１３７０３０４ＭＡ３ＱＨＫＣＪ５Ｌ　".into())
            ),
            "91370304MA3QHKCJ5L"
        );
    }

    #[test]
    fn prose_keeps_full_width_punctuation() {
        let f = field(FieldType::String, "title");
        assert_eq!(
            one(&f, Raw::Text(" 关于（试行）的通知：１号 ".into())),
            "关于（试行）的通知：1号"
        );
    }
}
