use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Secret whose `data` or `stringData` holds at least one key, in
    /// a file. The finding points at the first key (of whichever of the two
    /// comes first in the file). Not applied at admission: a Secret reaching
    /// the API server is how secrets get there.
    ///
    /// ## Why is this bad?
    /// The handbook keeps YAML in Git, and Git keeps everything forever:
    /// base64 is an encoding, not encryption, so anyone with read access to
    /// the repository, its forks or its CI logs has the values.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// metadata:
    ///   name: shop-db
    /// data:
    ///   password: c2VjcmV0
    /// ```
    /// Use instead:
    /// ```yaml
    /// # Create the Secret at deploy time from the vault, or commit a
    /// # SealedSecret / ExternalSecret that references it.
    /// kind: ExternalSecret
    /// metadata:
    ///   name: shop-db
    /// ```
    pub struct SecretInManifest;
    name: "secret-in-manifest",
    category: Secrets,
    severity: Error,
    summary: "Secret values are committed in a manifest.",
}

impl Rule for SecretInManifest {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.group() != "" || object.kind != "Secret" {
            return;
        }
        let first_keys = ["data", "stringData"].into_iter().filter_map(|field| {
            let (key, value) = object.root.get(field)?.entries().next()?;
            Some((field, key, value))
        });
        let Some((field, key, value)) = first_keys.min_by_key(|(_, key, _)| key.span().start) else { return };
        let name = key.scalar_text().unwrap_or("?");
        cx.report(self, value, format!("{} carries the value of `{name}` in `{field}`", object.display_name())).help(
            "keep secret values out of Git: create the Secret at deploy time or commit a SealedSecret/ExternalSecret",
        );
    }
}
