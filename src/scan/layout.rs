//! `print/samtalslogg/layout.json` as the scanner reads it: the contract
//! between print and scan. Everything the reader knows about where things
//! are on the form comes from here, never from constants of its own, so a
//! sheet is read with the layout of the kit it was printed from.
//!
//! It only parses and checks the file; it must not look at images.

use serde::Deserialize;

/// A rectangle in mm from the page's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Page {
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Mark {
    pub corner: String,
    pub cx: f64,
    pub cy: f64,
    pub size: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Qr {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// What the code holds, `<blad>` standing for the sheet number.
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Field {
    pub column: String,
    pub kind: String,
    /// What a ticked box means.
    #[serde(default)]
    pub value: Option<String>,
    /// The place (1–12) of a digit box.
    #[serde(default)]
    pub digit: Option<String>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Field {
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Row {
    pub row: u32,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub fields: Vec<Field>,
}

/// The parts of layout.json the reader uses.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Layout {
    pub format: String,
    pub version: u32,
    pub page: Page,
    pub registration_marks: Vec<Mark>,
    pub qr: Qr,
    pub rows: Vec<Row>,
}

impl Layout {
    /// Parses and checks a layout.json.
    ///
    /// # Errors
    /// A message (Swedish) when the text is not JSON of this shape, not the
    /// form's layout, of another version, or without the four marks in the
    /// order top-left, top-right, bottom-left, bottom-right.
    pub fn parse(text: &str) -> Result<Layout, String> {
        let layout: Layout = serde_json::from_str(text)
            .map_err(|e| format!("är inte en layout.json för samtalsloggen: {e}"))?;
        if layout.format != "reservkit samtalslogg layout" {
            return Err(format!(
                "är inte en layout.json för samtalsloggen (format {:?})",
                layout.format
            ));
        }
        if layout.version != 1 {
            return Err(format!(
                "har layoutversion {}, denna reservkit läser version 1",
                layout.version
            ));
        }
        let corners: Vec<&str> = layout
            .registration_marks
            .iter()
            .map(|m| m.corner.as_str())
            .collect();
        if corners != ["top-left", "top-right", "bottom-left", "bottom-right"] {
            return Err(format!(
                "har registreringsmärkena {corners:?}; väntade fyra hörn i ordningen top-left, top-right, bottom-left, bottom-right"
            ));
        }
        if layout.kit_version().is_none() {
            return Err(format!(
                "har QR-innehållet {:?} utan kit=…&blad=<blad>",
                layout.qr.content
            ));
        }
        Ok(layout)
    }

    /// The kit version the forms of this layout carry in their QR code.
    pub fn kit_version(&self) -> Option<String> {
        let q = QrText::parse(&self.qr.content)?;
        (q.sheet.as_deref() == Some("<blad>")).then_some(q.kit)
    }

    /// The part of the QR content before `?`: the same for every sheet of a
    /// kit with this base address.
    pub fn qr_base(&self) -> &str {
        self.qr.content.split('?').next().unwrap_or("")
    }
}

/// What a form's QR code says: `<base>?kit=<version>&blad=<sheet>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrText {
    pub base: String,
    pub kit: String,
    pub sheet: Option<String>,
}

impl QrText {
    /// `None` when the text is not of that shape.
    pub fn parse(text: &str) -> Option<QrText> {
        let (base, query) = text.split_once('?')?;
        let mut kit = None;
        let mut sheet = None;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("kit", v)) => kit = Some(v.to_string()),
                Some(("blad", v)) => sheet = Some(v.to_string()),
                _ => {}
            }
        }
        Some(QrText {
            base: base.to_string(),
            kit: kit?,
            sheet,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_text_gives_kit_and_sheet() {
        let q =
            QrText::parse("reservkit:samtalslogg?kit=2026.1-ab12&blad=avd-7-003").expect("parses");
        assert_eq!(q.kit, "2026.1-ab12");
        assert_eq!(q.sheet.as_deref(), Some("avd-7-003"));
        assert_eq!(q.base, "reservkit:samtalslogg");
        assert!(QrText::parse("https://example.org/").is_none());
        let blank = QrText::parse("reservkit:samtalslogg?kit=1").expect("parses");
        assert_eq!(blank.sheet, None);
    }

    #[test]
    fn another_file_is_refused_with_what_it_is() {
        let e = Layout::parse(r#"{"format": "x", "version": 1}"#).expect_err("refused");
        assert!(e.contains("inte en layout.json"), "{e}");
    }
}
