//! Enums whose variants are keys: a stage, a role, a project type. Each variant's key
//! is written once and is its serde name (in data files, JSON and the schemas), its
//! key in the theme's strings and URLs ([`key`](crate::model::project::StageKind::key)),
//! and part of `ALL`, the list a check or a page walks.

/// Declares a keyed enum: `Variant = "key"` for each variant. It derives what every
/// key needs (comparison, hashing, serde, JSON Schema); the attributes given, more
/// derives among them, are kept.
macro_rules! keyed {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $key:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Deserialize,
            serde::Serialize,
            schemars::JsonSchema,
        )]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $key)] $variant, )*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($key),*].len()] = [$($name::$variant),*];

            /// The variant's key: its name in data files, the theme's strings and URLs.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)*
                }
            }
        }
    };
}
