//! Bounds on a GraphQL document that must hold before the parser and the validator see it.
//!
//! async-graphql's parser and validator recurse: a list or input object nested a few thousand
//! levels deep overflows the stack and aborts the process, and a short document in which each
//! fragment spreads the next one twice makes the validator walk 2^n fields before the
//! complexity limit refuses it. This schema extension runs on every transport (HTTP and the
//! websocket) and refuses, with `BAD_INPUT`:
//! - a document whose brackets nest deeper than [`MAX_NESTING`], or whose values (lists and
//!   input objects, in arguments, variable defaults, directive arguments and list types) nest
//!   deeper than [`MAX_VALUE_NESTING`], checked on the text before it is parsed;
//! - variables nested deeper than [`MAX_VALUE_NESTING`];
//! - a document with more than [`MAX_FRAGMENTS`] fragments, or in which an operation or a
//!   fragment would expand to more than [`MAX_EXPANDED_FIELDS`] selections once every spread is
//!   replaced by its fragment (counted with memoisation, so the count itself costs one pass), or
//!   whose fragments spread each other in a cycle.
//!
//! Each check is linear in the document's size and uses no recursion, so any document is
//! accepted or refused in milliseconds.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::Request;
use async_graphql::{
    ErrorExtensionValues, ServerError, ServerResult, Value as ConstValue, Variables,
};

/// Deepest nesting of lists and input objects in a document or in variables.
pub const MAX_VALUE_NESTING: usize = 32;
/// Deepest nesting of any brackets (`{`, `[`, `(`) in a document.
pub const MAX_NESTING: usize = 64;
/// Most fragment definitions in one document.
pub const MAX_FRAGMENTS: usize = 200;
/// Most selections (fields, fragment spreads, inline fragments) an operation or fragment may
/// hold once every fragment spread is expanded.
pub const MAX_EXPANDED_FIELDS: u64 = 2_000;

/// The schema extension that applies the bounds.
pub struct Guard;

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension)
    }
}

struct GuardExtension;

/// The bounds run when the request is prepared, before async-graphql's own parse step: that
/// step also walks every fragment spread for its recursion-depth check, without memoisation, so
/// the expansion must be bounded before it. The document parsed here is the one executed.
#[async_graphql::async_trait::async_trait]
impl Extension for GuardExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        check_text(&request.query).map_err(refusal)?;
        check_variables(&request.variables).map_err(refusal)?;
        check_expansion(request.parsed_query()?).map_err(refusal)?;
        next.run(ctx, request).await
    }
}

fn refusal(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", "BAD_INPUT");
    error.extensions = Some(extensions);
    error
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bracket {
    /// A selection set, or anything else in braces that is not a value.
    Braces,
    /// Arguments or variable definitions.
    Parens,
    /// A list value or a list type.
    List,
    /// An input object value.
    Object,
}

/// Checks how deeply the text of a document nests, outside strings and comments. A `{` opens
/// an input object when it follows `:` or `=`, or sits inside a list or object; otherwise it
/// opens a selection set.
pub fn check_text(query: &str) -> Result<(), String> {
    let bytes = query.as_bytes();
    let mut stack: Vec<Bracket> = Vec::new();
    let mut values = 0usize;
    let mut previous = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
                previous = b'"';
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                previous = b'"';
                continue;
            }
            b'{' | b'[' | b'(' => {
                let in_value = matches!(stack.last(), Some(Bracket::List | Bracket::Object));
                let bracket = match byte {
                    b'(' => Bracket::Parens,
                    b'[' => Bracket::List,
                    _ if in_value || previous == b':' || previous == b'=' => Bracket::Object,
                    _ => Bracket::Braces,
                };
                if matches!(bracket, Bracket::List | Bracket::Object) {
                    values += 1;
                }
                stack.push(bracket);
                if values > MAX_VALUE_NESTING {
                    return Err(format!(
                        "the document nests lists and input objects deeper than \
                         {MAX_VALUE_NESTING} levels"
                    ));
                }
                if stack.len() > MAX_NESTING {
                    return Err(format!(
                        "the document nests deeper than {MAX_NESTING} levels"
                    ));
                }
            }
            b'}' | b']' | b')' => {
                if let Some(Bracket::List | Bracket::Object) = stack.pop() {
                    values -= 1;
                }
            }
            _ => {}
        }
        if !byte.is_ascii_whitespace() && byte != b',' {
            previous = byte;
        }
        i += 1;
    }
    Ok(())
}

