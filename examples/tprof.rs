use std::time::Instant;
fn main() {
    let kit = reservkit::load::load(
        std::path::Path::new("content"),
        jiff::civil::date(2026, 11, 25),
    )
    .kit
    .unwrap();
    let t = Instant::now();
    let u = kit
        .directory
        .units
        .iter()
        .find(|u| u.kind == reservkit::model::UnitKind::Ward)
        .unwrap();
    let doc = reservkit::printouts::form::layout(&kit, Some(u), 1..=10).unwrap();
    println!("layout form {:?}", t.elapsed());
    let t = Instant::now();
    let meta = reservkit::print::PdfMeta::new("x", kit.data_date);
    let mut b = Vec::new();
    for _ in 0..20 {
        b = reservkit::print::to_pdf(&doc, &meta).unwrap();
    }
    println!("to_pdf form x20 {:?} {} bytes", t.elapsed(), b.len());
    let t = Instant::now();
    let doc =
        reservkit::printouts::call_sheet::layout(&kit, reservkit::model::Role::Slutenvard).unwrap();
    println!("layout sheet {:?}", t.elapsed());
    let t = Instant::now();
    let b = reservkit::print::to_pdf(&doc, &meta).unwrap();
    println!("to_pdf sheet {:?} {} bytes", t.elapsed(), b.len());
}
