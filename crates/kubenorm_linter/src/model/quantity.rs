//! Kubernetes resource quantities (`500m`, `1Gi`, `1e3`), compared exactly.
//!
//! Follows k8s.io/apimachinery/pkg/api/resource: a signed decimal number with
//! an optional binary suffix (`Ki`..`Ei`), decimal suffix (`n`, `u`, `m`, ``,
//! `k`, `M`..`E`) or decimal exponent (`e3`, `E-2`).

use std::cmp::Ordering;

/// A parsed quantity: `mantissa × 10^exp10 × 2^exp2`, kept exact.
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    negative: bool,
    /// Digits without the decimal point.
    mantissa: u128,
    exp10: i32,
    exp2: u32,
}

impl Quantity {
    pub fn parse(s: &str) -> Option<Quantity> {
        let s = s.trim();
        let (negative, rest) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_len);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 36 {
            return None;
        }
        let mantissa: u128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        let mut exp10 = -(frac_part.len() as i32);
        let mut exp2 = 0u32;
        match suffix {
            "" => {}
            "Ki" => exp2 = 10,
            "Mi" => exp2 = 20,
            "Gi" => exp2 = 30,
            "Ti" => exp2 = 40,
            "Pi" => exp2 = 50,
            "Ei" => exp2 = 60,
            "n" => exp10 -= 9,
            "u" => exp10 -= 6,
            "m" => exp10 -= 3,
            "k" => exp10 += 3,
            "M" => exp10 += 6,
            "G" => exp10 += 9,
            "T" => exp10 += 12,
            "P" => exp10 += 15,
            "E" => exp10 += 18,
            other => {
                let exp = other.strip_prefix(['e', 'E'])?;
                let value: i32 = exp.parse().ok()?;
                if !(-100..=100).contains(&value) {
                    return None;
                }
                exp10 += value;
            }
        }
        Some(Quantity { negative: negative && mantissa != 0, mantissa, exp10, exp2 })
    }

    /// Compares two quantities exactly (as `resource.Quantity.Cmp` does).
    pub fn cmp_value(&self, other: &Quantity) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            _ => {}
        }
        let magnitude = Self::cmp_magnitude(self, other);
        if self.negative { magnitude.reverse() } else { magnitude }
    }

    fn cmp_magnitude(a: &Quantity, b: &Quantity) -> Ordering {
        // Scale both to a common power of ten, then compare m·2^e2 as big numbers.
        let common = a.exp10.min(b.exp10);
        let scale = |q: &Quantity| -> Option<Vec<u32>> {
            let mut n = BigUint::from(q.mantissa);
            n.mul_pow(10, (q.exp10 - common) as u32)?;
            n.mul_pow(2, q.exp2)?;
            Some(n.0)
        };
        match (scale(a), scale(b)) {
            (Some(x), Some(y)) => BigUint(x).cmp(&BigUint(y)),
            // Overflow of our bound means a quantity far outside any real value.
            _ => (a.mantissa as f64 * 10f64.powi(a.exp10) * 2f64.powi(a.exp2 as i32))
                .total_cmp(&(b.mantissa as f64 * 10f64.powi(b.exp10) * 2f64.powi(b.exp2 as i32))),
        }
    }
}

/// Just enough arbitrary-precision arithmetic for exact comparisons.
struct BigUint(Vec<u32>);

impl BigUint {
    fn from(v: u128) -> Self {
        let mut limbs = Vec::new();
        let mut v = v;
        while v > 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        BigUint(limbs)
    }

    fn mul_pow(&mut self, base: u32, exp: u32) -> Option<()> {
        if exp > 400 {
            return None;
        }
        for _ in 0..exp {
            let mut carry = 0u64;
            for limb in &mut self.0 {
                let v = u64::from(*limb) * u64::from(base) + carry;
                *limb = v as u32;
                carry = v >> 32;
            }
            if carry > 0 {
                self.0.push(carry as u32);
            }
        }
        Some(())
    }
}

impl PartialEq for BigUint {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for BigUint {}
impl PartialOrd for BigUint {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for BigUint {
    fn cmp(&self, other: &Self) -> Ordering {
        let trim = |v: &[u32]| v.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
        let (a, b) = (&self.0[..trim(&self.0)], &other.0[..trim(&other.0)]);
        a.len().cmp(&b.len()).then_with(|| a.iter().rev().cmp(b.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Quantity::parse(a).unwrap().cmp_value(&Quantity::parse(b).unwrap())
    }

    #[test]
    fn compares_like_kubernetes() {
        assert_eq!(cmp("500m", "1"), Ordering::Less);
        assert_eq!(cmp("1Gi", "1G"), Ordering::Greater);
        assert_eq!(cmp("1000m", "1"), Ordering::Equal);
        assert_eq!(cmp("1.5", "1500m"), Ordering::Equal);
        assert_eq!(cmp("1Ki", "1024"), Ordering::Equal);
        assert_eq!(cmp("1e3", "1k"), Ordering::Equal);
        assert_eq!(cmp("128974848", "129e6"), Ordering::Less);
        assert_eq!(cmp("123Mi", "129M"), Ordering::Less);
        assert_eq!(cmp("0.1", "100m"), Ordering::Equal);
        assert_eq!(cmp("-1", "0"), Ordering::Less);
        assert_eq!(cmp("1Ei", "1E"), Ordering::Greater);
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "1.2.3", "1Gb", "1e", ".", "--1"] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
    }
}
