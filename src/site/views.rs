//! What templates see. Every name a template may use is defined here, in one
//! place; templates never see the domain types. Documented in README.

use crate::model::checklist::{self, join_roles};
use crate::model::{Event, Kit, Phone, PhoneNumber, Reporter, Role, Settings, Unit, UnitKind};
use serde::Serialize;

/// Shared by every page: `site.*` in templates.
#[derive(Debug, Serialize)]
pub struct SiteView {
    pub organisation: String,
    /// The system whose outage the routine is for: `site.system.name`,
    /// `site.system.short_name`.
    pub system: SystemView,
    pub municipalities_name: String,
    pub intranet_name: String,
    pub record_system: String,
    pub sample_data: bool,
    pub version: String,
    pub data_date: String,
    /// The oldest check date of any entry in the directory.
    pub oldest_check: String,
    /// From SOURCE_DATE_EPOCH; empty when not set.
    pub build_date: String,
    pub threshold_hours: u32,
    pub municipality_hours: String,
    pub switchboard: NumberView,
    pub switchboard_name: String,
    pub service_desk: NumberView,
    pub service_desk_name: String,
    pub service_desk_portal: String,
    pub nav: Vec<NavItem>,
    pub roles: Vec<RoleLink>,
}

#[derive(Debug, Serialize, Clone)]
pub struct SystemView {
    pub name: String,
    pub short_name: String,
}

#[derive(Debug, Serialize, Clone)]
pub struct NavItem {
    pub href: String,
    pub title: String,
    pub current: bool,
}

#[derive(Debug, Serialize, Clone)]
pub struct RoleLink {
    pub id: String,
    pub href: String,
    pub name: String,
    pub who: String,
    /// This role's checklist is the page being shown.
    pub current: bool,
}

/// A phone number in the three forms a page needs.
#[derive(Debug, Serialize, Clone)]
pub struct NumberView {
    pub national: String,
    /// `+46 …`; empty for internal extensions.
    pub international: String,
    /// `tel:+46…`; empty for internal extensions.
    pub tel: String,
    pub internal: bool,
}

impl From<&PhoneNumber> for NumberView {
    fn from(n: &PhoneNumber) -> Self {
        NumberView {
            national: n.national(),
            international: n.international().unwrap_or_default(),
            tel: n.tel_uri().unwrap_or_default(),
            internal: n.is_internal(),
        }
    }
}

#[derive(Debug, Serialize, Clone)]
pub struct PhoneView {
    pub label: String,
    pub number: NumberView,
    pub hours: String,
    /// "1 inskrivning, 3 utskrivningsklar": the events this number is for;
    /// empty when it takes every call.
    pub events: String,
}

impl PhoneView {
    fn new(p: &Phone, s: &crate::model::Settings) -> Self {
        let events: Vec<String> = p
            .events
            .iter()
            .map(|code| match s.event(*code) {
                Some(e) => format!("{code} {}", checklist::in_sentence(&e.name)),
                None => code.to_string(),
            })
            .collect();
        PhoneView {
            label: p.label.clone(),
            number: (&p.number).into(),
            hours: p.hours.to_string(),
            events: events.join(", "),
        }
    }
}

#[derive(Debug, Serialize, Clone)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub full_name: String,
    pub owner: String,
    pub verified: String,
    /// Not checked within `verify_within_days` of the reference date: the
    /// page says so beside the entry.
    pub stale: bool,
    pub phones: Vec<PhoneView>,
}

impl UnitView {
    pub fn new(u: &Unit, s: &crate::model::Settings, stale_before: jiff::civil::Date) -> Self {
        UnitView {
            id: u.id.clone(),
            name: u.name.clone(),
            full_name: u.full_name(),
            owner: u.owner.clone(),
            verified: u.verified.to_string(),
            stale: u.verified < stale_before,
            phones: u.phones.iter().map(|p| PhoneView::new(p, s)).collect(),
        }
    }
}

/// The first date that still counts as checked recently: `verify_within_days`
/// before the build date, or before the newest check when the build is
/// undated (so the same content always gives the same page).
pub fn stale_before(kit: &Kit, build_date: Option<&str>) -> jiff::civil::Date {
    let reference = build_date
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .unwrap_or(kit.data_date);
    let days = i64::from(kit.settings.verify_within_days);
    reference
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(reference)
}

/// The oldest check date in the directory: what a reader needs to know
/// before trusting the numbers.
pub fn oldest_check(kit: &Kit) -> String {
    kit.directory
        .units
        .iter()
        .map(|u| u.verified)
        .min()
        .unwrap_or(kit.data_date)
        .to_string()
}

/// Units under one heading (a municipality or a hospital).
#[derive(Debug, Serialize, Clone)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub units: Vec<UnitView>,
}

