//! Logs and storage: logs leave the pod onto the NAS, in the handbook's layout.

mod log_path_nonconforming;
mod log_volume_missing;
mod logs;
mod nas_path_nonconforming;
mod storage_class_not_allowed;

pub use log_path_nonconforming::LogPathNonconforming;
pub use log_volume_missing::LogVolumeMissing;
pub use nas_path_nonconforming::NasPathNonconforming;
pub use storage_class_not_allowed::StorageClassNotAllowed;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] =
    &[&LogVolumeMissing, &LogPathNonconforming, &NasPathNonconforming, &StorageClassNotAllowed];
