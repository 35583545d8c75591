//! `kubenorm serve` and `kubenorm certs`: argument plumbing around
//! `kubenorm_webhook`.

use crate::cli::{CertsArgs, ServeArgs};
use anyhow::{Context, Result, bail};
use kubenorm_webhook::ServeOptions;
use kubenorm_webhook::certs::{self, CertRequest};
use std::path::Path;

pub fn serve(args: ServeArgs) -> Result<()> {
    let metrics_addr = match args.metrics_addr.as_str() {
        "off" | "" => None,
        addr => {
            Some(addr.parse().with_context(|| format!("--metrics-addr `{addr}` is not an address like 0.0.0.0:9090"))?)
        }
    };
    let config = match args.config {
        Some(path) => Some(path),
        None => crate::inputs::discover_config(Path::new(".")),
    };
    let options = ServeOptions {
        addr: args.addr,
        metrics_addr,
        config,
        read_timeout: args.read_timeout,
        reload_interval: args.reload_interval,
        shutdown_timeout: args.shutdown_timeout,
        log_file: args.log_file,
        ..ServeOptions::new(args.tls_cert, args.tls_key)
    };
    kubenorm_webhook::run_until_signal(options, args.jobs)?;
    Ok(())
}

/// Writes the files and returns the caBundle.
pub fn certs(args: &CertsArgs) -> Result<String> {
    if args.service.is_empty() || args.namespace.is_empty() {
        bail!("--service and --namespace must not be empty");
    }
    let request = CertRequest {
        service: args.service.clone(),
        namespace: args.namespace.clone(),
        hosts: args.hosts.clone(),
        days: args.days,
    };
    let bundle = certs::generate(&request)?;
    bundle.write(&args.out, args.force)?;
    eprintln!(
        "wrote ca.crt, ca.key, tls.crt, tls.key to {} for {}; the caBundle follows on stdout",
        args.out.display(),
        request.dns_names().join(", ")
    );
    Ok(bundle.ca_bundle())
}
