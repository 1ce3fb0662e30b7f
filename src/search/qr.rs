//! QR codes of canonical page addresses, drawn at build time as SVG so that a
//! printed notice board or a phone screen can be scanned with no script or image
//! service.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code of `url` to put inline in a page (error correction M, so a
/// slightly soiled print on a building-site hoarding still scans); an empty string
/// for a URL too long to encode.
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // The XML prolog means nothing inside an HTML page.
    match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    }
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
}
