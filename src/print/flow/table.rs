//! Ruled tables in a flow: cells wrapped to their columns, the header row
//! repeated after a page break, and rows taller than a page continued in
//! pieces.

use super::Flow;
use crate::print::error::PrintError;
use crate::print::font;
use crate::print::layout::{Align, Item};
use crate::source::Span;

/// One column of a [`Table`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Width including padding, mm.
    pub width_mm: f64,
    /// Alignment of the cell text.
    pub align: Align,
}

impl Column {
    /// A left-aligned column.
    pub const fn new(width_mm: f64) -> Column {
        Column {
            width_mm,
            align: Align::Left,
        }
    }
}

/// A ruled table. Cells are wrapped to their column (`'\n'` breaks a line);
/// a row is as tall as its tallest cell and at least `min_row_height_mm`
/// (use that and empty cells for rows to write in by hand).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Columns, left to right; their widths must fit the text column.
    pub columns: Vec<Column>,
    /// Header cells (bold, on `header_fill_gray`), repeated on every page
    /// the table continues on. Empty for no header row.
    pub header: Vec<String>,
    /// Body rows; a row may have fewer cells than columns (rest empty).
    pub rows: Vec<Vec<String>>,
    /// Cell text size, points.
    pub size_pt: f64,
    /// Space between the rules and the cell text, mm.
    pub padding_mm: f64,
    /// Minimum height of a body row, mm.
    pub min_row_height_mm: f64,
    /// Width of the rules, points.
    pub stroke_pt: f64,
    /// Gray behind the header row, `None` for none.
    pub header_fill_gray: Option<f32>,
}

impl Table {
    /// A table with the given columns, no rows, 9 pt text, 1.5 mm padding,
    /// 0.5 pt rules and a light gray header.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            header: Vec::new(),
            rows: Vec::new(),
            size_pt: 9.0,
            padding_mm: 1.5,
            min_row_height_mm: 0.0,
            stroke_pt: 0.5,
            header_fill_gray: Some(0.88),
        }
    }
}

/// A row laid out: cell lines per column, and height.
struct LaidRow {
    cells: Vec<Vec<String>>,
    height_mm: f64,
    bold: bool,
    fill: Option<f32>,
}

/// A row cut into pieces of at most `per_piece` lines each, every piece as
/// tall as its own text.
fn split_row(row: LaidRow, per_piece: usize, line_h: f64, padding_mm: f64) -> Vec<LaidRow> {
    let lines = row.cells.iter().map(Vec::len).max().unwrap_or(0);
    (0..lines)
        .step_by(per_piece.max(1))
        .map(|start| {
            let cells: Vec<Vec<String>> = row
                .cells
                .iter()
                .map(|c| c.iter().skip(start).take(per_piece).cloned().collect())
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            LaidRow {
                cells,
                height_mm: n as f64 * line_h + 2.0 * padding_mm,
                bold: row.bold,
                fill: row.fill,
            }
        })
        .collect()
}

impl Flow {
    fn lay_row(&self, table: &Table, cells: &[String], bold: bool) -> LaidRow {
        let line_h = self.style.line_height_mm(table.size_pt);
        let mut laid = Vec::with_capacity(table.columns.len());
        let mut max_lines = 0usize;
        for (k, column) in table.columns.iter().enumerate() {
            let text = cells.get(k).map(String::as_str).unwrap_or("");
            let width = (column.width_mm - 2.0 * table.padding_mm).max(0.1);
            let lines = font::wrap(text, table.size_pt, bold, width);
            max_lines = max_lines.max(lines.len());
            laid.push(lines);
        }
        let height = (max_lines.max(1) as f64 * line_h + 2.0 * table.padding_mm).max(if bold {
            0.0
        } else {
            table.min_row_height_mm
        });
        LaidRow {
            cells: laid,
            height_mm: height,
            bold,
            fill: if bold { table.header_fill_gray } else { None },
        }
    }

