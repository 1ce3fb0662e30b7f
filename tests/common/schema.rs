//! A JSON Schema validator for the keywords the editors' schemas use (what schemars
//! writes for the record types): `$ref` into `$defs`, `type`, `const`, `properties`,
//! `required`, `additionalProperties`, `items`, `oneOf`, `anyOf`, `minimum` and the
//! two `pattern`s of dates and money. A schema with any other keyword, or another
//! pattern, fails the test that meets it, so the validator grows with the schemas.
//! `.ci/validate_editor_schemas.py` checks the sample against the same schemas with
//! the reference implementation (Python `jsonschema`) in CI.

use serde_json::Value;

/// Keywords that say nothing about validity.
const ANNOTATIONS: [&str; 6] = [
    "$schema",
    "title",
    "description",
    "default",
    "format",
    "$defs",
];

/// The problems of `value` against `schema` (the root, holding `$defs`), each with
/// its path in the value; empty when it is valid.
pub(crate) fn problems(schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(schema, schema, value, "", &mut found);
    found
}

/// Whether `value` is valid against `schema`.
pub(crate) fn is_valid(schema: &Value, value: &Value) -> bool {
    problems(schema, value).is_empty()
}

fn check(root: &Value, node: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let Some(node) = node.as_object() else {
        if node == &Value::Bool(false) {
            found.push(format!("{at}: not allowed"));
        }
        return;
    };
    for (keyword, rule) in node {
        match keyword.as_str() {
            "$ref" => {
                let name = rule.as_str().unwrap().strip_prefix("#/$defs/").unwrap();
                check(root, &root["$defs"][name], value, at, found);
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::Array(list) => list.iter().map(|t| t.as_str().unwrap()).collect(),
                    other => vec![other.as_str().unwrap()],
                };
                if !types.iter().any(|t| has_type(value, t)) {
                    found.push(format!("{at}: {value} is not of type {types:?}"));
                }
            }
            "const" if value != rule => found.push(format!("{at}: {value} is not {rule}")),
            "properties" => {
                if let Some(object) = value.as_object() {
                    for (name, schema) in rule.as_object().unwrap() {
                        if let Some(field) = object.get(name) {
                            check(root, schema, field, &format!("{at}/{name}"), found);
                        }
                    }
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in rule.as_array().unwrap() {
                        if !object.contains_key(name.as_str().unwrap()) {
                            found.push(format!("{at}: {name} is required"));
                        }
                    }
                }
            }
            "additionalProperties" => {
                let known = node.get("properties").and_then(Value::as_object);
                if let Some(object) = value.as_object() {
                    for (name, field) in object {
                        if known.is_none_or(|k| !k.contains_key(name)) {
                            check(root, rule, field, &format!("{at}/{name}"), found);
                        }
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        check(root, rule, item, &format!("{at}/{i}"), found);
                    }
                }
            }
            "oneOf" | "anyOf" => {
                let passing = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|option| problems_of(root, option, value).is_empty())
                    .count();
                let fits = if keyword == "oneOf" {
                    passing == 1
                } else {
                    passing >= 1
                };
                if !fits {
                    found.push(format!(
                        "{at}: {value} fits {passing} of the {keyword} options"
                    ));
                }
            }
            "minimum" => {
                if let (Some(n), Some(min)) = (value.as_f64(), rule.as_f64())
                    && n < min
                {
                    found.push(format!("{at}: {n} is below {min}"));
                }
            }
            "pattern" => {
                if let Some(text) = value.as_str()
                    && !matches_pattern(rule.as_str().unwrap(), text)
                {
                    found.push(format!("{at}: {text:?} does not match {rule}"));
                }
            }
            "const" => {}
            annotation if ANNOTATIONS.contains(&annotation) => {}
            other => panic!("the test validator does not know the keyword `{other}`"),
        }
    }
}

fn problems_of(root: &Value, node: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(root, node, value, "", &mut found);
    found
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unknown type `{other}`"),
    }
}

/// The patterns the schemas use, each as the check it stands for.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match pattern {
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3
                && digits(parts[0], 4, 4)
                && digits(parts[1], 2, 2)
                && digits(parts[2], 2, 2)
        }
        "^[0-9]{1,15}(\\.[0-9]{1,2})?$" => match text.split_once('.') {
            Some((whole, cents)) => digits(whole, 1, 15) && digits(cents, 1, 2),
            None => digits(text, 1, 15),
        },
        other => panic!("the test validator does not know the pattern `{other}`"),
    }
}

#[test]
fn the_validator_rejects_what_the_keywords_forbid() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            "kind": {"oneOf": [{"const": "a"}, {"const": "b"}]},
            "n": {"type": "integer", "minimum": 0},
            "list": {"type": "array", "items": {"$ref": "#/$defs/Id"}},
        },
        "required": ["date"],
        "additionalProperties": false,
        "$defs": {"Id": {"type": "string"}},
    });
    let ok = serde_json::json!({"date": "2025-01-31", "kind": "a", "n": 3, "list": ["x"]});
    assert!(is_valid(&schema, &ok), "{:?}", problems(&schema, &ok));
    for bad in [
        serde_json::json!({"kind": "a"}),
        serde_json::json!({"date": "2025-1-31"}),
        serde_json::json!({"date": "2025-01-31", "kind": "c"}),
        serde_json::json!({"date": "2025-01-31", "n": -1}),
        serde_json::json!({"date": "2025-01-31", "list": [1]}),
        serde_json::json!({"date": "2025-01-31", "colour": "red"}),
    ] {
        assert!(!is_valid(&schema, &bad), "{bad}");
    }
}
