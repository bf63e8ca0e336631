//! Raw bytes → the pure checks that stand between a request and the recursive parts of the
//! service: the document text check, the JSON nesting count, the parser and the fragment
//! expansion bound, and the parsers of dates and download options. See docs/fuzzing.md.
//!
//! Invariants:
//! - nothing panics;
//! - a document that `check_text` lets through parses without overflowing the stack of a
//!   thread as small as a tokio worker's (2 MiB), and `check_expansion` decides it quickly;
//! - in a document that `check_text` and `check_expansion` let through, no list or input object
//!   nests deeper than `MAX_VALUE_NESTING` (what the text check promises about the parsed
//!   document), and the walk async-graphql makes next (its recursion-depth check, which follows
//!   every fragment spread without memoisation, down to depth 32) visits at most
//!   [`WALK_BUDGET`] selections per operation: each visit beyond the bounded fields is a spread or
//!   an inline fragment on the way to one, at most 32 per field;
//! - `json_nesting` stops at its limit, and on valid JSON counts exactly the depth `serde_json`
//!   builds;
//! - every date that `parse_date` or `parse_options` accepts lies in the documented range.
#![no_main]

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use api::graphql::guard;
use api::services::{clock, downloads};
use async_graphql::parser::types::{
    BaseType, Directive, ExecutableDocument, Selection, SelectionSet, Type,
};
use async_graphql::parser::Positioned;
use async_graphql_value::{ConstValue, Value as GqlValue};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The stack of a tokio worker thread, where the server parses documents.
const WORKER_STACK: usize = 2 * 1024 * 1024;
/// Longest `check_text`, the parser and `check_expansion` may take together on one input.
const DECISION_BUDGET: Duration = Duration::from_secs(1);

/// async-graphql's default `recursive_depth` (the schema keeps it): its walk stops with an error
/// below this depth.
const RECURSIVE_DEPTH: usize = 32;
/// Most selections the unmemoised walk may visit in one operation of an accepted document:
/// every field the expansion bound allows, each reached through at most [`RECURSIVE_DEPTH`]
/// spreads or inline fragments.
const WALK_BUDGET: u64 = (guard::MAX_EXPANDED_FIELDS + 1) * (RECURSIVE_DEPTH as u64 + 1);

/// A thread with a tokio worker's stack that parses documents for the main thread.
struct Parser {
    jobs: SyncSender<String>,
    done: Receiver<()>,
}

fn parser() -> &'static Mutex<Parser> {
    static PARSER: OnceLock<Mutex<Parser>> = OnceLock::new();
    PARSER.get_or_init(|| {
        let (jobs, inbox) = sync_channel::<String>(0);
        let (outbox, done) = sync_channel::<()>(0);
        std::thread::Builder::new()
            .name("parser (2 MiB stack)".into())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                for text in inbox {
                    parse_and_bound(&text);
                    if outbox.send(()).is_err() {
                        break;
                    }
                }
            })
            .expect("spawning the parser thread");
        Mutex::new(Parser { jobs, done })
    })
}

/// What the server does with a document `check_text` accepted: parse it, then bound its
/// expansion; then what async-graphql does with a document the guard accepted. A stack
/// overflow here aborts the process, which libFuzzer reports.
fn parse_and_bound(text: &str) {
    let Ok(document) = async_graphql::parser::parse_query(text) else {
        return;
    };
    if guard::check_expansion(&document).is_err() {
        return;
    }
    let nesting = value_nesting(&document);
    assert!(
        nesting <= guard::MAX_VALUE_NESTING,
        "check_text let through a document whose values nest {nesting} deep"
    );
    for (name, operation) in document.operations.iter() {
        let visits = recursive_depth_walk(&document, &operation.node.selection_set.node);
        assert!(
            visits <= WALK_BUDGET,
            "check_expansion accepted a document whose operation {name:?} makes async-graphql's \
             recursion-depth check visit more than {WALK_BUDGET} selections"
        );
    }
}

