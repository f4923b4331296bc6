//! A series' bars packed into one byte string, so a stored series reads back as one
//! row instead of one row per bar (decoding millions of rows dominated cold reads).
//! Little-endian, a format byte, then 48 bytes per bar: ts, open, high, low, close,
//! volume. Pure.

use super::Bar;

/// Bumped whenever the layout changes; a packed copy in another format is ignored.
const FORMAT: u8 = 1;
const BAR_BYTES: usize = 48;

pub fn pack(bars: &[Bar]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(1 + bars.len() * BAR_BYTES);
    bytes.push(FORMAT);
    for bar in bars {
        bytes.extend_from_slice(&bar.ts.to_le_bytes());
        for value in [bar.open, bar.high, bar.low, bar.close, bar.volume] {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
    }
    bytes
}

/// The bars `pack` was given; `None` for another format or a truncated copy.
pub fn unpack(bytes: &[u8]) -> Option<Vec<Bar>> {
    let (&format, body) = bytes.split_first()?;
    if format != FORMAT || body.len() % BAR_BYTES != 0 {
        return None;
    }
    let word = |bar: &[u8], i: usize| -> [u8; 8] {
        bar[i * 8..i * 8 + 8].try_into().expect("eight bytes")
    };
    Some(
        body.chunks_exact(BAR_BYTES)
            .map(|bar| Bar {
                ts: i64::from_le_bytes(word(bar, 0)),
                open: f64::from_le_bytes(word(bar, 1)),
                high: f64::from_le_bytes(word(bar, 2)),
                low: f64::from_le_bytes(word(bar, 3)),
                close: f64::from_le_bytes(word(bar, 4)),
                volume: f64::from_le_bytes(word(bar, 5)),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        (0..5)
            .map(|i| Bar {
                ts: 1_700_000_000 + i * 86_400,
                open: 100.0 + i as f64 / 3.0,
                high: 101.5,
                low: 99.25,
                close: 100.0 + (i as f64).sqrt(),
                volume: 1e9 + i as f64,
            })
            .collect()
    }

    #[test]
    fn unpacks_exactly_what_was_packed() {
        let bars = bars();
        let packed = pack(&bars);
        assert_eq!(packed.len(), 1 + 5 * BAR_BYTES);
        assert_eq!(unpack(&packed), Some(bars));
        assert_eq!(unpack(&pack(&[])), Some(vec![]));
    }

    #[test]
    fn refuses_a_truncated_copy_or_another_format() {
        let packed = pack(&bars());
        assert_eq!(unpack(&packed[..packed.len() - 1]), None);
        assert_eq!(unpack(&[]), None);
        let mut other = packed.clone();
        other[0] = FORMAT + 1;
        assert_eq!(unpack(&other), None);
    }
}
