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
        let review = kubenorm_webhook::review::parse(&body).unwrap();
        let decision = admitter.review(&review.request().unwrap());
        allowed += usize::from(decision.response.allowed);
        std::hint::black_box(decision.response.to_review_json());
    }
    let per = start.elapsed() / n;
    println!("{n} reviews of {path}: {per:?} each ({allowed} allowed)");

    // Where the time goes: parsing the body, then the rules.
    let t = Instant::now();
    for _ in 0..n {
        let review = kubenorm_webhook::review::parse(&body).unwrap();
        std::hint::black_box(review.request().unwrap().uid.len());
    }
    println!("  parse the review (one pass, with positions): {:?}", t.elapsed() / n);
    let review = kubenorm_webhook::review::parse(&body).unwrap();
    let request = review.request().unwrap();
    let linter = kubenorm_linter::Linter::new(
        kubenorm_linter::Config::default(),
        &Default::default(),
        kubenorm_linter::Door::Admission,
    )
    .unwrap();
    let t = Instant::now();
    for _ in 0..n {
        let mut r = [linter.lint_object_standalone(request.object.unwrap())];
        std::hint::black_box(linter.finish(&mut r, &kubenorm_linter::NoSources));
    }
    println!("  lint + finish: {:?}", t.elapsed() / n);
}
