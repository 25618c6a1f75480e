//! "Did you mean" suggestions shared by the packet model and the language.

/// Optimal-string-alignment edit distance (Damerau–Levenshtein without
/// repeated transpositions), case-insensitive.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo
/// (or `word` is a prefix of it).
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = match word.chars().count() {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let mut dist = distance(word, c);
        if dist > limit && lower.len() >= 3 && c.to_lowercase().starts_with(&lower) {
            dist = limit;
        }
        if dist <= limit && best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("typ", "type"), 1);
        assert_eq!(distance("tpye", "type"), 1);
        assert_eq!(distance("ICMP", "icmp"), 0);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggestions() {
        let fields = ["type", "code", "chksum", "id", "seq"];
        assert_eq!(closest("typ", fields), Some("type"));
        assert_eq!(closest("chksm", fields), Some("chksum"));
        assert_eq!(closest("zzzzzz", fields), None);
        assert_eq!(
            closest("echo-requets", ["echo-request", "echo-reply"]),
            Some("echo-request")
        );
    }
}