/// How deeply JSON text nests (arrays and objects), outside strings; stops counting once it
/// passes `limit`. Lets HTTP refuse deep variables before `serde_json` builds them.
pub fn json_nesting(bytes: &[u8], limit: usize) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return deepest;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Checks that no variable nests lists and objects deeper than [`MAX_VALUE_NESTING`].
pub fn check_variables(variables: &Variables) -> Result<(), String> {
    let mut pending: Vec<(&ConstValue, usize)> = variables.values().map(|v| (v, 0)).collect();
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &ConstValue>> = match value {
            ConstValue::List(items) => Box::new(items.iter()),
            ConstValue::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth + 1 > MAX_VALUE_NESTING {
            return Err(format!(
                "variables nest lists and objects deeper than {MAX_VALUE_NESTING} levels"
            ));
        }
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    Ok(())
}

/// What one selection set holds before expansion: how many selections of its own (fields,
/// spreads and inline fragments: each is a node that a walk of the expanded document visits),
/// and how many times it spreads each fragment.
#[derive(Default)]
struct Shape<'a> {
    nodes: u64,
    spreads: HashMap<&'a str, u64>,
}

fn shape(selection_set: &SelectionSet) -> Shape<'_> {
    let mut shape = Shape::default();
    let mut pending: Vec<&SelectionSet> = vec![selection_set];
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    shape.nodes += 1;
                    pending.push(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    shape.nodes += 1;
                    *shape
                        .spreads
                        .entry(spread.node.fragment_name.node.as_str())
                        .or_default() += 1;
                }
                Selection::InlineFragment(inline) => {
                    shape.nodes += 1;
                    pending.push(&inline.node.selection_set.node);
                }
            }
        }
    }
    shape
}

/// Checks the number of fragments, that every spread names a defined fragment, that fragments
/// do not spread each other in a cycle, and that no operation or fragment expands to more than
/// [`MAX_EXPANDED_FIELDS`] selections (fields, spreads and inline fragments), so that the
/// walks async-graphql makes of the expanded document next stay small.
pub fn check_expansion(document: &ExecutableDocument) -> Result<(), String> {
    if document.fragments.len() > MAX_FRAGMENTS {
        return Err(format!(
            "the document defines {} fragments; at most {MAX_FRAGMENTS} are allowed",
            document.fragments.len()
        ));
    }
    let shapes: HashMap<&str, Shape> = document
        .fragments
        .iter()
        .map(|(name, fragment)| (name.as_str(), shape(&fragment.node.selection_set.node)))
        .collect();
    let too_many = || {
        format!(
            "the document expands to more than {MAX_EXPANDED_FIELDS} selections once its \
             fragments are spread"
        )
    };
    // Sizes of fragments, resolved depth-first without recursion; `None` marks a fragment
    // whose size is being computed, so meeting it again is a cycle.
    let mut sizes: HashMap<&str, Option<u64>> = HashMap::new();
    for &root in shapes.keys() {
        let mut stack: Vec<&str> = vec![root];
        while let Some(&name) = stack.last() {
            if let Some(Some(_)) = sizes.get(name) {
                stack.pop();
                continue;
            }
            sizes.insert(name, None);
            let Some(shape) = shapes.get(name) else {
                return Err(format!("fragment {name:?} is not defined"));
            };
            let mut waiting = false;
            for &spread in shape.spreads.keys() {
                match sizes.get(spread) {
                    Some(Some(_)) => {}
                    Some(None) if stack.contains(&spread) => {
                        return Err(format!("fragment {spread:?} spreads itself"));
                    }
                    _ => {
                        stack.push(spread);
                        waiting = true;
                    }
                }
            }
            if waiting {
                continue;
            }
            let size = expanded(shape, &sizes).ok_or_else(too_many)?;
            sizes.insert(name, Some(size));
            stack.pop();
        }
    }
    for (_, operation) in document.operations.iter() {
        let shape = shape(&operation.node.selection_set.node);
        if let Some(name) = shape
            .spreads
            .keys()
            .find(|name| !shapes.contains_key(*name))
        {
            return Err(format!("fragment {name:?} is not defined"));
        }
        expanded(&shape, &sizes).ok_or_else(too_many)?;
    }
    Ok(())
}

/// A shape's size with every spread expanded, `None` past [`MAX_EXPANDED_FIELDS`].
fn expanded(shape: &Shape, sizes: &HashMap<&str, Option<u64>>) -> Option<u64> {
    let mut total = shape.nodes;
    for (name, times) in &shape.spreads {
        let size = sizes.get(name).copied().flatten().unwrap_or(0);
        total = total.checked_add(size.checked_mul(*times)?)?;
    }
    (total <= MAX_EXPANDED_FIELDS).then_some(total)
}

/// A document of about 1 KB in which each of `levels` fragments spreads only the next one,
/// twice, and the last spreads `last`.
#[cfg(test)]
pub(crate) fn spread_fan_out(levels: usize, last: &str) -> String {
    let mut text = String::from("query { ...F0 }\n");
    for i in 0..levels {
        let next = i + 1;
        text.push_str(&format!(
            "fragment F{i} on QueryRoot {{ ...F{next} ...F{next} }}\n"
        ));
    }
    text.push_str(&format!("fragment F{levels} on QueryRoot {{ {last} }}\n"));
    text
}

