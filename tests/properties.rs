//! Property tests of the functions that keep hostile input harmless: the credit code
//! check, id safety, the output writer's path guard, the XML escaper and the Markdown
//! sanitizer. Each property runs on a few hundred generated inputs; proptest shrinks a
//! failure to a minimal case and prints it.

use crate::common::html;

use std::path::{Component, Path};

use greenproc::render::markdown::{MarkdownRenderer, PageIds};
use greenproc::site_paths::page_path;
use greenproc::site_paths::{BaseUrl, file_for};
use greenproc::validate::credit_code::{check, complete};
use greenproc::validate::is_safe_id;
use greenproc::write::Staging;
use proptest::prelude::*;

/// 512 cases a property; failures are printed, not saved to files beside the tests.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The characters of GB 32100-2015: digits and capitals without I, O, S, V, Z.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn charset_char() -> impl Strategy<Value = char> {
    proptest::sample::select(CHARSET.chars().collect::<Vec<_>>())
}

/// Sixteen characters of the charset: the part of a code the check characters cover.
fn code_base() -> impl Strategy<Value = String> {
    proptest::collection::vec(charset_char(), 16).prop_map(|c| c.into_iter().collect())
}

/// Names Windows reserves for devices, in any case and with any extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com9", "lpt0", "lpt1", "lpt9",
];

fn reserved_name() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(RESERVED),
        proptest::collection::vec(any::<bool>(), 4),
        prop_oneof![Just(""), Just(".txt"), Just(".yaml"), Just(".")],
    )
        .prop_map(|(name, upper, ext)| {
            let name: String = name
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
                .collect();
            format!("{name}{ext}")
        })
}

/// Ids an attacker would try: traversal, separators, NUL, absolute and drive paths,
/// device names, and mixtures with ordinary id characters.
fn hostile_id() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("..".to_owned()),
        Just("/".to_owned()),
        Just("\\".to_owned()),
        Just("\0".to_owned()),
        Just("C:".to_owned()),
        Just("/etc/passwd".to_owned()),
        Just(".".to_owned()),
        reserved_name(),
        "[a-z0-9-]{0,6}",
    ];
    proptest::collection::vec(piece, 1..5)
        .prop_map(|pieces| pieces.concat())
        .prop_filter("contains something hostile", |id| {
            id.contains(['.', '/', '\\', '\0', ':'])
                || RESERVED.iter().any(|r| id.eq_ignore_ascii_case(r))
        })
}

