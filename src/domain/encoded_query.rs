//! ServiceNow encoded queries: the filter conditions of messaging actions (seed 002, ACTION-4) and
//! the routing conditions of Advanced Work Assignment queues (ROUTE-1), evaluated on one record.
//!
//! Pure: no IO, no clock. A query is parsed once, when the action or queue is saved, so a bad
//! query is refused then ([`QueryError`] names the byte position and what was expected), and is
//! evaluated later against whatever record the caller loaded ([`EncodedQuery::eval`]).
//!
//! # Syntax
//!
//! ```text
//! query     := group ("^NQ" group)* ["^EQ"]      new query: OR of groups
//! group     := term ("^" term)*                  AND of terms
//! term      := condition ("^OR" condition)*      OR of conditions (binds tighter than ^)
//! condition := field operator value
//! field     := [a-z0-9_.]+                       lower case, dot-walking allowed
//! ```
//!
//! So `a=1^ORb=2^c=3` means `(a=1 OR b=2) AND c=3`, and `a=1^NQb=2^c=3` means
//! `a=1 OR (b=2 AND c=3)`, as in ServiceNow. A trailing `^EQ` (which ServiceNow appends to
//! queries built in the condition builder) is accepted and dropped.
//!
//! | operator | value | true when the record's value ... |
//! |---|---|---|
//! | `=` | text, may be empty | equals it |
//! | `!=` | text, may be empty | differs from it |
//! | `IN` | `v1,v2,...` | equals one of them |
//! | `NOT IN` | `v1,v2,...` | equals none of them |
//! | `ISEMPTY` | none | is empty or absent |
//! | `ISNOTEMPTY` | none | is not empty |
//! | `STARTSWITH` | non-empty text | starts with it |
//! | `ENDSWITH` | non-empty text | ends with it |
//! | `LIKE` | non-empty text | contains it |
//! | `NOT LIKE` | non-empty text | does not contain it |
//!
//! # Choices where ServiceNow's syntax is informal
//!
//! - Field names are lower case, as ServiceNow's column names are: that is what ends the field
//!   and starts an upper-case operator (`stateINnew,on_hold`).
//! - An absent field (`record(field) == None`) reads as the empty string, so `state!=x`,
//!   `stateNOT INx,y` and `descriptionNOT LIKEx` match a record with no state, as ServiceNow's
//!   "is not" includes empty values.
//! - Every comparison ignores case (ServiceNow's database collation does), values are otherwise
//!   compared verbatim: no trimming.
//! - A value cannot contain `^` (it always separates conditions) and an `IN` item cannot contain `,`.
//!   A query can only be built by [`EncodedQuery::parse`], so `Display` always round-trips:
//!   `parse(&q.to_string()) == Ok(q)`.
//! - `ORDERBY`, `ORDERBYDESC` and `GROUPBY` are refused: a filter condition has no order.
//! - The empty string is not a query ([`QueryErrorKind::ExpectedCondition`] at 0): "no filter" is
//!   `Option::<EncodedQuery>::None`.

use std::fmt;
use std::str::FromStr;

/// A record's fields by name, as a filter reads them: preloaded by the caller (for an
/// interaction, `Tx::interaction_fields`), so a failure to read them is the caller's error, never
/// an empty field.
pub type Record = std::collections::BTreeMap<String, String>;

/// A comparison operator of one condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`: equals (case-insensitive).
    Eq,
    /// `!=`: differs from (case-insensitive; an absent field differs from any non-empty value).
    Ne,
    /// `IN`: equals one of a comma-separated list.
    In,
    /// `NOT IN`: equals none of a comma-separated list.
    NotIn,
    /// `ISEMPTY`: empty or absent. Takes no value.
    IsEmpty,
    /// `ISNOTEMPTY`: not empty. Takes no value.
    IsNotEmpty,
    /// `STARTSWITH`: starts with (case-insensitive).
    StartsWith,
    /// `ENDSWITH`: ends with (case-insensitive).
    EndsWith,
    /// `LIKE`: contains (case-insensitive).
    Like,
    /// `NOT LIKE`: does not contain (case-insensitive).
    NotLike,
}

