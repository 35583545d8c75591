//! Images: where container images come from, how they are named and pinned.

mod image_name_nonconforming;
mod image_registry_not_allowed;
mod image_tag_floating;
pub(crate) mod policy;

pub use image_name_nonconforming::ImageNameNonconforming;
pub use image_registry_not_allowed::ImageRegistryNotAllowed;
pub use image_tag_floating::ImageTagFloating;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&ImageRegistryNotAllowed, &ImageNameNonconforming, &ImageTagFloating];