/// Any text, weighted towards characters that matter to paths, XML and HTML.
fn tricky_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => any::<char>(),
        4 => proptest::sample::select(
            "<>&\"'/\\.:;=\0\t\r\n \u{7f}\u{85}\u{feff}\u{fffe}\u{ffff}\u{2028}#%?aZ9-中"
                .chars()
                .collect::<Vec<_>>()
        ),
    ];
    proptest::collection::vec(c, 0..40).prop_map(|c| c.into_iter().collect())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn completing_any_base_gives_a_valid_code(base in code_base()) {
        let code = complete(&base).expect("a base of the charset completes");
        prop_assert_eq!(code.len(), 18);
        prop_assert!(code.starts_with(&base));
        prop_assert_eq!(check(&code), Ok(()));
    }

    #[test]
    fn any_single_substitution_is_detected(
        base in code_base(),
        at in 0..18usize,
        replacement in charset_char(),
    ) {
        let code = complete(&base).unwrap();
        let mut changed: Vec<char> = code.chars().collect();
        prop_assume!(changed[at] != replacement);
        changed[at] = replacement;
        let changed: String = changed.into_iter().collect();
        prop_assert!(check(&changed).is_err(), "{} passes after changing position {}", changed, at + 1);
    }

    #[test]
    fn any_adjacent_swap_in_the_covered_part_is_detected(base in code_base(), at in 0..16usize) {
        let code = complete(&base).unwrap();
        let mut swapped: Vec<char> = code.chars().collect();
        prop_assume!(swapped[at] != swapped[at + 1]);
        swapped.swap(at, at + 1);
        let swapped: String = swapped.into_iter().collect();
        prop_assert!(check(&swapped).is_err(), "{} passes", swapped);
    }

    #[test]
    fn the_check_never_panics_and_accepts_only_charset_codes(code in tricky_text()) {
        if check(&code).is_ok() {
            prop_assert_eq!(code.chars().count(), 18);
            prop_assert!(code.chars().all(|c| CHARSET.contains(c)));
        }
    }

    #[test]
    fn hostile_ids_are_rejected(id in hostile_id()) {
        prop_assert!(!is_safe_id(&id), "{:?} accepted", id);
    }

    #[test]
    fn device_names_are_rejected_in_any_case(name in reserved_name()) {
        prop_assert!(!is_safe_id(&name), "{:?} accepted", name);
    }

    #[test]
    fn accepted_ids_map_to_files_inside_the_output(id in prop_oneof![tricky_text(), "[a-z0-9-]{1,12}"]) {
        if !is_safe_id(&id) {
            return Ok(());
        }
        let file = file_for(&page_path("projects", &id));
        let path = Path::new(&file);
        prop_assert!(path.is_relative());
        prop_assert!(
            path.components().all(|c| matches!(c, Component::Normal(_))),
            "{:?}", file
        );
        let stem_is_reserved = RESERVED.iter().any(|r| id.eq_ignore_ascii_case(r));
        prop_assert!(!stem_is_reserved, "{:?} is a device name on Windows", id);
    }

    #[test]
    fn clean_paths_of_safe_segments_stay_relative(
        segments in proptest::collection::vec("[a-z0-9][a-z0-9-]{0,8}", 0..4),
        trailing in any::<bool>(),
    ) {
        let mut path = segments.join("/");
        if trailing && !path.is_empty() {
            path.push('/');
        }
        let file = file_for(&path);
        prop_assert!(!file.is_empty());
        prop_assert!(
            Path::new(&file).components().all(|c| matches!(c, Component::Normal(_))),
            "{:?}", file
        );
    }

    #[test]
    fn escaped_text_round_trips_through_an_xml_parser(text in tricky_text()) {
        let escaped = greenproc::xml::escape(&text);
        prop_assert!(!escaped.contains(['<', '"', '\'']), "{:?}", escaped);
        for (i, _) in escaped.match_indices('&') {
            let entity = &escaped[i..];
            prop_assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"].iter().any(|e| entity.starts_with(e)),
                "raw & in {:?}", escaped
            );
        }
        let document = format!("<r a=\"{escaped}\">{escaped}</r>");
        let parsed = roxmltree::Document::parse(&document);
        prop_assert!(parsed.is_ok(), "{:?}: {:?}", document, parsed.err());
        let parsed = parsed.unwrap();
        let root = parsed.root_element();
        // XML cannot hold control characters other than tab and line breaks, nor
        // U+FFFE and U+FFFF: the escaper drops them; everything else survives.
        let expected: String = text
            .chars()
            .filter(|c| (!c.is_control() || matches!(c, '\t' | '\n' | '\r')) && !matches!(c, '\u{fffe}' | '\u{ffff}'))
            .collect();
        prop_assert_eq!(root.attribute("a"), Some(expected.as_str()));
        prop_assert_eq!(root.text().unwrap_or_default(), expected.as_str());
    }
}

/// Addresses and markup meant to run script or load from elsewhere, in the spellings
/// that slip past naive filters.
const PAYLOAD_URLS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:image/svg+xml;base64,PHN2Zz4=",
    "vbscript:msgbox(1)",
    "//evil.test/x.png",
    "/\\evil.test/x.png",
    "\\\\evil.test/x.png",
    "\\/evil.test/x.png",
    "https://evil.test/x.png",
    "/assets/ok.png",
];

