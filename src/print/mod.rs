//! Printed material of the kit: plain page layout, text metrics for the
//! embedded fonts, pagination with footers, QR codes and the PDF writer.
//!
//! Owns everything that ends up on paper at the level of positioned text,
//! lines and boxes on A4 pages. It must not know about the kit's content
//! (contacts, routines, forms) or read any files: callers hand it text and
//! get back a [`layout::Document`] or PDF bytes. Of the rest of the crate it
//! uses only [`crate::source`] (text items keep the spans of the content
//! they come from), and only [`pdf`] writes PDF.

pub mod error;
pub mod flow;
pub mod font;
pub mod layout;
pub mod pdf;
pub mod qr;

pub use error::PrintError;
pub use flow::{Column, Flow, FlowStyle, Margins, PageDecor, Table, TextStyle};
pub use layout::{Align, Dash, Document, Item, MissingGlyph, Origin, Page, PageSize};
pub use pdf::{PdfMeta, to_pdf};
