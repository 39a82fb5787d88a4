//! Number parsing straight from bytes.
//!
//! Coordinates must be "parsed from their decimal text to the nearest
//! IEEE-754 binary64 value" (gebiedsscan spec). The fast path is exact: a
//! decimal with at most 15 significant digits and at most 22 fraction digits
//! is `m / 10^k` with `m < 2^53` and `10^k` both exactly representable, and a
//! single IEEE division of two exact values is correctly rounded (Clinger's
//! fast path). Everything else (exponents, long mantissas) goes to the
//! standard library parser, which is also correctly rounded.

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Parses a decimal number (`-12.5`, `206335.699`, `1e3`, `.5`). No
/// surrounding whitespace; `inf`/`nan` are rejected.
#[inline]
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut mant: u64 = 0;
    let mut sig = 0usize; // significant digits taken into `mant`
    let mut frac = 0usize; // digits after the point
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut i = 0;
    while i < digits.len() {
        let c = digits[i];
        if c.is_ascii_digit() {
            seen_digit = true;
            if mant == 0 && c == b'0' {
                // leading zero: not significant
            } else {
                sig += 1;
                if sig > 15 {
                    return slow(s);
                }
                mant = mant * 10 + u64::from(c - b'0');
            }
            if seen_point {
                frac += 1;
            }
        } else if c == b'.' && !seen_point {
            seen_point = true;
        } else if c == b'e' || c == b'E' {
            return if seen_digit { slow(s) } else { None };
        } else {
            return None;
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    if frac > 22 {
        return slow(s);
    }
    let v = mant as f64 / POW10[frac];
    Some(if neg { -v } else { v })
}

#[cold]
fn slow(s: &[u8]) -> Option<f64> {
    let t = std::str::from_utf8(s).ok()?;
    // Rust accepts "inf", "nan", "infinity": not numbers in XML/CSV data here.
    if t.bytes()
        .any(|c| c.is_ascii_alphabetic() && c != b'e' && c != b'E')
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses an unsigned decimal integer (`[0-9]+`, optional leading `+`).
#[inline]
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    let s = s.strip_prefix(b"+").unwrap_or(s);
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
    }
    Some(v)
}

/// Parses a signed decimal integer.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    match s.first()? {
        b'-' => {
            let v = parse_u64(&s[1..])?;
            if s.get(1) == Some(&b'+') {
                return None;
            }
            0i64.checked_sub_unsigned(v)
        }
        _ => i64::try_from(parse_u64(s)?).ok(),
    }
}

/// XML whitespace (space, tab, CR, LF).
#[inline]
pub fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Trims XML whitespace on both sides.
pub fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if is_ws(*first) {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if is_ws(*last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Splits on runs of XML whitespace, yielding (offset, token).
pub fn tokens(s: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < s.len() && is_ws(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            return None;
        }
        let start = i;
        while i < s.len() && !is_ws(s[i]) {
            i += 1;
        }
        Some((start, &s[start..i]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        for s in [
            "206335.699",
            "447529.842",
            "0.0",
            "-1.5",
            "+2",
            "0.1",
            "123456789012345",
            "1234567890123456789",
            "1e3",
            "1.5E-3",
            ".5",
            "5.",
            "0000.000100",
            "0.30000000000000004",
            "9007199254740993",
        ] {
            assert_eq!(parse_f64(s.as_bytes()), s.parse::<f64>().ok(), "{s}");
        }
        for s in [
            "", "-", ".", "1.2.3", "1,5", "abc", "inf", "NaN", "1e", "e5", " 1", "1 ",
        ] {
            assert_eq!(parse_f64(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn ints() {
        assert_eq!(parse_u64(b"306"), Some(306));
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"3a"), None);
        assert_eq!(parse_u64(b"99999999999999999999"), None);
        assert_eq!(parse_i64(b"-12"), Some(-12));
        assert_eq!(parse_i64(b"-+12"), None);
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn token_offsets() {
        let t: Vec<_> = tokens(b"  1 2\n 3").collect();
        assert_eq!(t, vec![(2, &b"1"[..]), (4, &b"2"[..]), (7, &b"3"[..])]);
        assert_eq!(trim(b" \n a b \t"), b"a b");
    }
}