const PAYLOAD_HTML: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=/assets/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<style>*{color:red}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<object data=\"data:text/html,x\"></object>",
    "<h2 id=\"main\">x</h2>",
    "<div id=\"fn-1\">x</div>",
    "<!-- <script>alert(1)</script> -->",
    "<details open ontoggle=alert(1)>",
    "<p title=\"\"><img src=x onerror=alert(1)>\"></p>",
];

/// Random Markdown: ordinary blocks and inline syntax with payloads injected as link
/// and image targets, reference definitions, autolinks and raw HTML.
fn markdown() -> impl Strategy<Value = String> {
    let url = proptest::sample::select(PAYLOAD_URLS);
    let piece = prop_oneof![
        "[a-z 中文]{0,12}".prop_map(|s| s),
        Just("\n\n".to_owned()),
        Just("# ".to_owned()),
        Just("## main\n".to_owned()),
        Just("- ".to_owned()),
        Just("| a | b |\n|:--|--:|\n| 1 | 2 |\n".to_owned()),
        Just("正文[^1]。\n\n[^1]: 注释。\n".to_owned()),
        Just("`code`".to_owned()),
        Just("```\n<script>\n```\n".to_owned()),
        url.clone().prop_map(|u| format!("[link]({u})")),
        url.clone().prop_map(|u| format!("![image]({u})")),
        url.clone().prop_map(|u| format!("[ref][r]\n\n[r]: {u}\n")),
        url.clone().prop_map(|u| format!("<{u}>")),
        url.prop_map(|u| format!("<img src=\"{u}\"> <a href=\"{u}\">a</a>")),
        proptest::sample::select(PAYLOAD_HTML).prop_map(str::to_owned),
        tricky_text(),
    ];
    proptest::collection::vec(piece, 1..12).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sanitized_markdown_carries_no_payload(text in markdown(), sub_path in any::<bool>()) {
        let address = if sub_path { "https://example.org/zibo/" } else { "https://example.org/" };
        let base = BaseUrl::parse(address).unwrap();
        let html = MarkdownRenderer::new(&base, "表格").render(&text, &mut PageIds::new());
        let problems = html::problems(&html, html::Scope::Fragment);
        prop_assert!(problems.is_empty(), "{:?}\nin {}\nfrom {:?}", problems, html, text);
    }
}

/// Whatever path the writer is given, it creates nothing outside its staging folder,
/// and after the swap nothing but the output folder is new.
#[test]
fn the_writer_never_writes_outside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = dir.path().join("site");
    std::fs::create_dir(&sandbox).unwrap();
    let output = sandbox.join("public");
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let path = prop_oneof![
        tricky_text(),
        hostile_id(),
        proptest::collection::vec(
            prop_oneof![hostile_id(), "[a-z]{1,4}".prop_map(|s| s)],
            1..4
        )
        .prop_map(|p| p.join("/")),
    ];
    // The runner takes a `Fn`, so the staging folder it writes to is borrowed per case.
    let staging = std::cell::RefCell::new(Staging::new(&output).unwrap());
    runner
        .run(&path, |relative| {
            let before = listing(dir.path());
            // Refused or written, whatever it creates lies inside the staging folder.
            let _ = staging.borrow_mut().write(&relative, b"x");
            let after = listing(dir.path());
            let new: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
            let staging_folder = sandbox.join(format!(".public.tmp-{}", std::process::id()));
            for path in &new {
                prop_assert!(
                    path.starts_with(&staging_folder),
                    "{relative:?} wrote {path:?}"
                );
            }
            Ok(())
        })
        .unwrap();
    staging.into_inner().commit(None).unwrap();
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["site"]);
    let inside: Vec<_> = std::fs::read_dir(&sandbox)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(inside, ["public"]);
}

/// Every file and folder below `root`.
fn listing(root: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect()
}