/// The operators in the order the parser tries them: no spelling is a prefix of a later one.
const OPERATORS: [Operator; 10] = [
    Operator::Ne,
    Operator::Eq,
    Operator::NotIn,
    Operator::NotLike,
    Operator::IsNotEmpty,
    Operator::IsEmpty,
    Operator::In,
    Operator::StartsWith,
    Operator::EndsWith,
    Operator::Like,
];

/// The list of operators that error messages quote.
const EXPECTED_OPERATORS: &str =
    "=, !=, IN, NOT IN, ISEMPTY, ISNOTEMPTY, STARTSWITH, ENDSWITH, LIKE, NOT LIKE";

impl Operator {
    /// The operator as ServiceNow spells it in an encoded query (`"NOT IN"`, `"!="`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::In => "IN",
            Operator::NotIn => "NOT IN",
            Operator::IsEmpty => "ISEMPTY",
            Operator::IsNotEmpty => "ISNOTEMPTY",
            Operator::StartsWith => "STARTSWITH",
            Operator::EndsWith => "ENDSWITH",
            Operator::Like => "LIKE",
            Operator::NotLike => "NOT LIKE",
        }
    }

    fn is_list(self) -> bool {
        matches!(self, Operator::In | Operator::NotIn)
    }

    fn takes_no_value(self) -> bool {
        matches!(self, Operator::IsEmpty | Operator::IsNotEmpty)
    }

    fn needs_value(self) -> bool {
        !matches!(
            self,
            Operator::Eq | Operator::Ne | Operator::IsEmpty | Operator::IsNotEmpty
        )
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One condition: `field`, operator, value(s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    field: String,
    operator: Operator,
    /// Empty for `ISEMPTY`/`ISNOTEMPTY`, the list for `IN`/`NOT IN`, else exactly one value.
    values: Vec<String>,
}

impl Condition {
    /// The field name (`state`, `assigned_to.name`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values: none for `ISEMPTY`/`ISNOTEMPTY`, the items for `IN`/`NOT IN`, one otherwise.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether the record's value of the field (`None` when absent) satisfies the condition.
    pub fn matches(&self, actual: Option<&str>) -> bool {
        let actual = actual.unwrap_or("").to_lowercase();
        let value = || self.values[0].to_lowercase();
        let listed = || self.values.iter().any(|v| v.to_lowercase() == actual);
        match self.operator {
            Operator::Eq => actual == value(),
            Operator::Ne => actual != value(),
            Operator::In => listed(),
            Operator::NotIn => !listed(),
            Operator::IsEmpty => actual.is_empty(),
            Operator::IsNotEmpty => !actual.is_empty(),
            Operator::StartsWith => actual.starts_with(&value()),
            Operator::EndsWith => actual.ends_with(&value()),
            Operator::Like => actual.contains(&value()),
            Operator::NotLike => !actual.contains(&value()),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.field,
            self.operator,
            self.values.join(",")
        )
    }
}

/// A parsed encoded query: an OR (`^NQ`) of groups, each an AND (`^`) of terms, each an OR (`^OR`)
/// of conditions. Built only by [`EncodedQuery::parse`] (or [`str::parse`]); stored as its
/// `Display` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedQuery {
    groups: Vec<Vec<Vec<Condition>>>,
}

/// Why a query was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid encoded query at byte {position}: {kind}")]
pub struct QueryError {
    /// Byte offset into the query text where the problem starts (the text's length when the
    /// query ended too early).
    pub position: usize,
    /// What was wrong, and what was expected there.
    pub kind: QueryErrorKind,
}