    fn draw_row(&mut self, table: &Table, row: &LaidRow, origin: &[Span]) {
        let line_h = self.style.line_height_mm(table.size_pt);
        let baseline0 = self.y_mm + table.padding_mm + self.style.baseline_offset_mm(table.size_pt);
        let mut x = self.margins.left_mm;
        let y = self.y_mm;
        let mut items = Vec::new();
        for (column, lines) in table.columns.iter().zip(&row.cells) {
            items.push(Item::Rect {
                x_mm: x,
                y_mm: y,
                w_mm: column.width_mm,
                h_mm: row.height_mm,
                stroke_pt: Some(table.stroke_pt),
                fill_gray: row.fill,
            });
            let text_x = match column.align {
                Align::Left => x + table.padding_mm,
                Align::Right => x + column.width_mm - table.padding_mm,
                Align::Center => x + column.width_mm / 2.0,
            };
            for (k, line) in lines.iter().enumerate() {
                if line.is_empty() {
                    continue;
                }
                items.push(Item::Text {
                    x_mm: text_x,
                    y_mm: baseline0 + k as f64 * line_h,
                    size_pt: table.size_pt,
                    bold: row.bold,
                    text: line.clone(),
                    align: column.align,
                    origin: origin.to_vec(),
                });
            }
            x += column.width_mm;
        }
        self.page_mut().items.extend(items);
        self.y_mm += row.height_mm;
    }

    /// A ruled table; see [`Table`]. A row splits across pages only when its
    /// text (with the header) is taller than a page: it then continues in
    /// pieces, each under the header drawn again. Followed by the paragraph
    /// gap.
    ///
    /// # Errors
    /// [`PrintError::InvalidTable`] for a row with more cells than columns,
    /// [`PrintError::DoesNotFit`] when the columns are wider than the text
    /// column, or a row's minimum height (or the header) is taller than a
    /// page. Nothing is placed on error.
    pub fn table(&mut self, table: &Table) -> Result<(), PrintError> {
        let origin = std::mem::take(&mut self.origin);
        let columns = table.columns.len();
        let total_w: f64 = table.columns.iter().map(|c| c.width_mm).sum();
        if total_w > self.content_width_mm() + 0.05 {
            return Err(PrintError::DoesNotFit {
                what: "tabellen (bredd)".to_string(),
                needed_mm: total_w,
                available_mm: self.content_width_mm(),
            });
        }
        let all_rows = std::iter::once(&table.header)
            .chain(&table.rows)
            .enumerate();
        for (index, cells) in all_rows {
            if cells.len() > columns {
                return Err(PrintError::InvalidTable {
                    row: index,
                    reason: format!("{} celler men {columns} kolumner", cells.len()),
                });
            }
        }
        let header = (!table.header.is_empty()).then(|| self.lay_row(table, &table.header, true));
        let header_h = header.as_ref().map_or(0.0, |h| h.height_mm);
        let available = self.body_height_mm() - header_h;
        let line_h = self.style.line_height_mm(table.size_pt);
        let per_page = ((available - 2.0 * table.padding_mm) / line_h + 1e-9).floor();
        let mut rows: Vec<LaidRow> = Vec::with_capacity(table.rows.len());
        for (k, cells) in table.rows.iter().enumerate() {
            let row = self.lay_row(table, cells, false);
            let lines = row.cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let text_h = lines as f64 * line_h + 2.0 * table.padding_mm;
            if text_h > available + 1e-9 && per_page >= 1.0 {
                // Text taller than a page continues on the next pages rather
                // than failing the whole document.
                rows.extend(split_row(row, per_page as usize, line_h, table.padding_mm));
            } else if row.height_mm > available + 1e-9 {
                return Err(PrintError::DoesNotFit {
                    what: format!("tabellrad {}", k + 1),
                    needed_mm: header_h + row.height_mm,
                    available_mm: self.body_height_mm(),
                });
            } else {
                rows.push(row);
            }
        }
        let first_h = rows.first().map_or(0.0, |r| r.height_mm);
        self.ensure(header_h + first_h, "tabellen")?;
        if let Some(h) = &header {
            self.draw_row(table, h, &origin);
        }
        for row in &rows {
            if row.height_mm > self.remaining_mm() + 1e-9 {
                self.new_page()?;
                if let Some(h) = &header {
                    self.draw_row(table, h, &origin);
                }
            }
            self.draw_row(table, row, &origin);
        }
        self.space(self.style.paragraph_gap_mm);
        Ok(())
    }
}
