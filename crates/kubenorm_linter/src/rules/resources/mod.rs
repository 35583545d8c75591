//! Resources and availability.

mod compute;
mod disruption_budget_missing;
mod liveness_probe_missing;
mod readiness_probe_missing;
mod requests_exceed_limits;
mod resource_limits_missing;
mod resource_requests_missing;
mod single_replica;

pub use disruption_budget_missing::DisruptionBudgetMissing;
pub use liveness_probe_missing::LivenessProbeMissing;
pub use readiness_probe_missing::ReadinessProbeMissing;
pub use requests_exceed_limits::RequestsExceedLimits;
pub use resource_limits_missing::ResourceLimitsMissing;
pub use resource_requests_missing::ResourceRequestsMissing;
pub use single_replica::SingleReplica;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &ResourceLimitsMissing,
    &ResourceRequestsMissing,
    &RequestsExceedLimits,
    &LivenessProbeMissing,
    &ReadinessProbeMissing,
    &SingleReplica,
    &DisruptionBudgetMissing,
];