/// The selections async-graphql's `check_recursive_depth` (async-graphql 7.2,
/// `src/schema.rs`) visits in one operation, in the same order, stopping where it stops (a
/// selection set deeper than [`RECURSIVE_DEPTH`]) or just past [`WALK_BUDGET`].
fn recursive_depth_walk(document: &ExecutableDocument, root: &SelectionSet) -> u64 {
    let mut visits = 0u64;
    let mut pending: Vec<(&SelectionSet, usize)> = vec![(root, 0)];
    while let Some((set, depth)) = pending.pop() {
        if depth > RECURSIVE_DEPTH {
            break;
        }
        // Pushed in reverse so that the first item is walked first, as the recursion does.
        for selection in set.items.iter().rev() {
            visits += 1;
            match &selection.node {
                Selection::Field(field) => {
                    if !field.node.selection_set.node.items.is_empty() {
                        pending.push((&field.node.selection_set.node, depth + 1));
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                    {
                        pending.push((&fragment.node.selection_set.node, depth + 1));
                    }
                }
                Selection::InlineFragment(inline) => {
                    pending.push((&inline.node.selection_set.node, depth + 1));
                }
            }
        }
        if visits > WALK_BUDGET {
            break;
        }
    }
    visits
}

/// Deepest nesting of lists and input objects anywhere in a parsed document: argument values,
/// directive arguments, variable defaults and list types.
fn value_nesting(document: &ExecutableDocument) -> usize {
    let mut values: Vec<&GqlValue> = Vec::new();
    let mut defaults: Vec<&ConstValue> = Vec::new();
    let mut types: Vec<&Type> = Vec::new();
    let mut sets: Vec<&SelectionSet> = Vec::new();
    let mut add_directives: Vec<&Vec<Positioned<Directive>>> = Vec::new();
    for (_, operation) in document.operations.iter() {
        for variable in &operation.node.variable_definitions {
            types.push(&variable.node.var_type.node);
            if let Some(default) = &variable.node.default_value {
                defaults.push(&default.node);
            }
            add_directives.push(&variable.node.directives);
        }
        add_directives.push(&operation.node.directives);
        sets.push(&operation.node.selection_set.node);
    }
    for (_, fragment) in document.fragments.iter() {
        add_directives.push(&fragment.node.directives);
        sets.push(&fragment.node.selection_set.node);
    }
    while let Some(set) = sets.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    values.extend(field.node.arguments.iter().map(|(_, v)| &v.node));
                    add_directives.push(&field.node.directives);
                    sets.push(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => add_directives.push(&spread.node.directives),
                Selection::InlineFragment(inline) => {
                    add_directives.push(&inline.node.directives);
                    sets.push(&inline.node.selection_set.node);
                }
            }
        }
    }
    for list in add_directives {
        for directive in list {
            values.extend(directive.node.arguments.iter().map(|(_, v)| &v.node));
        }
    }
    let mut deepest = 0;
    for ty in types {
        let mut depth = 0;
        let mut base = &ty.base;
        while let BaseType::List(inner) = base {
            depth += 1;
            base = &inner.base;
        }
        deepest = deepest.max(depth);
    }
    let mut pending: Vec<(&GqlValue, usize)> = values.into_iter().map(|v| (v, 0)).collect();
    while let Some((value, depth)) = pending.pop() {
        match value {
            GqlValue::List(items) => {
                deepest = deepest.max(depth + 1);
                pending.extend(items.iter().map(|v| (v, depth + 1)));
            }
            GqlValue::Object(fields) => {
                deepest = deepest.max(depth + 1);
                pending.extend(fields.values().map(|v| (v, depth + 1)));
            }
            _ => {}
        }
    }
    let mut pending: Vec<(&ConstValue, usize)> = defaults.into_iter().map(|v| (v, 0)).collect();
    while let Some((value, depth)) = pending.pop() {
        match value {
            ConstValue::List(items) => {
                deepest = deepest.max(depth + 1);
                pending.extend(items.iter().map(|v| (v, depth + 1)));
            }
            ConstValue::Object(fields) => {
                deepest = deepest.max(depth + 1);
                pending.extend(fields.values().map(|v| (v, depth + 1)));
            }
            _ => {}
        }
    }
    deepest
}

fn check_document(text: &str) {
    let started = Instant::now();
    if guard::check_text(text).is_err() {
        return;
    }
    let parser = parser().lock().unwrap_or_else(|p| p.into_inner());
    parser
        .jobs
        .send(text.to_owned())
        .expect("parser thread alive");
    parser.done.recv().expect("parser thread alive");
    let took = started.elapsed();
    assert!(
        took < DECISION_BUDGET,
        "a document of {} bytes took {took:?} to check, parse and bound",
        text.len()
    );
}

/// Depth of a parsed JSON value (arrays and objects), iteratively.
fn value_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        match value {
            Value::Array(items) => {
                deepest = deepest.max(depth + 1);
                pending.extend(items.iter().map(|v| (v, depth + 1)));
            }
            Value::Object(fields) => {
                deepest = deepest.max(depth + 1);
                pending.extend(fields.values().map(|v| (v, depth + 1)));
            }
            _ => {}
        }
    }
    deepest
}

fn check_json(bytes: &[u8], limit: usize) {
    let full = guard::json_nesting(bytes, usize::MAX);
    let bounded = guard::json_nesting(bytes, limit);
    assert_eq!(
        bounded,
        full.min(limit.saturating_add(1)),
        "json_nesting stops counting just past its limit"
    );
    // serde_json refuses nesting past 128 by itself; below that, the count must be exact.
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        assert_eq!(
            full,
            value_depth(&value),
            "json_nesting counts what serde_json builds"
        );
        if let Ok(variables) = serde_json::from_value::<async_graphql::Variables>(value) {
            let _ = guard::check_variables(&variables);
        }
    }
}

fn check_dates(text: &str) {
    if let Ok(date) = clock::parse_date(text) {
        assert!(
            (clock::FIRST_DATE..=clock::LAST_DATE).contains(&date),
            "parse_date({text:?}) accepted {date}"
        );
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    let today = clock::today();
    if let Ok(options) = downloads::parse_options(&pairs, today) {
        assert!(
            options.as_of == today
                || (clock::FIRST_DATE..=clock::LAST_DATE).contains(&options.as_of),
            "parse_options({pairs:?}) accepted {}",
            options.as_of
        );
    }
    for kpi in [false, true] {
        let _ = downloads::parse_target(text, kpi);
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_document(&text);
    // The limit varies with the input so that the early stop is exercised at every depth.
    let limit = data.first().map_or(34, |b| usize::from(*b % 64));
    check_json(data, limit);
    check_dates(&text);
});
