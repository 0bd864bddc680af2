//! The static intranet site: kit + templates → HTML files in memory.
//!
//! Every page lies at the top of the site and links relatively, so the site
//! works opened from disk and under any sub-path. Nothing here writes files
//! or reads files; templates come from the store through [`Templates::from_tree`].

pub mod diagram;
pub mod markdown;
pub mod views;

use crate::diag::display_path;
use crate::diag::{self, Diagnostic};
use crate::load::sources::Tree;
use crate::model::doc::Directive;
use crate::model::{Kit, Page, Role, UnitKind};
use crate::output::OutFile;
use crate::source::Source;
use std::collections::{BTreeMap, BTreeSet};
use views::*;

/// Templates every site needs, by file name.
pub const REQUIRED: &[&str] = &[
    "base.html",
    "index.html",
    "page.html",
    "role.html",
    "contacts.html",
    "about.html",
    "printouts.html",
    "handelsetabell.html",
];

/// Extra pages other parts of the kit add (the printouts page), rendered
/// with their own template and context.
pub struct ExtraPage {
    pub slug: String,
    pub title: String,
    pub template: String,
    pub context: tera::Context,
}

/// The loaded templates and the static assets next to them.
pub struct Templates {
    tera: tera::Tera,
    dir: String,
    /// Each template's text, for placing errors found when rendering.
    texts: Vec<Source>,
    assets: Vec<OutFile>,
}

impl Templates {
    /// Takes every `*.html` and every file in `assets/` from the templates
    /// read into `tree` (see [`crate::load::Sources`]). Template syntax
    /// errors become diagnostics naming the template, line and column.
    pub fn from_tree(tree: &Tree) -> Result<Templates, Vec<Diagnostic>> {
        let shown = display_path(&tree.dir);
        let mut diags = Vec::new();
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut assets = Vec::new();
        if let Err(e) = &tree.files {
            diags.push(
                Diagnostic::error(&shown, 0, 0, format!("mallmappen kunde inte läsas: {e}"))
                    .with_hint("kör från projektets rotmapp eller ange --templates MAPP"),
            );
        }
        for file in tree.files() {
            let read = file.bytes.as_ref().map_err(String::clone);
            if file.rel.starts_with("assets/") {
                match read {
                    Ok(bytes) => assets.push(OutFile::new(file.rel.clone(), bytes.clone())),
                    Err(e) => diags.push(Diagnostic::error(
                        &file.shown,
                        0,
                        0,
                        format!("kunde inte läsa filen: {e}"),
                    )),
                }
                continue;
            }
            // A template that is not UTF-8 is refused as reading it as text was.
            let text = read.and_then(|bytes| {
                String::from_utf8(bytes.clone())
                    .map_err(|_| "stream did not contain valid UTF-8".to_string())
            });
            match text {
                Ok(s) => sources.push((file.rel.clone(), s)),
                Err(e) => diags.push(Diagnostic::error(
                    &file.shown,
                    0,
                    0,
                    format!("kunde inte läsa mallen: {e}"),
                )),
            }
        }
        for req in REQUIRED {
            if diags.is_empty() && !sources.iter().any(|(n, _)| n == req) {
                diags.push(Diagnostic::error(
                    format!("{shown}/{req}"),
                    0,
                    0,
                    "mallen saknas",
                ));
            }
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html"]);
        for (name, src) in &sources {
            // Each template alone first, so every syntax error is reported.
            let mut single = tera::Tera::new();
            if let Err(e) = single.add_raw_template(name, src)
                && !matches!(e.kind(), tera::ErrorKind::MissingParent { .. })
            {
                diags.extend(template_diags(&shown, name, &e, &sources));
            }
        }
        if diags.is_empty()
            && let Err(e) =
                tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        {
            diags.extend(template_diags(&shown, "", &e, &sources));
        }
        let texts: Vec<Source> = sources
            .iter()
            .map(|(name, src)| Source::new(format!("{shown}/{name}"), src.as_str()))
            .collect();
        if diags.is_empty() {
            Ok(Templates {
                tera,
                dir: shown,
                texts,
                assets,
            })
        } else {
            let mut diags: Vec<Diagnostic> =
                diags.into_iter().map(|d| in_template(d, &texts)).collect();
            diag::sort(&mut diags);
            Err(diags)
        }
    }

    fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| in_template(template_diag(&self.dir, name, &e), &self.texts))
    }
}

/// A diagnostic Tera placed by line and column, as a span in the template.
fn in_template(d: Diagnostic, texts: &[Source]) -> Diagnostic {
    match texts.iter().find(|t| t.name() == d.file) {
        Some(text) => d.in_source(text),
        None => d,
    }
}

