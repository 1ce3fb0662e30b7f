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
    for (y, row) in code.rows().enumerate() {
        let mut x = 0;
        while x < row.len() {
            let run = row[x..].iter().take_while(|&&dark| dark).count();
            if run == 0 {
                x += 1;
                continue;
            }
            let (left, top) = (x + QUIET_ZONE, y + QUIET_ZONE);
            // Writing to a String cannot fail.
            let _ = write!(svg, "M{left} {top}h{run}v1h-{run}z");
            x += run;
        }
    }
    svg.push_str("\"/></svg>");
    svg
}

/// The square of modules of one QR code, `true` for dark, row by row.
#[derive(Debug, PartialEq)]
struct Modules {
    width: usize,
    dark: Vec<bool>,
}

impl Modules {
    /// Encodes `text` with the mask of the lowest penalty. The qrcode crate can
    /// choose the mask itself, but its scoring took a third of a whole site build;
    /// this scores the same four rules of ISO/IEC 18004 over plain rows and columns.
    fn encode(text: &str) -> Option<Self> {
        let bits = bits::encode_auto(text.as_bytes(), EC_LEVEL).ok()?;
        let version = bits.version();
        let (data, ec) = ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).ok()?;
        let mut unmasked = Canvas::new(version, EC_LEVEL);
        unmasked.draw_all_functional_patterns();
        unmasked.draw_data(&data, &ec);
        let width = usize::try_from(version.width()).ok()?;
        MASKS
            .iter()
            .map(|&mask| {
                let mut canvas = unmasked.clone();
                canvas.apply_mask(mask);
                let dark = canvas.into_colors().into_iter().map(|c| c == Color::Dark);
                Modules {
                    width,
                    dark: dark.collect(),
                }
            })
            .min_by_key(Modules::penalty)
    }

    fn rows(&self) -> std::slice::Chunks<'_, bool> {
        self.dark.chunks(self.width)
    }

    /// The mask penalty score: runs of one colour, 2×2 blocks, finder-like
    /// patterns in rows and columns, and the imbalance of dark and light.
    fn penalty(&self) -> usize {
        let w = self.width;
        let mut score = 0;
        let mut column = Vec::with_capacity(w);
        for x in 0..w {
            column.clear();
            column.extend((0..w).map(|y| self.dark[y * w + x]));
            score += run_penalty(&column) + finder_penalty(&column);
        }
        for (y, row) in self.rows().enumerate() {
            score += run_penalty(row) + finder_penalty(row);
            if let Some(below) = self.dark.get((y + 1) * w..(y + 2) * w) {
                let blocks = (0..w - 1).filter(|&x| {
                    row[x] == row[x + 1] && row[x] == below[x] && row[x] == below[x + 1]
                });
                score += 3 * blocks.count();
            }
        }
        let dark = self.dark.iter().filter(|&&d| d).count();
        let percent = dark * 100 / self.dark.len();
        score + percent.abs_diff(50) / 5 * 10
    }
}

/// 3 points for each run of five modules of one colour, plus one per module beyond.
fn run_penalty(line: &[bool]) -> usize {
    let mut score = 0;
    let mut run = 0;
    for (i, &dark) in line.iter().enumerate() {
        run = if i > 0 && line[i - 1] == dark {
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
    score
}

/// 40 points for each dark-light-dark-dark-dark-light-dark pattern with four light
/// modules on at least one side; beyond the symbol is the light quiet zone.
fn finder_penalty(line: &[bool]) -> usize {
    const PATTERN: u16 = 0b101_1101;
    // The last 15 modules, newest in bit 0: four before, the pattern, four after.
    let mut window: u16 = 0;
    let mut score = 0;
    let padded = line.iter().copied().chain(std::iter::repeat_n(false, 4));
    for dark in padded {
        window = (window << 1 | u16::from(dark)) & 0x7FFF;
        let before_light = window >> 11 == 0;
        let after_light = window & 0xF == 0;
        if (window >> 4) & 0x7F == PATTERN && (before_light || after_light) {
            score += 40;
        }
    }
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
            let dark = drawn(&qr_svg(url), code.width);
            assert_eq!(dark, code.dark);
            // Rasterised at 4 pixels a module, with the quiet zone, as a phone sees it.
            let side = (code.width + 2 * QUIET_ZONE) * 4;
            let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
                let (x, y) = (x / 4, y / 4);
                let inside = QUIET_ZONE..QUIET_ZONE + code.width;
                let dark = inside.contains(&x)
                    && inside.contains(&y)
                    && dark[(y - QUIET_ZONE) * code.width + x - QUIET_ZONE];
                if dark { 0 } else { 255 }
            });
            let grids = image.detect_grids();
            assert_eq!(grids.len(), 1);
            let (_, content) = grids[0].decode().unwrap();
            assert_eq!(content, url);
        }
    }

    #[test]
    fn penalties_follow_the_standard() {
        let light = Modules {
            width: 5,
            dark: vec![false; 25],
        };
        // Ten runs of five (3 each), sixteen 2×2 blocks (3 each), no dark at all (100).
        assert_eq!(light.penalty(), 30 + 48 + 100);
        let finder = [
            false, false, false, false, true, false, true, true, true, false, true,
        ];
        assert_eq!(finder_penalty(&finder), 40);
        assert_eq!(finder_penalty(&finder[4..]), 40, "beyond the edge is light");
        assert_eq!(
            finder_penalty(&[true, false, true, true, false, true, true]),
            0
        );
        assert_eq!(run_penalty(&[true; 7]), 5);
        assert_eq!(run_penalty(&[true, true, true, true, false]), 0);
    }
}
