//! # fazhi — 法治政府建设 assessment for townships and counties
//!
//! fazhi turns township rule-of-law government reports (法治政府建设年度报告) and the tables
//! analysts make of them into a validated panel of indicator values, and from there into
//! year-on-year changes, target gaps, scores and ranks — with every number traceable to the
//! sentence or cell it came from.
//!
//! The way of the data:
//! - [`model`]: the indicator [`Catalogue`] (data, versioned), reported values as intervals
//!   ([`model::parse_value`]: "1060多份" → [1060, 1070)), [`Units`] and [`Targets`];
//! - [`io`]: reading CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16), Parquet and JSON;
//! - [`Panel`]: validation against the catalogue with a row-level rejection report;
//! - [`analytics`]: year-on-year change, target gaps, plan progress and data-quality diagnostics.
//! - [`datasets`]: the bundled catalogues, rules, real seed report and synthetic demo county.
//!
//! ```
//! use fazhi::{Catalogue, Panel, PanelOptions};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/seed/sikeshu_2023.csv");
//! let panel = Panel::read(path, Catalogue::default_catalogue(), None, &PanelOptions::default()).unwrap();
//! assert!(panel.rejections().is_empty());
//! let summary = panel.summary().unwrap();
//! assert_eq!(summary.units, 1);
//! assert_eq!(summary.years, vec![2023]);
//! ```

// The one writer shared by parallel tasks (`scoring::engine::disjoint`) and the Arrow C stream
// (`python::arrow`) are the only unsafe code, each allowed where its module is declared.
#![deny(unsafe_code)]

pub mod analytics;
pub mod datasets;
pub mod error;
pub mod extract;
pub mod io;
pub mod model;
pub mod normalize;
pub mod panel;
pub mod report;
pub mod scoring;
mod stats;
pub mod uncertainty;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Location, Result};
pub use model::{Catalogue, Interval, Qualifier, Targets, Units};
pub use panel::{Panel, PanelOptions, PanelSummary, RejectReason, Rejection};

/// The README's Rust quick-start, compiled and run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