/// What was wrong with a query. Every variant names what was expected at [`QueryError::position`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryErrorKind {
    /// Nothing where a condition must be: empty query, leading or dangling `^`, `^^`, nothing after
    /// `^OR` or `^NQ`.
    #[error("expected a condition (field, operator, value)")]
    ExpectedCondition,
    /// The condition starts with something that is not a field name (`=1`, `Name=x`, ` a=1`).
    #[error("expected a field name (lower-case letters, digits, '_' or '.')")]
    EmptyField,
    /// A field name with nothing after it (`state`).
    #[error("expected an operator after field '{field}' (one of {EXPECTED_OPERATORS})")]
    MissingOperator {
        /// The field.
        field: String,
    },
    /// Text after the field name that is no operator (`stateBETWEEN1@2`, `state<3`).
    #[error("unknown operator '{found}'; expected one of {EXPECTED_OPERATORS}")]
    UnknownOperator {
        /// The operator-like text found (at most 16 characters).
        found: String,
    },
    /// A value after an operator that takes none (`stateISEMPTYx`).
    #[error("{operator} takes no value; expected '^' or the end of the query")]
    UnexpectedValue {
        /// `ISEMPTY` or `ISNOTEMPTY`.
        operator: Operator,
    },
    /// No value after an operator that needs one (`stateIN`, `nameLIKE`).
    #[error("expected a value after {operator}")]
    MissingValue {
        /// The operator.
        operator: Operator,
    },
    /// An empty item in an `IN`/`NOT IN` list (`stateINa,,b`, `stateINa,`).
    #[error("expected a value between the commas of the {operator} list")]
    EmptyListItem {
        /// `IN` or `NOT IN`.
        operator: Operator,
    },
    /// Something after the closing `^EQ`.
    #[error("^EQ ends the query; expected nothing after it")]
    AfterEnd,
    /// A field the table does not have ([`EncodedQuery::parse_on`]).
    #[error("unknown field '{field}'; expected one of {known}")]
    UnknownField {
        /// The field as written.
        field: String,
        /// The fields the table has, comma-separated.
        known: String,
    },
    /// `ORDERBY`, `ORDERBYDESC` or `GROUPBY`: not part of a filter condition.
    #[error("{keyword} is not supported in a filter condition; expected a condition")]
    UnsupportedKeyword {
        /// The keyword.
        keyword: &'static str,
    },
}

fn err(position: usize, kind: QueryErrorKind) -> QueryError {
    QueryError { position, kind }
}

fn is_field_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.'
}