/// One kind of unit with its groups: `sections` on the contacts page.
#[derive(Debug, Serialize, Clone)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub intro: String,
    pub groups: Vec<GroupView>,
    pub count: usize,
    /// What to do when these units do not answer (kit.yaml closed_hours).
    pub closed: String,
}

pub fn section(kit: &Kit, kind: UnitKind, stale_before: jiff::civil::Date) -> SectionView {
    let mut groups: Vec<GroupView> = Vec::new();
    for u in kit.directory.of_kind(kind) {
        let gid = format!("{}-{}", kind_id(kind), crate::model::doc::slugify(&u.group));
        match groups.last_mut() {
            Some(g) if g.id == gid => g.units.push(UnitView::new(u, &kit.settings, stale_before)),
            _ => groups.push(GroupView {
                id: gid,
                name: u.group.clone(),
                units: vec![UnitView::new(u, &kit.settings, stale_before)],
            }),
        }
    }
    let intro = match kind {
        UnitKind::Municipality => format!(
            "Kommunernas verksamheter nås {}. Slutenvården ringer på anvisat nummer vid inskrivning, nytt beräknat utskrivningsdatum, utskrivningsklar och utskrivning.",
            kit.settings.municipality_hours
        ),
        UnitKind::Ward => "Avdelningarna nås dygnet runt. Kommunerna och öppenvården ringer avdelningen direkt eller via regionens växel.".into(),
        UnitKind::HealthCentre => "Hälsocentralerna meddelar fast vårdkontakt och datum för SIP-möte. Ring inom öppettiderna eller via växeln och be om sidotelefon.".into(),
    };
    SectionView {
        id: kind_id(kind).into(),
        title: kind.plural().into(),
        intro,
        count: groups.iter().map(|g| g.units.len()).sum(),
        closed: kit
            .settings
            .closed_hours
            .get(&kind)
            .cloned()
            .unwrap_or_default(),
        groups,
    }
}

pub fn kind_id(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Municipality => "kommuner",
        UnitKind::Ward => "avdelningar",
        UnitKind::HealthCentre => "halsocentraler",
    }
}

/// An event as the event table and checklists show it.
#[derive(Debug, Serialize, Clone)]
pub struct EventView {
    pub code: u8,
    pub name: String,
    pub reported_by: String,
    pub reported_to: String,
    pub facts: Vec<String>,
    pub time_rule: String,
}

impl EventView {
    pub fn new(s: &Settings, e: &Event) -> Self {
        EventView {
            code: e.code,
            name: e.name.clone(),
            reported_by: match e.reported_by {
                Reporter::Role(r) => s.role(r).name.clone(),
                Reporter::Anyone => "Alla".into(),
            },
            reported_to: join_roles(s, &e.reported_to),
            facts: e.facts.iter().map(|f| f.label().to_string()).collect(),
            time_rule: e.time_rule.clone(),
        }
    }
}

/// A call in a role's checklist.
#[derive(Debug, Serialize, Clone)]
pub struct CallView {
    pub code: u8,
    pub name: String,
    /// Whom the call goes to, or who calls, in words.
    pub party: String,
    pub facts: Vec<String>,
    pub time_rule: String,
    /// Which number to ring at each party, when contacts.yaml says.
    pub numbers: Vec<String>,
}

/// `role.*` on a checklist page.
#[derive(Debug, Serialize)]
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub who: String,
    pub makes: Vec<CallView>,
    pub receives: Vec<CallView>,
    pub write_down: Vec<String>,
    pub time_rules: Vec<String>,
    pub numbers: Vec<NumbersLink>,
    /// "Vid varje samtal: uppge … samt avdelningens telefonnummer."
    pub every_call: String,
    /// "Ring patientens hemkommun och …"
    pub whom: String,
}

#[derive(Debug, Serialize, Clone)]
pub struct NumbersLink {
    pub href: String,
    pub text: String,
}

pub fn role_view(kit: &Kit, role: Role) -> RoleView {
    let c = checklist::for_role(&kit.settings, role);
    let call = |c: &checklist::Call, made: bool| CallView {
        code: c.code,
        name: c.name.clone(),
        party: c.party.clone(),
        facts: c.facts.clone(),
        time_rule: c.time_rule.clone(),
        numbers: if made {
            checklist::numbers_to_ring(&kit.settings, &kit.directory, role, c.code)
        } else {
            Vec::new()
        },
    };
    let numbers = match role {
        Role::Inpatient => vec![
            link("kontakter.html#kommuner", "Kommunernas nummer"),
            link("kontakter.html#halsocentraler", "Hälsocentralernas nummer"),
        ],
        Role::Outpatient => vec![
            link("kontakter.html#avdelningar", "Avdelningarnas nummer"),
            link("kontakter.html#kommuner", "Kommunernas nummer"),
        ],
        Role::Municipality => vec![
            link("kontakter.html#avdelningar", "Avdelningarnas nummer"),
            link("kontakter.html#halsocentraler", "Hälsocentralernas nummer"),
        ],
    };
    RoleView {
        id: role.id().into(),
        name: kit.settings.role(role).name.clone(),
        who: kit.settings.role(role).who.clone(),
        makes: c.makes.iter().map(|m| call(m, true)).collect(),
        receives: c.receives.iter().map(|r| call(r, false)).collect(),
        write_down: c.write_down,
        time_rules: c.time_rules,
        numbers,
        every_call: role.every_call(),
        whom: role.whom_to_ring().into(),
    }
}

