//! The shape of the seed files, and the checks that tie them together.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entities::{
    AgencyLevel, ArchitectureLayer, ClauseKind, ComponentKind, KpiDirection, Lifecycle, Recurrence,
    RelationKind, Scope,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::SeedError;

/// The data files, in load order, with their names for error messages.
const FILES: [(&str, &str); 6] = [
    ("agencies.toml", include_str!("../data/agencies.toml")),
    ("plan.toml", include_str!("../data/plan.toml")),
    ("clauses.toml", include_str!("../data/clauses.toml")),
    ("tasks.toml", include_str!("../data/tasks.toml")),
    ("kpis.toml", include_str!("../data/kpis.toml")),
    (
        "architecture.toml",
        include_str!("../data/architecture.toml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgenciesFile {
    pub agency: Vec<AgencySeed>,
    pub group: Vec<GroupSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgencySeed {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    pub short_en: Option<String>,
    pub level: AgencyLevel,
    #[serde(default)]
    pub named_in_plan: bool,
    #[serde(default)]
    pub collective: bool,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupSeed {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub open: bool,
    pub members: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanFile {
    pub plan: PlanSeed,
    pub baseline: Vec<BaselineSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanSeed {
    pub code: String,
    #[serde(deserialize_with = "toml_date")]
    pub issued_on: NaiveDate,
    pub title_vi: String,
    pub title_en: String,
    pub issuer: String,
    pub place_vi: String,
    pub signed_by: String,
    pub signer_title_vi: String,
    pub signer_title_en: String,
    pub implements: String,
    #[serde(deserialize_with = "toml_date")]
    pub implements_issued_on: NaiveDate,
    pub implements_title_vi: String,
    pub implements_title_en: String,
    pub summary_vi: String,
    pub summary_en: String,
}

/// Reads a TOML local date (`2016-04-01`, unquoted) into a calendar date.
fn toml_date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error;
    let value = toml::value::Datetime::deserialize(deserializer)?;
    match (value.date, value.time) {
        (Some(date), None) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .ok_or_else(|| D::Error::custom(format!("{value} is not a calendar date"))),
        _ => Err(D::Error::custom(format!(
            "expected a date such as 2016-04-01, got {value}"
        ))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaselineSeed {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub value: f64,
    pub unit: String,
    pub out_of: Option<f64>,
    pub year: Option<i32>,
    pub quote_vi: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClausesFile {
    pub clause: Vec<ClauseSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClauseSeed {
    pub code: String,
    pub kind: ClauseKind,
    pub parent: Option<String>,
    pub title_vi: String,
    pub title_en: String,
    #[serde(default)]
    pub title_derived: bool,
    pub text_vi: String,
    pub text_en: String,
    #[serde(default)]
    pub agencies: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TasksFile {
    pub task: Vec<TaskSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TaskSeed {
    pub number: i32,
    pub title_vi: String,
    pub title_en: String,
    pub lead: Vec<String>,
    pub cooperating: Vec<String>,
    pub lead_text_vi: String,
    pub cooperating_text_vi: String,
    pub timeline_vi: String,
    pub recurrence: Recurrence,
    pub start_year: i32,
    pub end_year: Option<i32>,
    #[serde(default)]
    pub clauses: Vec<String>,
}

impl TaskSeed {
    /// Due date of a span: 31 December of its end year. Annual and ongoing tasks have none.
    pub fn due_date(&self) -> Option<NaiveDate> {
        match self.recurrence {
            Recurrence::Once => self
                .end_year
                .and_then(|year| NaiveDate::from_ymd_opt(year, 12, 31)),
            Recurrence::Annual | Recurrence::Ongoing => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KpisFile {
    pub kpi: Vec<KpiSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KpiSeed {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    pub direction: KpiDirection,
    pub clause: String,
    pub objective: Option<String>,
    pub definition_vi: String,
    pub definition_en: String,
    pub quote_vi: String,
    pub baseline: Option<YearValue>,
    #[serde(default)]
    pub targets: Vec<YearValue>,
    pub target_note: Option<String>,
    #[serde(default)]
    pub tasks: Vec<i32>,
    #[serde(default)]
    pub measurement: Vec<MeasurementSeed>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct YearValue {
    pub year: i32,
    pub value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MeasurementSeed {
    pub year: i32,
    pub value: f64,
    pub source: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArchitectureFile {
    pub component: Vec<ComponentSeed>,
    #[serde(default)]
    pub relation: Vec<RelationSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComponentSeed {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub layer: ArchitectureLayer,
    pub kind: ComponentKind,
    pub lifecycle: Lifecycle,
    pub owner: Option<String>,
    pub scope: Scope,
    #[serde(default)]
    pub external: bool,
    pub description_vi: String,
    pub description_en: String,
    #[serde(default)]
    pub clauses: Vec<String>,
    #[serde(default)]
    pub tasks: Vec<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RelationSeed {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    pub note: Option<String>,
}

/// All seed files, parsed and cross-checked.
#[derive(Debug)]
pub struct SeedData {
    pub(crate) agencies: AgenciesFile,
    pub(crate) plan: PlanFile,
    pub(crate) clauses: ClausesFile,
    pub(crate) tasks: TasksFile,
    pub(crate) kpis: KpisFile,
    pub(crate) architecture: ArchitectureFile,
    digest: String,
}

fn parse_file<T: serde::de::DeserializeOwned>(index: usize) -> Result<T, SeedError> {
    let (file, text) = FILES[index];
    toml::from_str(text).map_err(|source| SeedError::Parse { file, source })
}

impl SeedData {
    /// Parses the compiled-in files and checks every cross-reference.
    pub fn parse() -> Result<Self, SeedError> {
        let mut hasher = Sha256::new();
        for (name, text) in FILES {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
            hasher.update([0]);
        }
        let digest = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let data = SeedData {
            agencies: parse_file(0)?,
            plan: parse_file(1)?,
            clauses: parse_file(2)?,
            tasks: parse_file(3)?,
            kpis: parse_file(4)?,
            architecture: parse_file(5)?,
            digest,
        };
        data.check()?;
        Ok(data)
    }

    /// Hex SHA-256 of the files' contents: the identity of this version of the seed data.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Number of appendix tasks in the data.
    pub fn task_count(&self) -> usize {
        self.tasks.task.len()
    }

    fn check(&self) -> Result<(), SeedError> {
        let agencies = unique(
            "agency",
            self.agencies.agency.iter().map(|a| a.code.as_str()),
        )?;
        let groups = unique("group", self.agencies.group.iter().map(|g| g.code.as_str()))?;
        if let Some(code) = agencies.intersection(&groups).next() {
            return invalid(format!("code {code} is both an agency and a group"));
        }
        for group in &self.agencies.group {
            if group.open && !group.members.is_empty() {
                return invalid(format!("open group {} lists members", group.code));
            }
            for member in &group.members {
                if !agencies.contains(member.as_str()) {
                    return invalid(format!(
                        "group {} lists unknown agency {member}",
                        group.code
                    ));
                }
            }
        }
        let party = |code: &str, owner: String| -> Result<(), SeedError> {
            if agencies.contains(code) || groups.contains(code) {
                Ok(())
            } else {
                invalid(format!("{owner} names unknown agency or group {code}"))
            }
        };
        party(&self.plan.plan.issuer, "the plan's issuer".into())?;
        unique(
            "baseline",
            self.plan.baseline.iter().map(|b| b.code.as_str()),
        )?;

        let clauses = unique(
            "clause",
            self.clauses.clause.iter().map(|c| c.code.as_str()),
        )?;
        for clause in &self.clauses.clause {
            if let Some(parent) = &clause.parent {
                if !clauses.contains(parent.as_str()) && !is_section(parent) {
                    return invalid(format!(
                        "clause {} has unknown parent {parent}",
                        clause.code
                    ));
                }
            }
            for code in &clause.agencies {
                party(code, format!("clause {}", clause.code))?;
            }
        }
        let clause_ref = |code: &str, owner: String| -> Result<(), SeedError> {
            if clauses.contains(code) {
                Ok(())
            } else {
                invalid(format!("{owner} refers to unknown clause {code}"))
            }
        };

        let numbers: HashSet<i32> = self.tasks.task.iter().map(|t| t.number).collect();
        if numbers.len() != self.tasks.task.len() {
            return invalid("task numbers are not unique".into());
        }
        for task in &self.tasks.task {
            let owner = || format!("task {}", task.number);
            if task.lead.is_empty() {
                return invalid(format!("{} has no lead", owner()));
            }
            for code in task.lead.iter().chain(&task.cooperating) {
                party(code, owner())?;
            }
            for code in &task.clauses {
                clause_ref(code, owner())?;
            }
            match (task.recurrence, task.end_year) {
                (Recurrence::Once, Some(end)) if end >= task.start_year => {}
                (Recurrence::Once, _) => {
                    return invalid(format!("{} is ONCE but has no valid end year", owner()))
                }
                (_, Some(_)) => return invalid(format!("{} recurs but has an end year", owner())),
                _ => {}
            }
        }
        let task_ref = |number: i32, owner: String| -> Result<(), SeedError> {
            if numbers.contains(&number) {
                Ok(())
            } else {
                invalid(format!("{owner} refers to unknown task {number}"))
            }
        };

        unique("kpi", self.kpis.kpi.iter().map(|k| k.code.as_str()))?;
        for kpi in &self.kpis.kpi {
            let owner = || format!("KPI {}", kpi.code);
            clause_ref(&kpi.clause, owner())?;
            if let Some(objective) = &kpi.objective {
                clause_ref(objective, owner())?;
            }
            for number in &kpi.tasks {
                task_ref(*number, owner())?;
            }
            let mut years = HashSet::new();
            for target in &kpi.targets {
                if !years.insert(target.year) {
                    return invalid(format!("{} has two targets for {}", owner(), target.year));
                }
            }
            let mut years = HashSet::new();
            for m in &kpi.measurement {
                if !years.insert(m.year) {
                    return invalid(format!("{} has two measurements for {}", owner(), m.year));
                }
            }
        }

        let components = unique(
            "component",
            self.architecture.component.iter().map(|c| c.code.as_str()),
        )?;
        for component in &self.architecture.component {
            let owner = || format!("component {}", component.code);
            if let Some(code) = &component.owner {
                party(code, owner())?;
            }
            for code in &component.clauses {
                clause_ref(code, owner())?;
            }
            for number in &component.tasks {
                task_ref(*number, owner())?;
            }
        }
        let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
        for relation in &self.architecture.relation {
            for end in [&relation.from, &relation.to] {
                if !components.contains(end.as_str()) {
                    return invalid(format!("relation names unknown component {end}"));
                }
            }
            if relation.from == relation.to {
                return invalid(format!("component {} depends on itself", relation.from));
            }
            edges.entry(&relation.from).or_default().push(&relation.to);
        }
        if let Some(code) = find_cycle(&edges) {
            return invalid(format!(
                "component dependencies form a cycle through {code}"
            ));
        }
        Ok(())
    }
}

fn invalid<T>(message: String) -> Result<T, SeedError> {
    Err(SeedError::Invalid(message))
}

fn is_section(code: &str) -> bool {
    matches!(code, "I" | "II" | "III" | "IV")
}

fn unique<'a>(
    what: &str,
    codes: impl Iterator<Item = &'a str>,
) -> Result<HashSet<&'a str>, SeedError> {
    let mut seen = HashSet::new();
    for code in codes {
        if !seen.insert(code) {
            return invalid(format!("{what} code {code} appears twice"));
        }
    }
    Ok(seen)
}

/// Depth-first search for a cycle; returns a component on it.
fn find_cycle<'a>(edges: &HashMap<&'a str, Vec<&'a str>>) -> Option<&'a str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Active,
        Done,
    }
    fn visit<'a>(
        node: &'a str,
        edges: &HashMap<&'a str, Vec<&'a str>>,
        marks: &mut HashMap<&'a str, Mark>,
    ) -> Option<&'a str> {
        match marks.get(node) {
            Some(Mark::Active) => return Some(node),
            Some(Mark::Done) => return None,
            None => {}
        }
        marks.insert(node, Mark::Active);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, marks) {
                return Some(found);
            }
        }
        marks.insert(node, Mark::Done);
        None
    }
    let mut marks = HashMap::new();
    let mut starts: Vec<&str> = edges.keys().copied().collect();
    starts.sort_unstable();
    starts
        .into_iter()
        .find_map(|start| visit(start, edges, &mut marks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_files_parse_and_agree_with_each_other() {
        let data = SeedData::parse().expect("seed data is valid");
        assert_eq!(data.task_count(), 27);
        assert_eq!(data.digest().len(), 64);
    }

    #[test]
    fn a_dependency_cycle_is_found() {
        let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
        edges.insert("A", vec!["B"]);
        edges.insert("B", vec!["C"]);
        assert_eq!(find_cycle(&edges), None);
        edges.insert("C", vec!["A"]);
        assert!(find_cycle(&edges).is_some());
    }

    #[test]
    fn spans_are_due_on_the_last_day_of_their_end_year() {
        let data = SeedData::parse().expect("seed data is valid");
        let task1 = data
            .tasks
            .task
            .iter()
            .find(|t| t.number == 1)
            .expect("task 1");
        assert_eq!(task1.due_date(), NaiveDate::from_ymd_opt(2017, 12, 31));
        let task2 = data
            .tasks
            .task
            .iter()
            .find(|t| t.number == 2)
            .expect("task 2");
        assert_eq!(task2.due_date(), None);
    }
}