/// Parses one condition `seg` that starts at byte `at` of the query.
fn parse_condition(seg: &str, at: usize) -> Result<Condition, QueryError> {
    for keyword in ["ORDERBYDESC", "ORDERBY", "GROUPBY"] {
        if seg.starts_with(keyword) {
            return Err(err(at, QueryErrorKind::UnsupportedKeyword { keyword }));
        }
    }
    if seg.is_empty() {
        return Err(err(at, QueryErrorKind::ExpectedCondition));
    }
    let field_len = seg.bytes().take_while(|&b| is_field_byte(b)).count();
    if field_len == 0 {
        return Err(err(at, QueryErrorKind::EmptyField));
    }
    let field = &seg[..field_len];
    let rest = &seg[field_len..];
    let op_at = at + field_len;
    if rest.is_empty() {
        return Err(err(
            op_at,
            QueryErrorKind::MissingOperator {
                field: field.to_owned(),
            },
        ));
    }
    let Some(operator) = OPERATORS
        .into_iter()
        .find(|op| rest.starts_with(op.as_str()))
    else {
        let found: String = rest
            .chars()
            .take_while(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
            .take(16)
            .collect();
        return Err(err(op_at, QueryErrorKind::UnknownOperator { found }));
    };
    let value = &rest[operator.as_str().len()..];
    let value_at = op_at + operator.as_str().len();
    if operator.takes_no_value() && !value.is_empty() {
        return Err(err(value_at, QueryErrorKind::UnexpectedValue { operator }));
    }
    if operator.needs_value() && value.is_empty() {
        return Err(err(value_at, QueryErrorKind::MissingValue { operator }));
    }
    let values = if operator.takes_no_value() {
        Vec::new()
    } else if operator.is_list() {
        let mut items = Vec::new();
        let mut item_at = value_at;
        for item in value.split(',') {
            if item.is_empty() {
                return Err(err(item_at, QueryErrorKind::EmptyListItem { operator }));
            }
            items.push(item.to_owned());
            item_at += item.len() + 1;
        }
        items
    } else {
        vec![value.to_owned()]
    };
    Ok(Condition {
        field: field.to_owned(),
        operator,
        values,
    })
}

impl EncodedQuery {
    /// Parses an encoded query (see the module docs for the syntax).
    ///
    /// # Errors
    /// [`QueryError`] with the byte position and one of the [`QueryErrorKind`]s: an empty or
    /// missing condition, an empty field name, a missing or unknown operator, a value where none
    /// is allowed, a missing value or list item, text after `^EQ`, or `ORDERBY`/`GROUPBY`.
    pub fn parse(text: &str) -> Result<EncodedQuery, QueryError> {
        Self::parse_checked(text, None)
    }

    /// [`EncodedQuery::parse`] of a query on a table whose fields are `known` (for an
    /// interaction, [`crate::domain::model::INTERACTION_FIELDS`]): a field that is none of them
    /// (a typo such as `stat`, or a field this engine does not model) is refused where it
    /// starts, rather than read as empty for ever after (`stat!=closed_complete` would match
    /// every record, `colour=red` none).
    ///
    /// # Errors
    /// As [`EncodedQuery::parse`], and [`QueryErrorKind::UnknownField`].
    pub fn parse_on(text: &str, known: &[&str]) -> Result<EncodedQuery, QueryError> {
        Self::parse_checked(text, Some(known))
    }

    fn parse_checked(text: &str, known: Option<&[&str]>) -> Result<EncodedQuery, QueryError> {
        let parse_condition = |seg: &str, at: usize| {
            let condition = parse_condition(seg, at)?;
            match known {
                Some(known) if !known.contains(&condition.field.as_str()) => Err(err(
                    at,
                    QueryErrorKind::UnknownField {
                        field: condition.field,
                        known: known.join(", "),
                    },
                )),
                _ => Ok(condition),
            }
        };
        // Split on '^', remembering where each segment starts.
        let mut segments = Vec::new();
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'^' {
                segments.push((start, &text[start..i]));
                start = i + 1;
            }
        }
        segments.push((start, &text[start..]));

        let mut groups: Vec<Vec<Vec<Condition>>> = vec![Vec::new()];
        for (index, &(at, seg)) in segments.iter().enumerate() {
            if index == 0 {
                groups[0].push(vec![parse_condition(seg, at)?]);
                continue;
            }
            if seg == "EQ" {
                if let Some(&(next_at, _)) = segments.get(index + 1) {
                    return Err(err(next_at - 1, QueryErrorKind::AfterEnd));
                }
                break;
            }
            if let Some(cond) = seg.strip_prefix("NQ") {
                groups.push(vec![vec![parse_condition(cond, at + 2)?]]);
            } else if seg.starts_with("OR") && !seg.starts_with("ORDERBY") {
                let condition = parse_condition(&seg[2..], at + 2)?;
                let group = groups.last_mut().expect("a group is open");
                group
                    .last_mut()
                    .expect("a group opens with a term")
                    .push(condition);
            } else {
                let condition = parse_condition(seg, at)?;
                groups
                    .last_mut()
                    .expect("a group is open")
                    .push(vec![condition]);
            }
        }
        Ok(EncodedQuery { groups })
    }

    /// Whether the record satisfies the query. `record` holds the record's fields as ServiceNow
    /// stores them (choice values such as `work_in_progress`, sys_ids, `true`/`false`); a field it
    /// does not hold is empty.
    pub fn eval(&self, record: &Record) -> bool {
        self.groups.iter().any(|group| {
            group.iter().all(|term| {
                term.iter()
                    .any(|c| c.matches(record.get(&c.field).map(String::as_str)))
            })
        })
    }

    /// The groups (`^NQ`-separated), each a list of AND terms, each a list of OR conditions.
    pub fn groups(&self) -> &[Vec<Vec<Condition>>] {
        &self.groups
    }

    /// Every field the query names, in order of appearance, with repeats.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .flatten()
            .flatten()
            .map(|c| c.field.as_str())
    }
}

