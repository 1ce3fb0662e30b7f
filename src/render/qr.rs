//! QR codes of canonical page addresses, drawn at build time as SVG so that a
//! printed notice board or a phone screen can be scanned with no script or image
//! service.

use std::sync::OnceLock;

use qrcode::EcLevel;
use qrcode::bits;
use qrcode::canvas::{Canvas, Module};
use qrcode::ec;

/// Error correction M, so a slightly soiled print on a building-site hoarding
/// still scans.
const EC_LEVEL: EcLevel = EcLevel::M;

/// Light modules around the code, as the QR standard requires for scanning.
const QUIET_ZONE: usize = 4;

/// Pixels per module of the SVG's intrinsic size; the theme's CSS scales it.
const MODULE_PX: usize = 4;

/// Widest code drawn, in modules: version 25. Its rows fit a `u128` with the four
/// light modules of the quiet zone on both sides, which the penalty scoring relies on;
/// an address too long for it (about a thousand characters) would not scan from a
/// printed notice anyway.
const MAX_WIDTH: usize = 120;

/// An SVG QR code of `url` to put inline in a page; an empty string for a URL too
/// long to encode.
pub(super) fn qr_svg(url: &str) -> String {
    let Some(code) = Modules::encode(url) else {
        return String::new();
    };
    let side = code.width + 2 * QUIET_ZONE;
    let px = side * MODULE_PX;
    // One path of horizontal runs in module units: a tenth of the size of a
    // rectangle per module, which matters when every record page carries a code.
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" \
         viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    // About half the modules are dark, in runs of two on average, at ~14 bytes a run.
    svg.reserve(code.width * code.width * 4);
    for (y, &row) in code.rows.iter().enumerate() {
        let mut rest = row;
        while rest != 0 {
            let x = rest.trailing_zeros() as usize;
            let run = (rest >> x).trailing_ones() as usize;
            svg.push('M');
            push_coordinate(&mut svg, x + QUIET_ZONE);
            svg.push(' ');
            push_coordinate(&mut svg, y + QUIET_ZONE);
            svg.push('h');
            push_coordinate(&mut svg, run);
            svg.push_str("v1h-");
            push_coordinate(&mut svg, run);
            svg.push('z');
            rest &= !(((1u128 << run) - 1) << x);
        }
    }
    svg.push_str("\"/></svg>");
    svg
}

/// Appends a coordinate of the code (below 1,000) in decimal: a code's path has a
/// few hundred of them, and `write!` spent more time formatting them than the masks
/// took to choose.
fn push_coordinate(svg: &mut String, n: usize) {
    debug_assert!(n < 1000);
    let digits = [n / 100, n / 10 % 10, n % 10];
    let first = if n >= 100 {
        0
    } else if n >= 10 {
        1
    } else {
        2
    };
    for digit in &digits[first..] {
        svg.push(char::from(b'0' + *digit as u8));
    }
}

/// The square of modules of one QR code, row by row and column by column: module
/// `x` of a row in bit `x`, module `y` of a column in bit `y`, set for dark.
#[derive(Debug, Clone, PartialEq)]
struct Modules {
    width: usize,
    rows: Vec<u128>,
    columns: Vec<u128>,
}

impl Modules {
    /// Encodes `text` with the mask of the lowest penalty. The qrcode crate can
    /// choose the mask itself, but its scoring took a third of a whole site build;
    /// here each candidate costs a few word operations per row and column and is
    /// scored by the same four rules of ISO/IEC 18004 on bit sets.
    fn encode(text: &str) -> Option<Self> {
        let unmasked = Unmasked::encode(text)?;
        (0..8)
            .map(|mask| unmasked.masked(mask))
            .min_by_key(Modules::penalty)
    }

    fn light(width: usize) -> Modules {
        Modules {
            width,
            rows: vec![0; width],
            columns: vec![0; width],
        }
    }

    fn set_dark(&mut self, x: usize, y: usize) {
        self.rows[y] |= 1 << x;
        self.columns[x] |= 1 << y;
    }

    /// Whether the module at column `x`, row `y` is dark.
    #[cfg(test)]
    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.rows[y] >> x & 1 == 1
    }

    /// The mask penalty score: runs of one colour, 2×2 blocks, finder-like
    /// patterns in rows and columns, and the imbalance of dark and light.
    fn penalty(&self) -> usize {
        let w = self.width;
        let lines = self.rows.iter().chain(&self.columns);
        let mut score: usize = lines.map(|&line| line_penalty(line, w)).sum();
        // Adjacent pairs of modules of one colour in a row, bit x for x and x + 1.
        let pairs = low_bits(w - 1);
        for (&above, &below) in self.rows.iter().zip(self.rows.iter().skip(1)) {
            let same = !(above ^ below);
            let blocks = !(above ^ above >> 1) & same & same >> 1 & pairs;
            score += 3 * blocks.count_ones() as usize;
        }
        let dark: usize = self.rows.iter().map(|r| r.count_ones() as usize).sum();
        let percent = dark * 100 / (w * w);
        score + percent.abs_diff(50) / 5 * 10
    }
}