fn link(href: &str, text: &str) -> NumbersLink {
    NumbersLink {
        href: href.into(),
        text: text.into(),
    }
}

/// A routine page for `page.html`.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub html: String,
    pub toc: Vec<TocItem>,
}

#[derive(Debug, Serialize, Clone)]
pub struct TocItem {
    pub id: String,
    pub text: String,
    pub level: u8,
}

/// Payment-rule facts for the about page.
#[derive(Debug, Serialize)]
pub struct PaymentView {
    pub law: String,
    pub grace_days: i32,
    pub cutoff: String,
    pub cutoff_rule: String,
    pub discharge_day: String,
    pub restart: String,
    pub rates: Vec<RateView>,
}

#[derive(Debug, Serialize)]
pub struct RateView {
    pub year: i16,
    pub amount: String,
    pub source: String,
}

pub fn payment_view(kit: &Kit) -> PaymentView {
    let p = &kit.settings.payment;
    let cutoff = format!("{:02}.{:02}", p.cutoff.hour(), p.cutoff.minute());
    PaymentView {
        law: p.law.clone(),
        grace_days: p.grace_days,
        cutoff_rule: if p.cutoff_inclusive {
            format!("Ett samtal exakt kl. {cutoff} räknas som efter {cutoff}.")
        } else {
            format!(
                "Ett samtal exakt kl. {cutoff} räknas som före; {} och senare är efter.",
                next_minute(p.cutoff)
            )
        },
        cutoff,
        discharge_day: if p.count_discharge_day {
            "Utskrivningsdagen räknas som en dag med betalningsansvar.".into()
        } else {
            "Utskrivningsdagen räknas inte.".into()
        },
        restart: if p.latest_ready_restarts {
            "Om utskrivningsklar ändras och sedan meddelas på nytt räknas det senaste samtalet."
                .into()
        } else {
            "Det första utskrivningsklar-samtalet räknas även om det senare ändras.".into()
        },
        rates: p
            .rates
            .iter()
            .map(|r| RateView {
                year: r.year,
                amount: format_sek(r.amount_sek),
                source: r.source.clone(),
            })
            .collect(),
    }
}

fn next_minute(t: jiff::civil::Time) -> String {
    let m = i32::from(t.hour()) * 60 + i32::from(t.minute()) + 1;
    format!("{:02}.{:02}", (m / 60) % 24, m % 60)
}

/// `9 300 kr`, with a no-break space between thousands.
pub fn format_sek(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    format!("{out}\u{a0}kr")
}

/// One printout on the printouts page.
#[derive(Debug, Serialize, Clone)]
pub struct PrintoutView {
    pub href: String,
    pub title: String,
    pub purpose: String,
    pub who: String,
    pub copies: String,
    pub pages: usize,
}

#[derive(Debug, Serialize, Clone)]
pub struct PrintoutGroup {
    pub id: String,
    pub title: String,
    pub items: Vec<PrintoutView>,
}

/// The context of `printouts.html`: `groups` of printouts and `qr` (whether
/// printouts carry a QR code to this page).
pub fn printouts_context(kit: &Kit, list: &[crate::printouts::Printout]) -> tera::Context {
    let mut groups: Vec<PrintoutGroup> = Vec::new();
    for p in list {
        let view = PrintoutView {
            href: format!("utskrifter/{}", p.file),
            title: p.title.clone(),
            purpose: p.purpose.clone(),
            who: p.who.clone(),
            copies: p.copies.clone(),
            pages: p.pages,
        };
        match groups.iter_mut().find(|g| g.title == p.group) {
            Some(g) => g.items.push(view),
            None => groups.push(PrintoutGroup {
                id: crate::model::doc::slugify(p.group),
                title: p.group.to_string(),
                items: vec![view],
            }),
        }
    }
    let mut ctx = tera::Context::new();
    ctx.insert("groups", &groups);
    ctx.insert("qr", &kit.settings.base_url.is_some());
    ctx.insert("sheets_per_unit", &kit.settings.print.sheets_per_unit);
    ctx.insert("rows_per_sheet", &kit.settings.print.rows_per_sheet);
    ctx
}