impl fmt::Display for EncodedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (g, group) in self.groups.iter().enumerate() {
            if g > 0 {
                f.write_str("^NQ")?;
            }
            for (t, term) in group.iter().enumerate() {
                if t > 0 {
                    f.write_str("^")?;
                }
                for (c, condition) in term.iter().enumerate() {
                    if c > 0 {
                        f.write_str("^OR")?;
                    }
                    write!(f, "{condition}")?;
                }
            }
        }
        Ok(())
    }
}

impl FromStr for EncodedQuery {
    type Err = QueryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EncodedQuery::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> EncodedQuery {
        EncodedQuery::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn e(text: &str) -> (usize, QueryErrorKind) {
        let err = EncodedQuery::parse(text).expect_err(text);
        (err.position, err.kind)
    }

    fn eval(text: &str, fields: &[(&str, &str)]) -> bool {
        let record: Record = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        q(text).eval(&record)
    }

    #[test]
    fn equals_and_not_equals() {
        assert!(eval("state=on_hold", &[("state", "on_hold")]));
        assert!(!eval("state=on_hold", &[("state", "work_in_progress")]));
        assert!(!eval("state=on_hold", &[]));
        assert!(eval("state!=on_hold", &[("state", "new")]));
        assert!(!eval("state!=on_hold", &[("state", "on_hold")]));
        // Absent reads as empty: "is not" includes empty values.
        assert!(eval("state!=on_hold", &[]));
        // `field=` compares with the empty string.
        assert!(eval("assigned_to=", &[]));
        assert!(eval("assigned_to=", &[("assigned_to", "")]));
        assert!(!eval("assigned_to=", &[("assigned_to", "abc")]));
        assert!(eval("assigned_to!=", &[("assigned_to", "abc")]));
    }

    #[test]
    fn comparisons_ignore_case_but_not_spaces() {
        assert!(eval("state=ON_HOLD", &[("state", "on_hold")]));
        assert!(eval("stateINNew,On_Hold", &[("state", "on_hold")]));
        assert!(eval("nameSTARTSWITHjo", &[("name", "John")]));
        assert!(!eval("state=on_hold ", &[("state", "on_hold")]));
    }

    #[test]
    fn value_may_contain_operator_characters() {
        let query = q("short_description=a=b!=c");
        let c = &query.groups()[0][0][0];
        assert_eq!(c.field(), "short_description");
        assert_eq!(c.operator(), Operator::Eq);
        assert_eq!(c.values(), ["a=b!=c"]);
        assert!(eval("x==y", &[("x", "=y")]));
    }

    #[test]
    fn in_and_not_in() {
        assert!(eval("stateINnew,on_hold", &[("state", "on_hold")]));
        assert!(!eval("stateINnew,on_hold", &[("state", "closed_complete")]));
        assert!(!eval("stateINnew,on_hold", &[]));
        assert!(eval(
            "stateNOT INnew,on_hold",
            &[("state", "closed_complete")]
        ));
        assert!(!eval("stateNOT INnew,on_hold", &[("state", "new")]));
        assert!(eval("stateNOT INnew,on_hold", &[]));
        assert_eq!(q("stateINa, b").groups()[0][0][0].values(), ["a", " b"]);
    }

    #[test]
    fn empty_and_not_empty() {
        assert!(eval("assigned_toISEMPTY", &[]));
        assert!(eval("assigned_toISEMPTY", &[("assigned_to", "")]));
        assert!(!eval("assigned_toISEMPTY", &[("assigned_to", "a1")]));
        assert!(eval("assigned_toISNOTEMPTY", &[("assigned_to", "a1")]));
        assert!(!eval("assigned_toISNOTEMPTY", &[]));
    }

    #[test]
    fn text_operators() {
        let rec = [("short_description", "Printer on fire")];
        assert!(eval("short_descriptionSTARTSWITHprinter", &rec));
        assert!(!eval("short_descriptionSTARTSWITHfire", &rec));
        assert!(eval("short_descriptionENDSWITHFire", &rec));
        assert!(!eval("short_descriptionENDSWITHprinter", &rec));
        assert!(eval("short_descriptionLIKEer on", &rec));
        assert!(!eval("short_descriptionLIKEwater", &rec));
        assert!(eval("short_descriptionNOT LIKEwater", &rec));
        assert!(!eval("short_descriptionNOT LIKEfire", &rec));
        assert!(eval("short_descriptionNOT LIKEfire", &[]));
        assert!(!eval("short_descriptionLIKEfire", &[]));
    }

    #[test]
    fn or_binds_tighter_than_and() {
        // (a=1 OR b=2) AND c=3
        let text = "a=1^ORb=2^c=3";
        assert!(eval(text, &[("a", "1"), ("c", "3")]));
        assert!(eval(text, &[("b", "2"), ("c", "3")]));
        assert!(!eval(text, &[("a", "1")]));
        assert!(!eval(text, &[("c", "3")]));
        let query = q(text);
        assert_eq!(query.groups().len(), 1);
        assert_eq!(query.groups()[0].len(), 2);
        assert_eq!(query.groups()[0][0].len(), 2);
        // a=1 AND (b=2 OR c=3)
        let text = "a=1^b=2^ORc=3";
        assert!(eval(text, &[("a", "1"), ("c", "3")]));
        assert!(!eval(text, &[("b", "2"), ("c", "3")]));
    }

    #[test]
    fn new_query_is_an_or_of_groups() {
        // a=1 OR (b=2 AND c=3)
        let text = "a=1^NQb=2^c=3";
        assert!(eval(text, &[("a", "1")]));
        assert!(eval(text, &[("b", "2"), ("c", "3")]));
        assert!(!eval(text, &[("b", "2")]));
        assert!(!eval(text, &[]));
        assert_eq!(q(text).groups().len(), 2);
    }

    #[test]
    fn trailing_eq_is_dropped() {
        assert_eq!(q("active=true^EQ"), q("active=true"));
        assert_eq!(q("active=true^EQ").to_string(), "active=true");
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "state=on_hold",
            "state!=",
            "a=1^ORb=2^c=3",
            "a=1^NQb=2^ORc=3^d!=4",
            "stateINnew,on_hold^assigned_toISNOTEMPTY",
            "stateNOT INclosed_complete,closed_abandoned",
            "assigned_toISEMPTY^ORassigned_to.nameSTARTSWITHAl",
            "descriptionENDSWITH?^descriptionLIKEx y^descriptionNOT LIKEz",
            "x==y",
        ] {
            let query = q(text);
            assert_eq!(query.to_string(), text);
            assert_eq!(EncodedQuery::parse(&query.to_string()), Ok(query.clone()));
            assert_eq!(text.parse::<EncodedQuery>(), Ok(query));
        }
    }