/// A code before masking, from which the eight masks make eight candidates.
struct Unmasked {
    /// The modules as drawn, the format information left light.
    drawn: Modules,
    /// The modules a mask inverts: data, error correction and remainder bits.
    maskable: Modules,
}

impl Unmasked {
    /// Draws `text` as a code of error correction level M, unmasked; `None` when it
    /// needs a code wider than [`MAX_WIDTH`].
    fn encode(text: &str) -> Option<Unmasked> {
        let bits = bits::encode_auto(text.as_bytes(), EC_LEVEL).ok()?;
        let version = bits.version();
        let width = version.width();
        if usize::try_from(width).ok()? > MAX_WIDTH {
            return None;
        }
        let (data, ec) = ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).ok()?;
        let mut canvas = Canvas::new(version, EC_LEVEL);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        let w = width as usize;
        let mut unmasked = Unmasked {
            drawn: Modules::light(w),
            maskable: Modules::light(w),
        };
        for (y, row) in (0..width).enumerate() {
            for (x, column) in (0..width).enumerate() {
                let module = canvas.get(column, row);
                if module.is_dark() {
                    unmasked.drawn.set_dark(x, y);
                }
                if matches!(module, Module::Empty | Module::Unmasked(_)) {
                    unmasked.maskable.set_dark(x, y);
                }
            }
        }
        Some(unmasked)
    }

    /// The code with mask pattern `mask` (0 to 7) and the format information that
    /// names it.
    fn masked(&self, mask: usize) -> Modules {
        let w = self.drawn.width;
        let format = format_information(w, mask);
        let patterns = &mask_patterns()[mask];
        let mut code = self.drawn.clone();
        let lines = [
            (
                &mut code.rows,
                &self.maskable.rows,
                &format.rows,
                &patterns.rows,
            ),
            (
                &mut code.columns,
                &self.maskable.columns,
                &format.columns,
                &patterns.columns,
            ),
        ];
        for (lines, maskable, format, pattern) in lines {
            for (i, line) in lines.iter_mut().enumerate() {
                *line ^= pattern[i % PATTERN_PERIOD] & maskable[i];
                *line |= format[i];
            }
        }
        code
    }
}

/// Every mask pattern repeats after this many rows and columns.
const PATTERN_PERIOD: usize = 12;

/// One mask pattern as the modules it inverts: in row `y` (bit x) and in column `x`
/// (bit y), by `y` or `x` modulo [`PATTERN_PERIOD`].
struct MaskPattern {
    rows: [u128; PATTERN_PERIOD],
    columns: [u128; PATTERN_PERIOD],
}

/// Whether mask pattern `mask` inverts the module at column `x`, row `y` (ISO/IEC
/// 18004 table 10, where i is the row and j the column).
fn inverts(mask: usize, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

/// The eight mask patterns, worked out once.
fn mask_patterns() -> &'static [MaskPattern; 8] {
    static PATTERNS: OnceLock<[MaskPattern; 8]> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let line = |dark: &dyn Fn(usize) -> bool| {
            (0..128).fold(0, |bits, i| bits | u128::from(dark(i)) << i)
        };
        std::array::from_fn(|mask| MaskPattern {
            rows: std::array::from_fn(|y| line(&|x| inverts(mask, x, y))),
            columns: std::array::from_fn(|x| line(&|y| inverts(mask, x, y))),
        })
    })
}

/// The dark modules of the format information of a code `width` modules wide with
/// error correction M and mask `mask`: two copies of a 15-bit BCH code word, most
/// significant bit first, and the dark module beside the bottom-left finder.
fn format_information(width: usize, mask: usize) -> Modules {
    // EC_LEVEL, M, is 00; the mask number follows. The test against the qrcode
    // crate catches a change of level.
    let data = mask as u32;
    let mut remainder = data;
    for _ in 0..10 {
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
    }
    let word = (data << 10 | remainder) ^ 0x5412;
    // Negative coordinates count from the far edge; (x, y) as the standard draws them.
    const MAIN: [(i32, i32); 15] = [
        (0, 8),
        (1, 8),
        (2, 8),
        (3, 8),
        (4, 8),
        (5, 8),
        (7, 8),
        (8, 8),
        (8, 7),
        (8, 5),
        (8, 4),
        (8, 3),
        (8, 2),
        (8, 1),
        (8, 0),
    ];
    const SIDE: [(i32, i32); 15] = [
        (8, -1),
        (8, -2),
        (8, -3),
        (8, -4),
        (8, -5),
        (8, -6),
        (8, -7),
        (-8, 8),
        (-7, 8),
        (-6, 8),
        (-5, 8),
        (-4, 8),
        (-3, 8),
        (-2, 8),
        (-1, 8),
    ];
    let at = |c: i32| {
        if c < 0 {
            (width as i32 + c) as usize
        } else {
            c as usize
        }
    };
    let mut modules = Modules::light(width);
    for coordinates in [MAIN, SIDE] {
        for (bit, (x, y)) in coordinates.into_iter().enumerate() {
            if word >> (14 - bit) & 1 == 1 {
                modules.set_dark(at(x), at(y));
            }
        }
    }
    modules.set_dark(8, width - 8);
    modules
}

