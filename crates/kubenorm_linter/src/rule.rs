//! The rule trait, rule metadata and the `declare_rule!` macro.

use crate::context::{Context, RunContext};
use crate::finding::Severity;
use crate::inventory::Inventory;
use crate::model::{Container, Dockerfile, ImageModel, Object, Workload};

/// Where a rule sits in the handbook; usable in `--select`/`--ignore`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Security,
    Resources,
    Images,
    Network,
    Namespaces,
    Storage,
    Rbac,
    Secrets,
    Api,
    Layout,
    Dockerfile,
    Image,
    Meta,
}

impl Category {
    pub const ALL: [Category; 13] = [
        Category::Security,
        Category::Resources,
        Category::Images,
        Category::Network,
        Category::Namespaces,
        Category::Storage,
        Category::Rbac,
        Category::Secrets,
        Category::Api,
        Category::Layout,
        Category::Dockerfile,
        Category::Image,
        Category::Meta,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Resources => "resources",
            Category::Images => "images",
            Category::Network => "network",
            Category::Namespaces => "namespaces",
            Category::Storage => "storage",
            Category::Rbac => "rbac",
            Category::Secrets => "secrets",
            Category::Api => "api",
            Category::Layout => "layout",
            Category::Dockerfile => "dockerfile",
            Category::Image => "image",
            Category::Meta => "meta",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Security => "Pod and container security",
            Category::Resources => "Resources and availability",
            Category::Images => "Images",
            Category::Network => "Network and exposure",
            Category::Namespaces => "Namespaces and metadata",
            Category::Storage => "Logs and storage",
            Category::Rbac => "RBAC",
            Category::Secrets => "Secrets, audit and encryption",
            Category::Api => "API versions and YAML",
            Category::Layout => "Project layout",
            Category::Dockerfile => "Dockerfiles",
            Category::Image => "Built images",
            Category::Meta => "kubenorm itself",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a rule is: its stable name, place, default severity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub summary: &'static str,
    /// The rule's doc comment (markdown): what it does, why, example, fix.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The documentation with the one leading space of each `///` line removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Gives a rule its metadata; implemented by [`declare_rule!`].
pub trait Described {
    fn meta(&self) -> &'static RuleMeta;
}

/// A check. Each hook is called for every input it applies to; a rule
/// implements the ones it needs. Rules are pure: no I/O, clock or environment.
pub trait Rule: Described + Sync + Send {
    /// Every Kubernetes object (List items included).
    fn check_object(&self, _object: &Object<'_>, _cx: &mut Context<'_>) {}
    /// Every object that carries a pod spec.
    fn check_workload(&self, _workload: &Workload<'_>, _cx: &mut Context<'_>) {}
    /// Every container, init container and ephemeral container of a workload.
    fn check_container(&self, _container: &Container<'_>, _cx: &mut Context<'_>) {}
    /// Once per run, with what all inputs together define (cross-object rules).
    fn check_inventory(&self, _inventory: &Inventory, _cx: &mut RunContext<'_>) {}
    /// Every Dockerfile that parses far enough to have a stage.
    fn check_dockerfile(&self, _dockerfile: &Dockerfile<'_>, _cx: &mut Context<'_>) {}
    /// Every built image (`kubenorm image`); report with [`Context::report_image`].
    fn check_image(&self, _image: &ImageModel, _cx: &mut Context<'_>) {}
}

/// Declares a rule struct with its metadata; the doc comment is its page.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $ty:ident;
        name: $name:literal,
        category: $category:ident,
        severity: $severity:ident,
        summary: $summary:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $ty;

        impl $ty {
            pub(crate) const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $name,
                category: $crate::rule::Category::$category,
                severity: $crate::Severity::$severity,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::rule::Described for $ty {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                &Self::META
            }
        }
    };
}