    #[test]
    fn fields_lists_every_field() {
        let fields: Vec<_> = q("a=1^ORb=2^NQc.d=3").fields().map(str::to_owned).collect();
        assert_eq!(fields, ["a", "b", "c.d"]);
    }

    #[test]
    fn missing_conditions_are_refused_where_expected() {
        use QueryErrorKind::ExpectedCondition as X;
        assert_eq!(e(""), (0, X));
        assert_eq!(e("^a=1"), (0, X));
        assert_eq!(e("a=1^"), (4, X));
        assert_eq!(e("a=1^^b=2"), (4, X));
        assert_eq!(e("a=1^OR"), (6, X));
        assert_eq!(e("a=1^OR^b=2"), (6, X));
        assert_eq!(e("a=1^NQ"), (6, X));
        assert_eq!(e("a=1^NQ^ORb=2"), (6, X));
    }

    #[test]
    fn bad_fields_and_operators_are_refused_where_expected() {
        assert_eq!(e("=1"), (0, QueryErrorKind::EmptyField));
        assert_eq!(e(" a=1"), (0, QueryErrorKind::EmptyField));
        assert_eq!(e("a=1^Name=x"), (4, QueryErrorKind::EmptyField));
        assert_eq!(e("a=1^OR=2"), (6, QueryErrorKind::EmptyField));
        assert_eq!(
            e("a=1^state"),
            (
                9,
                QueryErrorKind::MissingOperator {
                    field: "state".into()
                }
            )
        );
        assert_eq!(
            e("state<3"),
            (5, QueryErrorKind::UnknownOperator { found: "<".into() })
        );
        assert_eq!(
            e("a=1^stateBETWEEN1@2"),
            (
                9,
                QueryErrorKind::UnknownOperator {
                    found: "BETWEEN".into()
                }
            )
        );
        assert_eq!(
            e("stateNOTIN1"),
            (
                5,
                QueryErrorKind::UnknownOperator {
                    found: "NOTIN".into()
                }
            )
        );
    }

