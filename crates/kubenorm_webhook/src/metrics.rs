//! The webhook's Prometheus metrics (text format on `--metrics-addr`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub operation: String,
    pub kind: String,
    /// allowed | denied | exempt | skipped
    pub result: &'static str,
    pub dry_run: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RuleLabels {
    pub rule: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabels {
    /// success | failure
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

/// Every metric the webhook exports, registered under the `kubenorm_` prefix.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub duration: Histogram,
    pub denials: Family<RuleLabels, Counter>,
    pub warnings: Family<RuleLabels, Counter>,
    pub invalid: Family<ReasonLabels, Counter>,
    pub config_reloads: Family<ResultLabels, Counter>,
    pub cert_reloads: Family<ResultLabels, Counter>,
    pub cert_expiry: Gauge<f64, AtomicU64>,
    pub config_last_reload: Gauge<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("kubenorm");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "admission_requests",
            "AdmissionReviews answered, by operation, kind, result and dry run",
            requests.clone(),
        );
        // From 100 µs to 2.5 s: the webhook's own share is sub-millisecond.
        let duration = Histogram::new([
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ]);
        registry.register_with_unit(
            "admission_request_duration",
            "Time from reading an AdmissionReview to answering it",
            prometheus_client::registry::Unit::Seconds,
            duration.clone(),
        );
        let denials = Family::<RuleLabels, Counter>::default();
        registry.register("admission_denials", "Error findings that denied a request, by rule", denials.clone());
        let warnings = Family::<RuleLabels, Counter>::default();
        registry.register("admission_warnings", "Findings returned as warnings, by rule", warnings.clone());
        let invalid = Family::<ReasonLabels, Counter>::default();
        registry.register("admission_invalid_requests", "Requests answered with HTTP 400, by reason", invalid.clone());
        let config_reloads = Family::<ResultLabels, Counter>::default();
        registry.register("config_reloads", "Configuration reloads, by result", config_reloads.clone());
        let cert_reloads = Family::<ResultLabels, Counter>::default();
        registry.register("certificate_reloads", "TLS certificate reloads, by result", cert_reloads.clone());
        let cert_expiry = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "certificate_expiry_timestamp_seconds",
            "notAfter of the serving certificate, in Unix seconds",
            cert_expiry.clone(),
        );
        let config_last_reload = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "config_last_reload_success_timestamp_seconds",
            "When the configuration in use was loaded, in Unix seconds",
            config_last_reload.clone(),
        );
        registry.register("build", "kubenorm version", Info::new(BuildLabels { version: env!("CARGO_PKG_VERSION") }));
        Metrics {
            registry,
            requests,
            duration,
            denials,
            warnings,
            invalid,
            config_reloads,
            cert_reloads,
            cert_expiry,
            config_last_reload,
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8 * 1024);
        prometheus_client::encoding::text::encode(&mut out, &self.registry).expect("writing to a String");
        out
    }

    pub fn reload(family: &Family<ResultLabels, Counter>, ok: bool) {
        family.get_or_create(&ResultLabels { result: if ok { "success" } else { "failure" } }).inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family() {
        let m = Metrics::new();
        m.requests
            .get_or_create(&RequestLabels {
                operation: "CREATE".into(),
                kind: "Pod".into(),
                result: "denied",
                dry_run: "false",
            })
            .inc();
        m.duration.observe(0.0003);
        Metrics::reload(&m.config_reloads, false);
        let text = m.render();
        for name in [
            "kubenorm_admission_requests_total{operation=\"CREATE\",kind=\"Pod\",result=\"denied\",dry_run=\"false\"} 1",
            "kubenorm_admission_request_duration_seconds_bucket",
            "kubenorm_config_reloads_total{result=\"failure\"} 1",
            "kubenorm_build_info{version=",
            "kubenorm_certificate_expiry_timestamp_seconds",
        ] {
            assert!(text.contains(name), "{name} missing in\n{text}");
        }
    }
}
