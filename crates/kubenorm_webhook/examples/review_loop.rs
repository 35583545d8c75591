//! Time of one admission decision without the network: the engine's share of
//! a review. `cargo run --release -p kubenorm_webhook --example review_loop [REVIEW.json] [N]`
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "examples/admission/deployment-create.json".into());
    let n: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let body = std::fs::read(&path).expect("review file");
    let admitter = kubenorm_webhook::Admitter::new(kubenorm_linter::Config::default()).unwrap();
    let start = Instant::now();
    let mut allowed = 0;
    for _ in 0..n {
        let request = kubenorm_webhook::review::parse(&body).unwrap();
        let decision = admitter.review(&request);
        allowed += usize::from(decision.response.allowed);
        std::hint::black_box(decision.response.to_review_json());
    }
    let per = start.elapsed() / n;
    println!("{n} reviews of {path}: {per:?} each ({allowed} allowed)");
    // Where the time goes: the envelope, the YAML/JSON parse, the rules.
    let request = kubenorm_webhook::review::parse(&body).unwrap();
    let text = request.object_text().unwrap();
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(kubenorm_webhook::review::parse(&body).unwrap());
    }
    println!("  envelope (serde_json): {:?}", t.elapsed() / n);
    let t = Instant::now();
    let mut doc = None;
    for _ in 0..n {
        kubenorm_source::yaml::parse_stream(text, Default::default(), |d| doc = Some(d));
    }
    println!("  object parse (parse_stream): {:?}", t.elapsed() / n);
    let doc = doc.unwrap().unwrap();
    let linter = kubenorm_linter::Linter::new(
        kubenorm_linter::Config::default(),
        &Default::default(),
        kubenorm_linter::Door::Admission,
    )
    .unwrap();
    let t = Instant::now();
    for _ in 0..n {
        let mut r = [linter.lint_document_standalone(&doc)];
        std::hint::black_box(linter.finish(&mut r));
    }
    println!("  lint + finish: {:?}", t.elapsed() / n);
}

#[allow(dead_code)]
fn breakdown() {}