    #[test]
    fn bad_values_are_refused_where_expected() {
        assert_eq!(
            e("stateISEMPTYx"),
            (
                12,
                QueryErrorKind::UnexpectedValue {
                    operator: Operator::IsEmpty
                }
            )
        );
        assert_eq!(
            e("a=1^bISNOTEMPTY^ORcISNOTEMPTYz"),
            (
                29,
                QueryErrorKind::UnexpectedValue {
                    operator: Operator::IsNotEmpty
                }
            )
        );
        assert_eq!(
            e("stateIN"),
            (
                7,
                QueryErrorKind::MissingValue {
                    operator: Operator::In
                }
            )
        );
        assert_eq!(
            e("nameLIKE^a=1"),
            (
                8,
                QueryErrorKind::MissingValue {
                    operator: Operator::Like
                }
            )
        );
        assert_eq!(
            e("stateINa,,b"),
            (
                9,
                QueryErrorKind::EmptyListItem {
                    operator: Operator::In
                }
            )
        );
        assert_eq!(
            e("stateNOT INa,"),
            (
                13,
                QueryErrorKind::EmptyListItem {
                    operator: Operator::NotIn
                }
            )
        );
    }

    #[test]
    fn keywords_out_of_place_are_refused() {
        assert_eq!(e("a=1^EQ^b=2"), (6, QueryErrorKind::AfterEnd));
        assert_eq!(
            e("a=1^ORDERBYnumber"),
            (4, QueryErrorKind::UnsupportedKeyword { keyword: "ORDERBY" })
        );
        assert_eq!(
            e("a=1^ORDERBYDESCnumber"),
            (
                4,
                QueryErrorKind::UnsupportedKeyword {
                    keyword: "ORDERBYDESC"
                }
            )
        );
        assert_eq!(
            e("GROUPBYstate"),
            (0, QueryErrorKind::UnsupportedKeyword { keyword: "GROUPBY" })
        );
    }

    #[test]
    fn a_field_the_table_does_not_have_is_refused_where_it_starts() {
        let known = ["state", "active"];
        assert!(EncodedQuery::parse_on("state=new^ORactive=true^NQstate=on_hold", &known).is_ok());
        for (text, at, field) in [
            ("stat!=closed_complete", 0, "stat"),
            ("state=new^colour=red", 10, "colour"),
            ("state=new^ORcolour=red", 12, "colour"),
            ("state=new^NQcolour=red", 12, "colour"),
        ] {
            let err = EncodedQuery::parse_on(text, &known).unwrap_err();
            assert_eq!(
                (err.position, err.kind.clone()),
                (
                    at,
                    QueryErrorKind::UnknownField {
                        field: field.into(),
                        known: "state, active".into()
                    }
                ),
                "{text}"
            );
            assert!(
                err.to_string().contains("expected one of state, active"),
                "{err}"
            );
            // Without a table every field parses (it reads as empty).
            assert!(EncodedQuery::parse(text).is_ok());
        }
    }

    #[test]
    fn positions_are_bytes_and_messages_say_what_was_expected() {
        // "é" is two bytes: the first ^ is byte 4, the missing condition after it byte 5.
        let err = EncodedQuery::parse("a=é^^").unwrap_err();
        assert_eq!(err.position, 5);
        assert_eq!(
            err.to_string(),
            "invalid encoded query at byte 5: expected a condition (field, operator, value)"
        );
        let err = EncodedQuery::parse("state~x").unwrap_err();
        assert!(
            err.to_string().contains("expected one of =, !=, IN"),
            "{err}"
        );
    }
}
