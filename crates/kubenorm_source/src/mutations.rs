//! Deterministic mutations of a seed text, for tests that no input can make
//! a parser or a rule panic (here, not in a test module, because the linter's
//! tests use it too).

/// `count` variants of `seed`, each with 1 to `max_edits` bytes replaced,
/// removed or inserted (from `alphabet`), drawn by a xorshift generator that
/// starts at `state`: the same arguments give the same inputs on every run.
pub fn mutations<'a>(
    seed: &'a str,
    alphabet: &'a [u8],
    max_edits: u64,
    count: usize,
    mut state: u64,
) -> impl Iterator<Item = String> + 'a {
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count).map(move |_| {
        let mut m = seed.as_bytes().to_vec();
        for _ in 0..(next() % max_edits + 1) {
            let i = (next() as usize) % m.len();
            match next() % 3 {
                0 => m[i] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    m.remove(i);
                }
                _ => m.insert(i, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        String::from_utf8_lossy(&m).into_owned()
    })
}
