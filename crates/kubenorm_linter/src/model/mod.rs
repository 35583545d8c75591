//! Typed views over YAML nodes: objects, workloads, containers, and the
//! Kubernetes value types rules compare (quantities, selectors, image
//! references); and a Dockerfile's stages. Views borrow the document; nothing is copied.

mod dockerfile;
pub mod image;
mod image_ref;
mod object;
mod quantity;
mod selector;
mod workload;

pub use dockerfile::{Base, Dockerfile, Expanded, Stage, expand};
pub use image::ImageModel;
pub use image_ref::ImageRef;
pub use object::{Object, cluster_scoped};
pub use quantity::Quantity;
pub use selector::{LabelSelector, Requirement, labels_of};
pub use workload::{Container, ContainerKind, Workload};