/// Every problem in a Tera error, located: Tera joins its checks of unknown
/// filters, functions, tests and includes into one message of reports, each
/// with a `--> file:line:col` line; a missing parent is found in the source.
fn template_diags(
    dir: &str,
    name: &str,
    e: &tera::Error,
    sources: &[(String, String)],
) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(msg) = e.kind() {
        let found: Vec<Diagnostic> = msg
            .split("\n\n")
            .filter_map(|report| located_report(dir, report))
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    if let tera::ErrorKind::MissingParent { current, parent } = e.kind()
        && let Some((_, src)) = sources.iter().find(|(n, _)| n == current)
        && let Some(at) = src.find(&format!("\"{parent}\""))
    {
        let (line, col) = diag::line_col(src, at);
        return vec![Diagnostic::error(
            format!("{dir}/{current}"),
            line,
            col,
            format!("mallen bygger på «{parent}», som inte finns"),
        )];
    }
    vec![template_diag(dir, name, e)]
}

/// One of Tera's reports ("error: Unknown filter `x`\n --> base.html:6:45\n
/// …") as a diagnostic at the template, line and column it names.
fn located_report(dir: &str, report: &str) -> Option<Diagnostic> {
    let message = report.lines().next()?.strip_prefix("error: ")?;
    let place = report
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let col: usize = parts.next()?.trim().parse().ok()?;
    let line: usize = parts.next()?.trim().parse().ok()?;
    let file = parts.next()?;
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('`'))
            .and_then(|rest| rest.strip_suffix('`'))
    };
    let message = if let Some(f) = quoted("Unknown filter ") {
        format!("okänt filter «{f}»")
    } else if let Some(f) = quoted("Unknown function ") {
        format!("okänd funktion «{f}»")
    } else if let Some(t) = quoted("Unknown test ") {
        format!("okänt test «{t}»")
    } else if let Some(t) = quoted("Unknown template ") {
        format!("mallen «{t}» finns inte")
    } else {
        message.to_string()
    };
    Some(Diagnostic::error(
        format!("{dir}/{file}"),
        line,
        col,
        format!("mallfel: {message}"),
    ))
}

fn template_diag(dir: &str, name: &str, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = if r.filename().is_empty() {
                name
            } else {
                r.filename()
            };
            let what = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "syntaxfel i mallen"
            } else {
                "mallen kunde inte fyllas i"
            };
            Diagnostic::error(
                format!("{dir}/{file}"),
                r.span().start_line.max(1),
                r.span().start_col + 1,
                format!("{what}: {}", r.message()),
            )
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            format!("{dir}/{current}"),
            0,
            0,
            format!("mallen bygger på «{parent}», som inte finns"),
        ),
        tera::ErrorKind::TemplateNotFound(t) => {
            Diagnostic::error(format!("{dir}/{t}"), 0, 0, "mallen saknas")
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            Diagnostic::error(format!("{dir}/{name}"), 0, 0, format!("mallfel: {msg}"))
        }
    }
}

/// Options that do not come from the content.
#[derive(Debug, Clone, Default)]
pub struct BuildInfo {
    /// `YYYY-MM-DD` from SOURCE_DATE_EPOCH, if set.
    pub build_date: Option<String>,
}

/// Renders the whole site. Markdown problems and template errors are
/// diagnostics; on any error no files are returned.
pub fn render(
    kit: &Kit,
    templates: &Templates,
    info: &BuildInfo,
    extra: &[ExtraPage],
) -> Result<(Vec<OutFile>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let events: Vec<EventView> = kit
        .settings
        .events
        .iter()
        .map(|e| EventView::new(&kit.settings, e))
        .collect();
    // The directory's sections serve both the anchor check and the page.
    let sections: Vec<SectionView> = [
        UnitKind::Municipality,
        UnitKind::Ward,
        UnitKind::HealthCentre,
    ]
    .into_iter()
    .map(|k| section(kit, k, stale_before(kit, info.build_date.as_deref())))
    .collect();
    let anchors = anchors(&kit.pages, &sections, extra);

    let mut site = Site {
        kit,
        templates,
        info,
        nav: nav(kit, extra),
        files: Vec::new(),
        diags: Vec::new(),
    };
    for p in &kit.pages {
        check_links(p, &anchors, &mut site.diags);
    }
    site.render_index();
    site.render_pages(&events);
    site.render_roles();
    site.render_contacts(&sections);
    site.render_about(&events);
    site.render_extra(extra);

    let Site {
        mut files,
        mut diags,
        ..
    } = site;
    files.extend(templates.assets.iter().cloned());
    diag::sort(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        Err(diags)
    } else {
        Ok((files, diags))
    }
}