/// The lowest `n` bits set.
fn low_bits(n: usize) -> u128 {
    if n >= 128 { !0 } else { (1 << n) - 1 }
}

/// Rules 1 and 3 on one line of `width` modules: 3 points for each run of five
/// modules of one colour plus one per module beyond; 40 for each
/// dark-light-dark-dark-dark-light-dark pattern with four light modules on at least
/// one side, beyond the symbol being the light quiet zone.
fn line_penalty(line: u128, width: usize) -> usize {
    // Bit i: modules i and i + 1 have one colour; then: modules i to i + 4 do. A run
    // of n ≥ 5 modules sets n - 4 bits of `fives` in a row, and scores n - 2.
    let equal = !(line ^ line >> 1) & low_bits(width - 1);
    let fives = equal & equal >> 1 & equal >> 2 & equal >> 3;
    let runs = fives & !(fives << 1);
    let mut score = (fives.count_ones() + 2 * runs.count_ones()) as usize;
    // Shifted past a light margin of four modules, so that the quiet zone reads light.
    let padded = line << QUIET_ZONE;
    let dark = |k: u32| padded >> k;
    let light = |k: u32| !(padded >> k);
    let finder = dark(0) & light(1) & dark(2) & dark(3) & dark(4) & light(5) & dark(6);
    let four_light = light(0) & light(1) & light(2) & light(3);
    let found = finder & (four_light << 4 | four_light >> 7);
    score += 40 * found.count_ones() as usize;
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_an_inline_svg() {
        let svg = qr_svg("https://example.org/zibo/projects/zb-001/");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<path"), "{svg}");
        assert!(qr_svg(&"x".repeat(5000)).is_empty());
    }

    /// Parses the SVG's path back into modules.
    fn drawn(svg: &str, width: usize) -> Vec<bool> {
        let mut drawn = vec![false; width * width];
        let start = svg.find(" d=\"").unwrap() + 4;
        let path = &svg[start..svg[start..].find('"').unwrap() + start];
        for run in path.split('z').filter(|s| !s.is_empty()) {
            let (at, rest) = run[1..].split_once('h').unwrap();
            let (x, y) = at.split_once(' ').unwrap();
            let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            let x = x.parse::<usize>().unwrap() - QUIET_ZONE;
            let y = y.parse::<usize>().unwrap() - QUIET_ZONE;
            for cell in &mut drawn[y * width + x..y * width + x + len] {
                assert!(!*cell, "module drawn twice");
                *cell = true;
            }
        }
        drawn
    }

    #[test]
    fn the_drawn_code_scans_back_to_the_address() {
        for url in [
            "https://example.org/projects/zb-001/",
            "https://example.org/zibo/products/luzhong-hollow-block-with-a-long-name/",
        ] {
            let code = Modules::encode(url).unwrap();
            let w = code.width;
            let dark: Vec<bool> = (0..w * w).map(|i| code.is_dark(i % w, i / w)).collect();
            assert_eq!(drawn(&qr_svg(url), w), dark);
            // Rasterised at 4 pixels a module, with the quiet zone, as a phone sees it.
            let side = (w + 2 * QUIET_ZONE) * 4;
            let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
                let (x, y) = (x / 4, y / 4);
                let inside = QUIET_ZONE..QUIET_ZONE + w;
                let dark = inside.contains(&x)
                    && inside.contains(&y)
                    && code.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
                if dark { 0 } else { 255 }
            });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1);
            let (_, content) = grids[0].decode().unwrap();
            assert_eq!(content, url);
        }
    }

    #[test]
    fn masking_whole_lines_matches_the_qrcode_crate_module_by_module() {
        use qrcode::Color;
        use qrcode::canvas::MaskPattern;
        let patterns = [
            MaskPattern::Checkerboard,
            MaskPattern::HorizontalLines,
            MaskPattern::VerticalLines,
            MaskPattern::DiagonalLines,
            MaskPattern::LargeCheckerboard,
            MaskPattern::Fields,
            MaskPattern::Diamonds,
            MaskPattern::Meadow,
        ];
        let mut widths = std::collections::BTreeSet::new();
        // Lengths from version 1 to version 25, the widest drawn.
        for length in (1..=991).step_by(10) {
            let text = "p".repeat(length);
            let unmasked = Unmasked::encode(&text).unwrap();
            let bits = bits::encode_auto(text.as_bytes(), EC_LEVEL).unwrap();
            let version = bits.version();
            let (data, ec) =
                ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).unwrap();
            let w = unmasked.drawn.width;
            widths.insert(w);
            for (mask, &pattern) in patterns.iter().enumerate() {
                let mut canvas = Canvas::new(version, EC_LEVEL);
                canvas.draw_all_functional_patterns();
                canvas.draw_data(&data, &ec);
                canvas.apply_mask(pattern);
                let theirs: Vec<bool> = canvas
                    .into_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect();
                let code = unmasked.masked(mask);
                let ours: Vec<bool> = (0..w * w).map(|i| code.is_dark(i % w, i / w)).collect();
                assert_eq!(ours, theirs, "width {w}, mask {mask}");
                let columns: Vec<bool> = (0..w * w)
                    .map(|i| code.columns[i % w] >> (i / w) & 1 == 1)
                    .collect();
                assert_eq!(columns, theirs, "columns, width {w}, mask {mask}");
            }
        }
        assert_eq!(widths.len(), 25, "{widths:?}");
    }

    #[test]
    fn addresses_too_long_for_a_printed_code_get_none() {
        let base = "https://example.org/";
        assert!(!qr_svg(&format!("{base}{}", "a".repeat(900))).is_empty());
        assert!(qr_svg(&format!("{base}{}", "a".repeat(1000))).is_empty());
    }

    /// A line as bits from its modules, first module in bit 0.
    fn line(modules: &[bool]) -> u128 {
        modules
            .iter()
            .rev()
            .fold(0, |bits, &dark| bits << 1 | u128::from(dark))
    }

    #[test]
    fn penalties_follow_the_standard() {
        let light = Modules::light(5);
        // Ten runs of five (3 each), sixteen 2×2 blocks (3 each), no dark at all (100).
        assert_eq!(light.penalty(), 30 + 48 + 100);
        let finder = [
            false, false, false, false, true, false, true, true, true, false, true,
        ];
        assert_eq!(line_penalty(line(&finder), finder.len()), 40);
        assert_eq!(
            line_penalty(line(&finder[4..]), 7),
            40,
            "beyond the edge is light"
        );
        let unlike = [true, false, true, true, false, true, true];
        assert_eq!(line_penalty(line(&unlike), 7), 0);
        assert_eq!(line_penalty(line(&[true; 7]), 7), 5);
        assert_eq!(line_penalty(line(&[true, true, true, true, false]), 5), 0);
        let widest = [true; MAX_WIDTH];
        assert_eq!(line_penalty(line(&widest), MAX_WIDTH), MAX_WIDTH - 2);
    }

    /// Rules 1 and 3 module by module, as ISO/IEC 18004 words them.
    fn line_penalty_by_module(modules: &[bool]) -> usize {
        let at = |i: isize| {
            usize::try_from(i)
                .ok()
                .and_then(|i| modules.get(i).copied())
        };
        let mut score = 0;
        let mut run = 0;
        for (i, &dark) in modules.iter().enumerate() {
            run = if i > 0 && modules[i - 1] == dark {
                run + 1
            } else {
                1
            };
            score += match run {
                5 => 3,
                6.. => 1,
                _ => 0,
            };
        }
        let pattern = [true, false, true, true, true, false, true];
        for start in 0..modules.len() as isize {
            let matches = (0..7).all(|k| at(start + k) == Some(pattern[k as usize]));
            let light = |from: isize| (from..from + 4).all(|i| at(i) != Some(true));
            if matches && (light(start - 4) || light(start + 7)) {
                score += 40;
            }
        }
        score
    }

    #[test]
    fn bit_set_scoring_agrees_with_module_by_module_scoring() {
        // A fixed pseudo-random sequence (64-bit LCG), so that a failure reproduces.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut coin = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33 & 1 == 1
        };
        for width in [1, 7, 21, 57, MAX_WIDTH] {
            for _ in 0..200 {
                let modules: Vec<bool> = (0..width).map(|_| coin()).collect();
                assert_eq!(
                    line_penalty(line(&modules), width),
                    line_penalty_by_module(&modules),
                    "{modules:?}"
                );
            }
        }
    }
}