/// A document of about 1 KB in which each of `levels` fragments spreads the next one twice,
/// so that it expands to 2^levels copies of `plan { code }`.
#[cfg(test)]
pub(crate) fn fan_out(levels: usize) -> String {
    spread_fan_out(levels, "plan { code }")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested_list(depth: usize) -> String {
        format!(
            "{{ tasks(filter: {{ numbers: {}1{} }}) {{ totalCount }} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    }

    #[test]
    fn values_nested_within_the_limit_pass_and_deeper_ones_are_refused() {
        assert!(check_text(&nested_list(MAX_VALUE_NESTING - 1)).is_ok());
        assert!(check_text(&nested_list(MAX_VALUE_NESTING + 1)).is_err());
        let objects = format!(
            "query($a: T = {}1{}) {{ plan {{ code }} }}",
            "{a: ".repeat(40),
            "}".repeat(40)
        );
        assert!(check_text(&objects).is_err(), "a variable's default");
        let directive = format!(
            "{{ plan @skip(if: {}true{}) {{ code }} }}",
            "[".repeat(40),
            "]".repeat(40)
        );
        assert!(check_text(&directive).is_err(), "a directive's argument");
    }

    #[test]
    fn selection_sets_are_not_values_and_strings_and_comments_do_not_count() {
        let selections = format!("{}plan{}", "{ a ".repeat(40), " }".repeat(40));
        assert!(check_text(&selections).is_ok());
        let text = format!(
            "{{ tasks(filter: {{ search: \"{}\" }}) {{ totalCount }} }} # {}\n",
            "[{".repeat(100),
            "[".repeat(100)
        );
        assert!(check_text(&text).is_ok());
        let block = format!(
            "{{ plan(x: \"\"\" {} \\\"\"\" \"\"\") {{ code }} }}",
            "[".repeat(100)
        );
        assert!(check_text(&block).is_ok());
        assert!(
            check_text(&"{ a ".repeat(70)).is_err(),
            "any bracket nesting is bounded"
        );
    }

    #[test]
    fn json_nesting_counts_brackets_outside_strings() {
        assert_eq!(json_nesting(br#"{"a":[1,{"b":"[[[[\"["}]}"#, 100), 3);
        assert_eq!(json_nesting(&b"[".repeat(10_000), 40), 41);
    }

    #[test]
    fn deep_variables_are_refused() {
        let mut value = serde_json::json!(1);
        for _ in 0..40 {
            value = serde_json::json!([value]);
        }
        let variables = Variables::from_json(serde_json::json!({ "x": value }));
        assert!(check_variables(&variables).is_err());
        let flat = Variables::from_json(serde_json::json!({ "x": [[1, 2], { "a": [3] }] }));
        assert!(check_variables(&flat).is_ok());
    }

    #[test]
    fn fragment_fan_out_is_refused_without_walking_it() {
        let small = async_graphql::parser::parse_query(fan_out(5)).expect("parses");
        assert!(check_expansion(&small).is_ok(), "2^5 × 2 fields is fine");
        let started = std::time::Instant::now();
        let huge = async_graphql::parser::parse_query(fan_out(60)).expect("parses");
        assert!(check_expansion(&huge).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn fragments_that_only_spread_fragments_count_their_spreads() {
        let small =
            async_graphql::parser::parse_query(spread_fan_out(5, "plan { code }")).expect("parses");
        assert!(check_expansion(&small).is_ok());
        for levels in [11, 26, 60] {
            let spreads = spread_fan_out(levels, "...F0x");
            let document = async_graphql::parser::parse_query(&spreads).expect("parses");
            assert!(check_expansion(&document).is_err(), "{levels} levels");
        }
        let defined = spread_fan_out(11, "__typename");
        let document = async_graphql::parser::parse_query(&defined).expect("parses");
        let refused = check_expansion(&document).expect_err("2^11 spreads");
        assert!(refused.contains("selections"), "{refused}");
    }

    #[test]
    fn spreads_of_undefined_fragments_are_refused() {
        for text in [
            "query { ...Missing }",
            "query { plan { code } } fragment A on QueryRoot { ...Missing }",
        ] {
            let document = async_graphql::parser::parse_query(text).expect("parses");
            let refused = check_expansion(&document).expect_err(text);
            assert!(refused.contains("\"Missing\" is not defined"), "{refused}");
        }
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let document = async_graphql::parser::parse_query(
            "query { ...A } fragment A on QueryRoot { plan { code } ...B } \
             fragment B on QueryRoot { ...A }",
        )
        .expect("parses");
        assert!(check_expansion(&document).is_err());
    }
}