/// The anchors of every page, by file: the headings of the routine pages,
/// those the site generates, and none yet for the extra pages.
fn anchors(
    pages: &[Page],
    sections: &[SectionView],
    extra: &[ExtraPage],
) -> BTreeMap<String, BTreeSet<String>> {
    let mut anchors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in pages {
        anchors.insert(
            format!("{}.html", p.slug),
            p.doc.headings().iter().map(|h| h.id.clone()).collect(),
        );
    }
    let generated = generated_anchors(sections);
    for (page, ids) in &generated {
        anchors.insert(page.clone(), ids.clone());
    }
    for e in extra {
        anchors.entry(format!("{}.html", e.slug)).or_default();
    }
    anchors
}

/// Links in a routine page to pages or sections that do not exist, at
/// their place in the page's file. (The page's other Markdown problems were
/// reported when it was loaded.)
fn check_links(
    p: &Page,
    anchors: &BTreeMap<String, BTreeSet<String>>,
    diags: &mut Vec<Diagnostic>,
) {
    let source = Source::new(&p.source, p.text.as_str());
    for link in p.doc.links().into_iter().filter(|l| l.is_local()) {
        let (file, frag) = link.dest.split_once('#').unwrap_or((&link.dest, ""));
        let file = if file.is_empty() {
            format!("{}.html", p.slug)
        } else {
            file.to_string()
        };
        let at = source.span(link.span.start..link.span.start);
        match anchors.get(&file) {
            None => diags.push(
                Diagnostic::at(
                    at.clone(),
                    format!("länken «{}» pekar på en sida som inte finns", link.dest),
                )
                .with_hint(format!(
                    "sidor i kitet: {}",
                    anchors.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            ),
            Some(ids) if !frag.is_empty() && !ids.contains(frag) => diags.push(
                Diagnostic::at(at, format!("avsnittet «#{frag}» finns inte på {file}")).with_hint(
                    format!(
                        "avsnitt där: {}",
                        ids.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ),
            ),
            Some(_) => {}
        }
    }
}

/// The main menu, in the order it is shown: start, the routine pages,
/// contacts, the extra pages, about.
fn nav(kit: &Kit, extra: &[ExtraPage]) -> Vec<NavItem> {
    let mut nav = vec![NavItem {
        href: "index.html".into(),
        title: "Start".into(),
        current: false,
    }];
    for p in &kit.pages {
        nav.push(NavItem {
            href: format!("{}.html", p.slug),
            title: p.title.clone(),
            current: false,
        });
    }
    nav.push(NavItem {
        href: "kontakter.html".into(),
        title: "Kontakter".into(),
        current: false,
    });
    for e in extra {
        nav.push(NavItem {
            href: format!("{}.html", e.slug),
            title: e.title.clone(),
            current: false,
        });
    }
    nav.push(NavItem {
        href: "om.html".into(),
        title: "Om kitet".into(),
        current: false,
    });
    nav
}

/// What every page is rendered with, and the files and diagnostics made so
/// far. One `render_*` method per page or kind of page.
struct Site<'a> {
    kit: &'a Kit,
    templates: &'a Templates,
    info: &'a BuildInfo,
    nav: Vec<NavItem>,
    files: Vec<OutFile>,
    diags: Vec<Diagnostic>,
}

impl Site<'_> {
    /// The `site` every template sees, with `current` marked in the menus.
    fn view(&self, current: &str) -> SiteView {
        let kit = self.kit;
        let s = &kit.settings;
        SiteView {
            organisation: s.organisation.name.clone(),
            system: SystemView {
                name: s.system.name.clone(),
                short_name: s.system.short_name.clone(),
            },
            municipalities_name: s.organisation.municipalities_name.clone(),
            intranet_name: s.organisation.intranet_name.clone(),
            record_system: s.organisation.record_system.clone(),
            sample_data: s.sample_data,
            version: kit.version.clone(),
            data_date: kit.data_date.to_string(),
            oldest_check: oldest_check(kit),
            build_date: self.info.build_date.clone().unwrap_or_default(),
            threshold_hours: s.threshold_hours,
            municipality_hours: s.municipality_hours.to_string(),
            switchboard: (&s.switchboard.number).into(),
            switchboard_name: s.switchboard.name.clone(),
            service_desk: (&s.service_desk.number).into(),
            service_desk_name: s.service_desk.name.clone(),
            service_desk_portal: s.service_desk.portal_name.clone(),
            nav: self
                .nav
                .iter()
                .map(|n| NavItem {
                    current: n.href == current,
                    ..n.clone()
                })
                .collect(),
            roles: Role::ALL
                .iter()
                .map(|r| RoleLink {
                    id: r.id().into(),
                    href: format!("{}.html", r.id()),
                    name: s.role(*r).name.clone(),
                    who: s.role(*r).who.clone(),
                    current: format!("{}.html", r.id()) == current,
                })
                .collect(),
        }
    }

    /// Renders one page into `file`; a template error is a diagnostic.
    fn page(&mut self, file: String, template: &str, title: &str, mut ctx: tera::Context) {
        ctx.insert("site", &self.view(&file));
        ctx.insert("title", title);
        match self.templates.render(template, &ctx) {
            Ok(html) => self.files.push(OutFile::new(file, html)),
            Err(d) => self.diags.push(d),
        }
    }

    fn render_index(&mut self) {
        let kit = self.kit;
        let mut ctx = tera::Context::new();
        let first_calls: Vec<RoleView> = Role::ALL.iter().map(|r| role_view(kit, *r)).collect();
        ctx.insert("roles", &first_calls);
        ctx.insert(
            "routine_pages",
            &kit.pages
                .iter()
                .map(|p| NavItem {
                    href: format!("{}.html", p.slug),
                    title: p.title.clone(),
                    current: false,
                })
                .collect::<Vec<_>>(),
        );
        ctx.insert("diagram", &diagram::svg(&kit.settings, "vem-ringer"));
        self.page(
            "index.html".into(),
            "index.html",
            &format!("Driftstopp i {}", self.kit.settings.system.name),
            ctx,
        );
    }

    /// The routine pages; a directive is filled in from its own template.
    fn render_pages(&mut self, events: &[EventView]) {
        let mut ctx = tera::Context::new();
        ctx.insert("events", events);
        let event_table = match self.templates.render("handelsetabell.html", &ctx) {
            Ok(html) => html,
            Err(d) => {
                self.diags.push(d);
                String::new()
            }
        };
        let directive = |d: Directive| match d {
            Directive::EventTable => event_table.clone(),
        };
        for p in &self.kit.pages {
            let mut ctx = tera::Context::new();
            ctx.insert(
                "page",
                &PageView {
                    slug: p.slug.clone(),
                    title: p.title.clone(),
                    description: p.description.clone().unwrap_or_default(),
                    html: markdown::render(&p.doc, &directive),
                    toc: p
                        .doc
                        .headings()
                        .into_iter()
                        .filter(|h| h.level <= 3)
                        .map(|h| TocItem {
                            id: h.id.clone(),
                            text: h.text.clone(),
                            level: h.level,
                        })
                        .collect(),
                },
            );
            self.page(format!("{}.html", p.slug), "page.html", &p.title, ctx);
        }
    }

    fn render_roles(&mut self) {
        for role in Role::ALL {
            let mut ctx = tera::Context::new();
            let view = role_view(self.kit, role);
            let title = format!(
                "Checklista: {}",
                self.kit.settings.role(role).name.to_lowercase()
            );
            ctx.insert("role", &view);
            self.page(format!("{}.html", role.id()), "role.html", &title, ctx);
        }
    }

    fn render_contacts(&mut self, sections: &[SectionView]) {
        let mut ctx = tera::Context::new();
        ctx.insert("sections", sections);
        ctx.insert("verify_within_days", &self.kit.settings.verify_within_days);
        self.page(
            "kontakter.html".into(),
            "contacts.html",
            "Kontakter vid driftstopp",
            ctx,
        );
    }

    fn render_about(&mut self, events: &[EventView]) {
        let mut ctx = tera::Context::new();
        ctx.insert("payment", &payment_view(self.kit));
        ctx.insert("events", events);
        ctx.insert("verify_within_days", &self.kit.settings.verify_within_days);
        self.page("om.html".into(), "about.html", "Om reservkitet", ctx);
    }

    fn render_extra(&mut self, extra: &[ExtraPage]) {
        for e in extra {
            self.page(
                format!("{}.html", e.slug),
                &e.template,
                &e.title,
                e.context.clone(),
            );
        }
    }
}

/// Anchors on the pages the site generates, for checking Markdown links.
fn generated_anchors(sections: &[SectionView]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut contacts: BTreeSet<String> = ["vaxel", "kommuner", "avdelningar", "halsocentraler"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for g in sections.iter().flat_map(|s| &s.groups) {
        for u in &g.units {
            contacts.insert(u.id.clone());
        }
        contacts.insert(g.id.clone());
    }
    out.insert("kontakter.html".to_string(), contacts);
    out.insert(
        "index.html".to_string(),
        ["nu", "felanmalan", "roller"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    for r in Role::ALL {
        out.insert(
            format!("{}.html", r.id()),
            ["ringer", "tar-emot", "skriv-ner", "tiden"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        );
    }
    out.insert(
        "om.html".to_string(),
        ["version", "betalningsansvar", "tillganglighet"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    out
}
