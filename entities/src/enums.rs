//! Closed vocabularies shared by the models, the seed files and the API.
//!
//! Each enum is stored as its upper-case string value and (de)serialised from the same string
//! in the seed files, so one spelling is used everywhere.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $value)]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// The stored and serialised spelling of this value.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value,)+ }
            }

            /// The value with this stored spelling, if any.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($value => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

string_enum!(
    /// Tier of government (or outside it) an agency belongs to.
    AgencyLevel {
        /// Government, Government Office, ministries.
        Central = "CENTRAL",
        /// Provincial People's Committee, its office, departments and sector bodies.
        Province = "PROVINCE",
        /// District-level People's Committees.
        District = "DISTRICT",
        /// Commune-level People's Committees.
        Commune = "COMMUNE",
        /// Enterprises and press outside the state administration.
        NonState = "NON_STATE",
    }
);

string_enum!(
    /// Which part of the plan a clause belongs to.
    ClauseKind {
        /// Section I: objectives.
        Objective = "OBJECTIVE",
        /// Section II: main tasks.
        MainTask = "MAIN_TASK",
        /// Section III: solutions.
        Solution = "SOLUTION",
        /// Section IV: duties of named agencies.
        Duty = "DUTY",
    }
);

string_enum!(
    /// Reported state of a task or of one agency's assignment on it.
    TaskStatus {
        NotStarted = "NOT_STARTED",
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
        Blocked = "BLOCKED",
    }
);

string_enum!(
    /// How a task's timeline repeats.
    Recurrence {
        /// A span of years ("2016-2017"); due 31 December of the end year.
        Once = "ONCE",
        /// Every year ("Hàng năm").
        Annual = "ANNUAL",
        /// From a year on, with no end ("Năm 2016 và các năm tiếp theo").
        Ongoing = "ONGOING",
    }
);

string_enum!(
    /// An agency's role on a task.
    AssignmentRole {
        /// Cơ quan chủ trì: carries the task and reports on it.
        Lead = "LEAD",
        /// Cơ quan phối hợp: helps the lead.
        Cooperating = "COOPERATING",
    }
);

string_enum!(
    /// Whether a higher KPI value is an improvement.
    KpiDirection {
        HigherIsBetter = "HIGHER_IS_BETTER",
        LowerIsBetter = "LOWER_IS_BETTER",
    }
);

string_enum!(
    /// Layer of the provincial e-government architecture (framework v1.0, 2015).
    ArchitectureLayer {
        Users = "USERS",
        AccessChannels = "ACCESS_CHANNELS",
        Portals = "PORTALS",
        Services = "SERVICES",
        Integration = "INTEGRATION",
        SharedApplications = "SHARED_APPLICATIONS",
        Data = "DATA",
        Infrastructure = "INFRASTRUCTURE",
        Security = "SECURITY",
        Governance = "GOVERNANCE",
    }
);

string_enum!(
    /// What sort of thing an architecture component is.
    ComponentKind {
        UserGroup = "USER_GROUP",
        Channel = "CHANNEL",
        Portal = "PORTAL",
        Service = "SERVICE",
        Application = "APPLICATION",
        Platform = "PLATFORM",
        Database = "DATABASE",
        Network = "NETWORK",
        Facility = "FACILITY",
        SecurityControl = "SECURITY_CONTROL",
        Framework = "FRAMEWORK",
        Regulation = "REGULATION",
    }
);

string_enum!(
    /// Where a component is in its life.
    Lifecycle {
        Planned = "PLANNED",
        Building = "BUILDING",
        Operational = "OPERATIONAL",
        Retiring = "RETIRING",
        Retired = "RETIRED",
    }
);

string_enum!(
    /// Administrative reach of a component.
    Scope {
        National = "NATIONAL",
        Province = "PROVINCE",
        District = "DISTRICT",
        Commune = "COMMUNE",
    }
);

string_enum!(
    /// Typed relation between two components; every kind reads "from depends on to".
    RelationKind {
        Uses = "USES",
        IntegratesWith = "INTEGRATES_WITH",
        HostedOn = "HOSTED_ON",
        ConnectedVia = "CONNECTED_VIA",
        ProtectedBy = "PROTECTED_BY",
        PartOf = "PART_OF",
    }
);

string_enum!(
    /// What an account may do.
    UserRole {
        /// DIC staff: everything, including accounts and KPI values.
        Planner = "PLANNER",
        /// An officer of one agency: reports on the tasks it leads.
        Agency = "AGENCY",
        /// Leadership: reads everything, changes nothing.
        Leader = "LEADER",
    }
);

string_enum!(
    /// A planner's decision on a status report.
    ReviewDecision {
        /// Checked and found right: the report keeps counting.
        Accept = "ACCEPT",
        /// Sent back: the report stops counting in every figure until the agency reports again.
        Return = "RETURN",
    }
);
