//! GraphQL enums mirroring the stored vocabularies of `entities`, value for value.

/// Declares a GraphQL enum with the same variants as the `entities` enum of the same name, and
/// conversions both ways.
macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($variant),+
        }

        impl From<entities::$name> for $name {
            fn from(value: entities::$name) -> Self {
                match value {
                    $(entities::$name::$variant => Self::$variant),+
                }
            }
        }

        impl From<$name> for entities::$name {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => Self::$variant),+
                }
            }
        }
    };
}

mirror!(
    /// Tier of government an agency belongs to (NON_STATE: enterprises and press).
    AgencyLevel { Central, Province, District, Commune, NonState }
);
mirror!(
    /// Section of the plan a clause belongs to: I objectives, II main tasks, III solutions,
    /// IV duties.
    ClauseKind { Objective, MainTask, Solution, Duty }
);
mirror!(
    /// Reported state of a task or assignment.
    TaskStatus { NotStarted, InProgress, Completed, Blocked }
);
mirror!(
    /// ONCE: a span of years; ANNUAL: every year ("Hàng năm"); ONGOING: from a year on with no
    /// end ("Năm 2016 và các năm tiếp theo").
    Recurrence { Once, Annual, Ongoing }
);
mirror!(
    /// LEAD (cơ quan chủ trì) or COOPERATING (cơ quan phối hợp).
    AssignmentRole { Lead, Cooperating }
);
mirror!(
    /// A DIC planner's decision on a status report: ACCEPT keeps it counting; RETURN sends it
    /// back, and it stops counting in every figure until the agency reports again.
    ReviewDecision { Accept, Return }
);
mirror!(
    /// Whether a higher value of a KPI is an improvement (a rank is LOWER_IS_BETTER).
    KpiDirection { HigherIsBetter, LowerIsBetter }
);
mirror!(
    /// Layer of the provincial e-government architecture.
    ArchitectureLayer {
        Users,
        AccessChannels,
        Portals,
        Services,
        Integration,
        SharedApplications,
        Data,
        Infrastructure,
        Security,
        Governance,
    }
);
mirror!(
    /// What sort of thing an architecture component is.
    ComponentKind {
        UserGroup,
        Channel,
        Portal,
        Service,
        Application,
        Platform,
        Database,
        Network,
        Facility,
        SecurityControl,
        Framework,
        Regulation,
    }
);
mirror!(
    /// Where a component is in its life.
    Lifecycle { Planned, Building, Operational, Retiring, Retired }
);
mirror!(
    /// Administrative reach of a component.
    Scope { National, Province, District, Commune }
);
mirror!(
    /// Kind of dependency between components; every relation reads "from depends on to".
    RelationKind { Uses, IntegratesWith, HostedOn, ConnectedVia, ProtectedBy, PartOf }
);
mirror!(
    /// What an account may do: PLANNER (DIC staff, everything), AGENCY (reports for one agency),
    /// LEADER (reads everything, changes nothing).
    UserRole { Planner, Agency, Leader }
);

/// Whether a KPI is where the plan wants it in a year.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiStatus {
    /// At least as good as the planned trajectory.
    OnTrack,
    /// Worse than the planned trajectory.
    Behind,
    /// No measurement for the year, or no target.
    NoData,
}

impl From<crate::services::kpis::KpiStatus> for KpiStatus {
    fn from(value: crate::services::kpis::KpiStatus) -> Self {
        use crate::services::kpis::KpiStatus as S;
        match value {
            S::OnTrack => Self::OnTrack,
            S::Behind => Self::Behind,
            S::NoData => Self::NoData,
        }
    }
}
