//! QR codes of canonical page addresses, drawn at build time as SVG so that a
//! printed notice board or a phone screen can be scanned with no script or image
//! service.

use std::fmt::Write;

use qrcode::bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec;
use qrcode::{Color, EcLevel};

/// Error correction M, so a slightly soiled print on a building-site hoarding
/// still scans.
const EC_LEVEL: EcLevel = EcLevel::M;

/// Light modules around the code, as the QR standard requires for scanning.
const QUIET_ZONE: usize = 4;

/// Pixels per module of the SVG's intrinsic size; the theme's CSS scales it.
const MODULE_PX: usize = 4;

/// The eight mask patterns of (non-micro) QR codes.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Widest code drawn, in modules: version 25. Its rows fit a `u128` with the four
/// light modules of the quiet zone on both sides, which the penalty scoring relies on;
/// an address too long for it (about a thousand characters) would not scan from a
/// printed notice anyway.
const MAX_WIDTH: usize = 120;

/// An SVG QR code of `url` to put inline in a page; an empty string for a URL too
/// long to encode.
pub fn qr_svg(url: &str) -> String {
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
    for (y, &row) in code.rows.iter().enumerate() {
        let mut rest = row;
        while rest != 0 {
            let x = rest.trailing_zeros() as usize;
            let run = (rest >> x).trailing_ones() as usize;
            let (left, top) = (x + QUIET_ZONE, y + QUIET_ZONE);
            // Writing to a String cannot fail.
            let _ = write!(svg, "M{left} {top}h{run}v1h-{run}z");
            rest &= !(((1u128 << run) - 1) << x);
        }
    }
    svg.push_str("\"/></svg>");
    svg
}

/// The square of modules of one QR code: a row per `u128`, module `x` in bit `x`,
/// set for dark.
#[derive(Debug, PartialEq)]
struct Modules {
    width: usize,
    rows: Vec<u128>,
}

impl Modules {
    /// Encodes `text` with the mask of the lowest penalty. The qrcode crate can
    /// choose the mask itself, but its scoring took a third of a whole site build;
    /// this scores the same four rules of ISO/IEC 18004 on rows and columns as bit
    /// sets, a few word operations per line.
    fn encode(text: &str) -> Option<Self> {
        let bits = bits::encode_auto(text.as_bytes(), EC_LEVEL).ok()?;
        let version = bits.version();
        let width = usize::try_from(version.width()).ok()?;
        if width > MAX_WIDTH {
            return None;
        }
        let (data, ec) = ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).ok()?;
        let mut unmasked = Canvas::new(version, EC_LEVEL);
        unmasked.draw_all_functional_patterns();
        unmasked.draw_data(&data, &ec);
        MASKS
            .iter()
            .map(|&mask| {
                let mut canvas = unmasked.clone();
                canvas.apply_mask(mask);
                let colors = canvas.into_colors();
                let rows = colors
                    .chunks(width)
                    .map(|row| {
                        row.iter()
                            .enumerate()
                            .filter(|(_, c)| **c == Color::Dark)
                            .fold(0u128, |bits, (x, _)| bits | 1 << x)
                    })
                    .collect();
                Modules { width, rows }
            })
            .min_by_key(Modules::penalty)
    }

    /// Whether the module at column `x`, row `y` is dark.
    #[cfg(test)]
    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.rows[y] >> x & 1 == 1
    }

    /// The columns as bit sets, module `y` in bit `y`.
    fn columns(&self) -> Vec<u128> {
        (0..self.width)
            .map(|x| {
                self.rows
                    .iter()
                    .enumerate()
                    .fold(0u128, |bits, (y, row)| bits | (row >> x & 1) << y)
            })
            .collect()
    }

    /// The mask penalty score: runs of one colour, 2×2 blocks, finder-like
    /// patterns in rows and columns, and the imbalance of dark and light.
    fn penalty(&self) -> usize {
        let w = self.width;
        let columns = self.columns();
        let lines = self.rows.iter().chain(&columns);
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
        let light = Modules {
            width: 5,
            rows: vec![0; 5],
        };
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
