//! The unified social credit code (统一社会信用代码) check of GB 32100-2015.

use crate::messages::Text;

/// The 31 characters a code may use: digits and capitals without I, O, S, V, Z.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Why a code fails the check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not 18 characters.
    Length(usize),
    /// A character outside the charset, with its 1-based position.
    Character(char, usize),
    /// The organization code's check digit (position 17) is wrong.
    OrganizationCheck {
        /// What position 17 should hold.
        expected: char,
    },
    /// The final check character is wrong.
    CheckCharacter {
        /// What position 18 should hold.
        expected: char,
    },
}

impl CreditCodeError {
    /// What is wrong, as the end of a sentence that begins with the code.
    pub fn text(&self) -> Text {
        match self {
            CreditCodeError::Length(n) => crate::text!("validate.credit_code.length", count = *n),
            CreditCodeError::Character(c, at) => crate::text!(
                "validate.credit_code.character",
                character = c.to_string(),
                position = *at
            ),
            CreditCodeError::OrganizationCheck { expected } => crate::text!(
                "validate.credit_code.organization_check",
                expected = expected.to_string()
            ),
            CreditCodeError::CheckCharacter { expected } => crate::text!(
                "validate.credit_code.check_character",
                expected = expected.to_string()
            ),
        }
    }
}

/// Completes the first 16 characters of a code with both check characters; `None`
/// when a character is outside the charset.
pub fn complete(first16: &str) -> Option<String> {
    if first16.chars().count() != 16 || !first16.chars().all(|c| CHARSET.contains(c)) {
        return None;
    }
    let mut code = format!("{first16}{}", organization_check_digit(&first16[8..16]));
    code.push(check_character(&code)?);
    Some(code)
}

/// The GB 11714 check digit of the organization code's first eight characters, whose
/// alphabet runs A=10..Z=35, wider than the credit code's own.
fn organization_check_digit(base: &str) -> char {
    const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = base
        .chars()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

/// The final check character over the first 17 characters.
fn check_character(first17: &str) -> Option<char> {
    let mut weight = 1;
    let mut sum = 0;
    for c in first17.chars() {
        sum += CHARSET.find(c)? as u32 * weight;
        weight = weight * 3 % 31;
    }
    CHARSET.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// Checks an 18-character code: charset, the GB 11714 organization-code digit at
/// position 17, and the final check character.
pub fn check(code: &str) -> Result<(), CreditCodeError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(CreditCodeError::Length(chars.len()));
    }
    for (i, c) in chars.iter().enumerate() {
        if !CHARSET.contains(*c) {
            return Err(CreditCodeError::Character(*c, i + 1));
        }
    }
    let expected_org = organization_check_digit(&code[8..16]);
    if chars[16] != expected_org {
        return Err(CreditCodeError::OrganizationCheck {
            expected: expected_org,
        });
    }
    let expected = check_character(&code[..17]).unwrap_or('0');
    if chars[17] != expected {
        return Err(CreditCodeError::CheckCharacter { expected });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_valid_examples() {
        assert_eq!(check("91350200776049653A"), Ok(()));
        assert_eq!(check("113417030032499282"), Ok(()));
    }

    #[test]
    fn completes_codes_that_pass() {
        assert_eq!(
            complete("9135020077604965").as_deref(),
            Some("91350200776049653A")
        );
        assert!(complete("913502007760496").is_none());
        assert!(complete("913502007760496O").is_none());
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(check("91350200776049653"), Err(CreditCodeError::Length(17)));
        assert_eq!(
            check("9135020077604965OA"),
            Err(CreditCodeError::Character('O', 17))
        );
        assert!(matches!(
            check("91350200776049653B"),
            Err(CreditCodeError::CheckCharacter { expected: 'A' })
        ));
        assert!(matches!(
            check("91350200776049654A"),
            Err(CreditCodeError::OrganizationCheck { .. })
        ));
    }

    #[test]
    fn says_what_is_wrong_in_words() {
        use crate::messages::Lang;
        let said = |code: &str| check(code).unwrap_err().text().render(Lang::En);
        assert_eq!(said("91350200776049653"), "has 17 characters instead of 18");
        assert_eq!(
            said("9135020077604965OA"),
            "has `O` at position 17, which a credit code never uses"
        );
        assert_eq!(
            said("91350200776049653B"),
            "fails the check character (position 18 should be `A`)"
        );
    }
}
