//! The leadership dashboard at `GET /`: one server-rendered HTML page with the plan's headline
//! figures, the ranking, progress, status and KPI charts, the overdue tasks, the KPIs and a link
//! to every download, as of a date, in Vietnamese (the default) or English.
//!
//! The page is drawn from [`report_data::summary`], the same figures the PDF and the spreadsheets
//! print, with `format!` and two helpers: every piece of data (plan, agency, task and KPI names)
//! goes through [`escape`] and every query value through [`encode`]. Styles are inline; there is
//! no script, no web font and no other external asset, so the page reads fully without
//! JavaScript. Charts are `<img>` elements pointing at the `/reports/*.svg` routes, which keeps
//! the HTML itself small; tables and charts sit in boxes that scroll sideways on a phone rather
//! than widening the page.

use std::fmt::Write as _;

use chrono::NaiveDate;
use reports::model::{KpiSeries, KpiState, Lang, Point, Status, Summary, TaskRow};
use sea_orm::DatabaseConnection;

use crate::error::{Error, Result};
use crate::services::{clock, downloads, report_data};

/// The query parameters the dashboard takes; `parse_options` checks their values.
const PARAMETERS: [&str; 2] = ["asOf", "lang"];

/// Lead agencies listed in full on an overdue task before the rest fold away.
const LEADS_SHOWN: usize = 3;

/// The dashboard page for the query string's `asOf` (default today in Vietnam) and `lang`
/// (default `vi`). A malformed date or language, or any other parameter, is `BAD_INPUT`.
pub async fn page(db: &DatabaseConnection, pairs: &[(String, String)]) -> Result<String> {
    let options = downloads::parse_options(pairs, clock::today())?;
    if let Some((key, _)) = pairs
        .iter()
        .find(|(key, _)| !PARAMETERS.contains(&key.as_str()))
    {
        return Err(Error::bad_input(format!(
            "unknown parameter {key:?}; the dashboard takes asOf and lang"
        )));
    }
    let summary = report_data::summary(db, options.as_of).await?;
    Ok(render(&summary, options.lang))
}

/// The whole page for a summary, in `lang`; pure, so tests can call it with a hand-made summary.
pub fn render(summary: &Summary, lang: Lang) -> String {
    let c = Ctx {
        as_of: summary.as_of,
        lang,
    };
    let mut html = String::with_capacity(48 * 1024);
    html.push_str(&head(summary, c));
    html.push_str("<body>\n");
    html.push_str(&masthead(summary, c));
    html.push_str(&section_nav(c));
    html.push_str("<main class=\"wrap\">\n");
    html.push_str(&overview_section(summary, c));
    html.push_str(&ranking_section(summary, c));
    html.push_str(&progress_section(summary, c));
    html.push_str(&overdue_section(&summary.tasks, c));
    html.push_str(&kpi_section(&summary.kpis, c));
    html.push_str(&downloads_section(c));
    html.push_str("</main>\n");
    html.push_str(&footer(summary, c));
    html.push_str("</body>\n</html>\n");
    html
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Percent-encodes a query value or path segment: everything but RFC 3986's unreserved
/// characters, UTF-8 byte by byte.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// What every section needs: the report's date and the language.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    as_of: NaiveDate,
    lang: Lang,
}

impl Ctx {
    /// A fixed label in the page's language.
    fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(vi, en)
    }

    /// `path` with the page's `asOf` and `lang`, URL-encoded; still to be HTML-escaped.
    fn url(self, path: &str) -> String {
        self.url_with(path, self.lang)
    }

    /// `path` with the page's `asOf` and another language.
    fn url_with(self, path: &str, lang: Lang) -> String {
        format!(
            "{path}?asOf={}&lang={}",
            encode(&self.as_of.format("%Y-%m-%d").to_string()),
            encode(lang.code())
        )
    }

    /// A date as people read it: `31/12/2017` in Vietnamese, `31 Dec 2017` in English.
    fn date(self, date: NaiveDate) -> String {
        match self.lang {
            Lang::Vi => date.format("%d/%m/%Y").to_string(),
            Lang::En => date.format("%-d %b %Y").to_string(),
        }
    }

    /// A number with at most `decimals` decimals, trailing zeros dropped, and a decimal comma in
    /// Vietnamese.
    fn number(self, value: f64, decimals: usize) -> String {
        let mut text = format!("{value:.decimals$}");
        if text.contains('.') {
            while text.ends_with('0') {
                text.pop();
            }
            if text.ends_with('.') {
                text.pop();
            }
        }
        if text == "-0" {
            text = "0".into();
        }
        match self.lang {
            Lang::Vi => text.replace('.', ","),
            Lang::En => text,
        }
    }

    /// A whole number with thousands grouped (`3.253` in Vietnamese, `3,253` in English).
    fn count(self, value: i64) -> String {
        let digits = value.unsigned_abs().to_string();
        let groups: Vec<&str> = digits
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
            .collect();
        let sign = if value < 0 { "-" } else { "" };
        format!("{sign}{}", groups.join(self.lang.pick(".", ",")))
    }

    /// A percentage with one decimal at most (`45,5%`).
    fn percent(self, value: f64) -> String {
        format!("{}%", self.number(value, 1))
    }
}

/// The CSS class naming a task status's colour.
fn status_class(status: Status) -> &'static str {
    match status {
        Status::Completed => "s-done",
        Status::InProgress => "s-doing",
        Status::NotStarted => "s-idle",
        Status::Blocked => "s-blocked",
    }
}

/// Styles for the whole page; colours follow the charts' palette (`reports::charts::palette`).
const STYLE: &str = r#"
:root{--ink:#1f2429;--muted:#5f666d;--line:#dde2e8;--bg:#f2f4f7;--brand:#0b3d6e;--link:#0b5394;
--done:#008f68;--doing:#0072b2;--idle:#8a949e;--blocked:#d55e00;--late:#c62828}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--link)}
.wrap{max-width:1180px;margin:0 auto;padding:0 16px}
.masthead{background:linear-gradient(135deg,#0a355f 0%,#0f5191 100%);color:#fff;padding:18px 0 20px}
.masthead a{color:#fff}
.topline{display:flex;align-items:center;gap:6px 12px;flex-wrap:wrap;font-size:.9rem}
.code{font-weight:700;letter-spacing:.02em;background:rgba(255,255,255,.14);border:1px solid rgba(255,255,255,.35);border-radius:999px;padding:1px 12px}
.kicker{color:#d3e2f1;flex:1 1 auto}
.switch{border:1px solid rgba(255,255,255,.45);border-radius:6px;padding:2px 10px;text-decoration:none;font-weight:600}
.switch:hover{background:rgba(255,255,255,.12)}
.masthead h1{font-size:1.55rem;line-height:1.3;margin:10px 0 6px;font-weight:700;max-width:62ch}
.meta{margin:0;color:#d3e2f1;font-size:.92rem}
.asof{margin:6px 0 0;font-size:1rem}
.asof time{font-weight:700}
.controls{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end;margin-top:14px;padding:10px 12px;background:rgba(255,255,255,.1);border:1px solid rgba(255,255,255,.2);border-radius:10px;max-width:max-content}
.controls label{display:flex;flex-direction:column;gap:3px;font-size:.8rem;color:#d3e2f1}
.controls input,.controls select,.controls button{font:inherit;font-size:.95rem;min-height:38px;border-radius:6px}
.controls input,.controls select{padding:5px 8px;border:1px solid #9fb6cc;background:#fff;color:var(--ink)}
.controls button{padding:6px 20px;border:0;background:#fff;color:var(--brand);font-weight:700;cursor:pointer}
.sections{background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:2}
.sections .wrap{display:flex;gap:2px;overflow-x:auto;white-space:nowrap}
.sections a{display:block;padding:10px;color:var(--brand);text-decoration:none;font-weight:600;font-size:.9rem}
.sections a:hover{background:#eef3f8}
section{margin:26px 0 30px;scroll-margin-top:48px}
h2{font-size:1.2rem;margin:0 0 12px;color:#0a355f}
.lede{margin:-6px 0 12px;color:var(--muted);font-size:.92rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(152px,1fr));gap:12px;list-style:none;padding:0;margin:0 0 16px}
.card{background:#fff;border:1px solid var(--line);border-top:4px solid var(--c,var(--brand));border-radius:10px;padding:10px 14px 12px}
.card .label{margin:0;color:var(--muted);font-size:.86rem;font-weight:600}
.card .value{margin:2px 0 0;font-size:2rem;font-weight:700;line-height:1.15;font-variant-numeric:tabular-nums}
.card .note{margin:2px 0 0;color:var(--muted);font-size:.82rem}
.bar{height:6px;background:#e3e8ed;border-radius:3px;overflow:hidden;margin-top:8px}
.bar span{display:block;height:100%;background:var(--done)}
.c-total{--c:var(--brand)}.c-done{--c:var(--done)}.c-doing{--c:var(--doing)}.c-idle{--c:var(--idle)}
.c-blocked{--c:var(--blocked)}.c-late{--c:var(--late)}.c-pct{--c:var(--done)}
.alert .value{color:var(--late)}
.chart{margin:0 0 16px;background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px 14px;min-width:0}
.chart figcaption{display:flex;justify-content:space-between;align-items:center;gap:6px 12px;flex-wrap:wrap;margin-bottom:8px}
.chart h3{font-size:1rem;margin:0}
.chart-box{overflow-x:auto;-webkit-overflow-scrolling:touch}
.chart-box a{display:block}
.chart img{display:block;width:100%;height:auto;min-width:600px;background:#fff}
.hint{display:none;margin:6px 0 0;color:var(--muted);font-size:.8rem}
.btn{display:inline-block;padding:3px 10px;border:1px solid #b8c6d4;border-radius:6px;background:#fff;color:var(--link);text-decoration:none;font-size:.82rem;font-weight:600;white-space:nowrap}
.btn:hover{background:#eef3f8;border-color:var(--link)}
.btns{display:flex;gap:6px;flex:none}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;background:#fff;border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;min-width:680px;font-size:.92rem}
th,td{text-align:left;padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:last-child td{border-bottom:0}
th{background:#f6f8fa;color:var(--muted);font-size:.82rem;font-weight:700}
td.num{width:3.5em;font-weight:700;color:var(--muted);font-variant-numeric:tabular-nums}
td.due{white-space:nowrap}
td.state{white-space:nowrap}
.late-by{display:block;color:var(--late);font-size:.82rem;font-weight:600}
.chip{display:inline-block;padding:1px 9px;border-radius:999px;font-size:.78rem;font-weight:700;color:#fff;background:var(--c);white-space:nowrap}
.s-done{--c:var(--done)}.s-doing{--c:var(--doing)}.s-idle{--c:#e4e8ec}.s-blocked{--c:var(--blocked)}
.k-on{--c:var(--done)}.k-behind{--c:var(--late)}.k-none{--c:#e4e8ec}
.chip.s-idle,.chip.k-none{color:#3d454d}
.pct{display:block;color:var(--muted);font-size:.82rem;margin-top:3px}
details summary{cursor:pointer;color:var(--link);font-size:.86rem}
details ul{margin:4px 0 0;padding-left:18px}
.good{background:#e8f5ef;border:1px solid #b5dfcb;color:#0b5e45;border-radius:10px;padding:12px 14px;margin:0}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:12px;list-style:none;padding:0;margin:0 0 16px}
.kpi{background:#fff;border:1px solid var(--line);border-left:4px solid var(--c,var(--idle));border-radius:10px;padding:12px 14px;display:flex;flex-direction:column;gap:6px}
.kpi.k-none{border-left-color:#c9d0d7}
.kpi h3{font-size:.95rem;line-height:1.35;margin:0;font-weight:600}
.kpi .reading{margin:0;display:flex;align-items:baseline;gap:8px;flex-wrap:wrap}
.kpi .big{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums}
.kpi .year{color:var(--muted);font-size:.86rem}
.kpi .targets{margin:0;color:var(--muted);font-size:.86rem}
.kpi .foot{margin-top:auto;display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}
.downloads{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.group{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.group h3{font-size:.95rem;margin:0 0 8px}
.group ul{list-style:none;margin:0;padding:0}
.group li{display:flex;justify-content:space-between;align-items:center;gap:10px;padding:7px 0;border-top:1px solid #edf0f3}
.group li:first-child{border-top:0}
footer{border-top:1px solid var(--line);background:#fff;color:var(--muted);font-size:.86rem;padding:16px 0 22px;margin-top:10px}
footer p{margin:4px 0}
@media (min-width:980px){.masthead h1{font-size:1.7rem}}
@media (max-width:640px){body{font-size:14.5px}.masthead h1{font-size:1.22rem}
.kicker{order:3;flex-basis:100%}.switch{margin-left:auto}
.controls{max-width:none}.controls label{flex:1 1 140px}.controls button{flex:1 1 100%}
.sections a{padding:10px 8px;font-size:.86rem}
.cards{grid-template-columns:repeat(2,1fr);gap:8px}.card .value{font-size:1.6rem}.c-pct{grid-column:1/-1}
.hint{display:block}
.stack table{min-width:0}
.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.stack tr{display:grid;grid-template-columns:2.4em 1fr;gap:4px 6px;padding:10px 12px;border-bottom:1px solid var(--line)}
.stack tbody tr:last-child{border-bottom:0}
.stack td{display:block;padding:0;border:0;grid-column:2}
.stack td.num{grid-column:1;grid-row:1/span 4;width:auto;color:var(--brand)}
.stack td.title{font-weight:600}
.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.82rem}
.stack td.due,.stack td.state{white-space:normal}
.stack .late-by,.stack .pct{display:inline;margin-left:4px}}
@media print{.sections,.controls,.btn,.btns,.switch{display:none}body{background:#fff}}
"#;

/// `<!doctype>`, `<html lang>` and `<head>` with the title and the styles.
fn head(summary: &Summary, c: Ctx) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light\">\n\
         <title>{code} · {dashboard} · {date}</title>\n\
         <meta name=\"description\" content=\"{description}\">\n\
         <link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feeds/changes.atom\" \
         title=\"{feed}\">\n<style>{STYLE}</style>\n</head>\n",
        lang = c.lang.code(),
        code = escape(&summary.plan_code),
        dashboard = c.t("Bảng theo dõi thực hiện", "Implementation dashboard"),
        date = escape(&c.date(c.as_of)),
        description = escape(&summary.plan_title.get(c.lang)),
        feed = c.t("Thay đổi gần đây", "Recent changes"),
    )
}

/// The blue band on top: plan code and title, issuer, reporter, the as-of date and the form that
/// changes the date and the language.
fn masthead(summary: &Summary, c: Ctx) -> String {
    let other = match c.lang {
        Lang::Vi => Lang::En,
        Lang::En => Lang::Vi,
    };
    let other_name = match other {
        Lang::Vi => "Tiếng Việt",
        Lang::En => "English",
    };
    let option = |lang: Lang, name: &str| {
        let selected = if lang == c.lang { " selected" } else { "" };
        format!(
            "<option value=\"{}\"{selected}>{name}</option>",
            lang.code()
        )
    };
    format!(
        "<header class=\"masthead\">\n<div class=\"wrap\">\n\
         <div class=\"topline\"><span class=\"code\">{code}</span>\
         <span class=\"kicker\">{kicker}</span><a class=\"switch\" href=\"{switch}\" \
         hreflang=\"{other_code}\" lang=\"{other_code}\">{other_name}</a></div>\n\
         <h1>{title}</h1>\n\
         <p class=\"meta\">{issued_label} {issuer}, {issued_on} · {reporter_label} {reporter}</p>\n\
         <p class=\"asof\">{as_of_label} <time datetime=\"{iso}\">{as_of}</time></p>\n\
         <form method=\"get\" action=\"/\" class=\"controls\">\n\
         <label>{date_label}<input type=\"date\" name=\"asOf\" value=\"{iso}\" required></label>\n\
         <label>{lang_label}<select name=\"lang\">{vi}{en}</select></label>\n\
         <button type=\"submit\">{show}</button>\n</form>\n</div>\n</header>\n",
        code = escape(&summary.plan_code),
        kicker = c.t(
            "Bảng theo dõi thực hiện Chính phủ điện tử",
            "E-government implementation dashboard"
        ),
        switch = escape(&c.url_with("/", other)),
        other_code = other.code(),
        title = escape(&summary.plan_title.get(c.lang)),
        issued_label = c.t("Ban hành:", "Issued by"),
        issuer = escape(&summary.issuer.get(c.lang)),
        issued_on = escape(&c.date(summary.issued_on)),
        reporter_label = c.t("Cơ quan báo cáo:", "Reported by"),
        reporter = escape(&summary.reporter.get(c.lang)),
        as_of_label = c.t("Số liệu tính đến ngày", "Figures as of"),
        iso = c.as_of.format("%Y-%m-%d"),
        as_of = escape(&c.date(c.as_of)),
        date_label = c.t("Tính đến ngày", "As of"),
        lang_label = c.t("Ngôn ngữ", "Language"),
        vi = option(Lang::Vi, "Tiếng Việt"),
        en = option(Lang::En, "English"),
        show = c.t("Xem", "Show"),
    )
}

/// The sticky row of links to the sections.
fn section_nav(c: Ctx) -> String {
    let links = [
        ("tong-quan", c.t("Tổng quan", "Overview")),
        ("xep-hang", c.t("Xếp hạng", "Ranking")),
        ("tien-do", c.t("Tiến độ", "Progress")),
        ("qua-han", c.t("Quá hạn", "Overdue")),
        ("chi-tieu", c.t("Chỉ tiêu", "Indicators")),
        ("tai-ve", c.t("Tải về", "Downloads")),
    ];
    let mut html = format!(
        "<nav class=\"sections\" aria-label=\"{}\"><div class=\"wrap\">",
        c.t("Các phần", "Sections")
    );
    for (id, label) in links {
        let _ = write!(html, "<a href=\"#{id}\">{label}</a>");
    }
    html.push_str("</div></nav>\n");
    html
}

/// A `<section>` with an anchor `id` (used by the section links) and an `<h2>`; `title` and
/// `body` are HTML, already escaped by the caller.
fn section(id: &str, title: &str, body: &str) -> String {
    format!(
        "<section id=\"{id}\" aria-labelledby=\"h-{id}\">\n<h2 id=\"h-{id}\">{title}</h2>\n\
         {body}</section>\n"
    )
}

/// The headline figure cards, then the status chart that breaks them down by main task.
fn overview_section(summary: &Summary, c: Ctx) -> String {
    let f = &summary.figures;
    let share = |n: u32| {
        if f.tasks_total == 0 {
            String::new()
        } else {
            let pct = c.percent(f64::from(n) * 100.0 / f64::from(f.tasks_total));
            format!("{pct} {}", c.t("số nhiệm vụ", "of tasks"))
        }
    };
    let cards = [
        (
            "c-total",
            c.t("Tổng số nhiệm vụ", "Tasks in total"),
            f.tasks_total,
            c.t("trong Phụ lục kế hoạch", "in the plan's appendix")
                .to_string(),
        ),
        (
            "c-done",
            Status::Completed.label(c.lang),
            f.completed,
            share(f.completed),
        ),
        (
            "c-doing",
            Status::InProgress.label(c.lang),
            f.in_progress,
            share(f.in_progress),
        ),
        (
            "c-idle",
            Status::NotStarted.label(c.lang),
            f.not_started,
            share(f.not_started),
        ),
        (
            "c-blocked",
            Status::Blocked.label(c.lang),
            f.blocked,
            share(f.blocked),
        ),
        (
            if f.overdue > 0 {
                "c-late alert"
            } else {
                "c-late"
            },
            c.t("Quá hạn", "Overdue"),
            f.overdue,
            share(f.overdue),
        ),
    ];
    let mut body = String::from("<ul class=\"cards\">\n");
    for (class, label, value, note) in cards {
        let _ = writeln!(
            body,
            "<li class=\"card {class}\"><p class=\"label\">{label}</p>\
             <p class=\"value\">{value}</p><p class=\"note\">{note}</p></li>",
            note = escape(&note),
        );
    }
    let _ = writeln!(
        body,
        "<li class=\"card c-pct\"><p class=\"label\">{label}</p>\
         <p class=\"value\">{value}</p><div class=\"bar\" role=\"img\" aria-label=\"{value}\">\
         <span style=\"width:{width:.1}%\"></span></div><p class=\"note\">{note}</p></li>",
        label = c.t("Tỷ lệ hoàn thành", "Percent complete"),
        value = escape(&c.percent(f.percent_complete)),
        width = f.percent_complete.clamp(0.0, 100.0),
        note = c.t(
            "tiến độ bình quân các nhiệm vụ",
            "mean progress of the tasks"
        ),
    );
    body.push_str("</ul>\n");
    let groups = summary
        .status
        .groups
        .iter()
        .map(|g| format!("{} {}/{}", g.label.get(c.lang), g.completed, g.total()))
        .collect::<Vec<_>>()
        .join("; ");
    let alt = format!(
        "{} {groups}.",
        c.t(
            "Số nhiệm vụ hoàn thành trên tổng số, theo nhiệm vụ chủ yếu:",
            "Tasks completed out of all, by main task:"
        )
    );
    body.push_str(&chart_figure(
        c,
        "/reports/status",
        c.t("Tình trạng theo nhiệm vụ chủ yếu", "Status by main task"),
        &alt,
        STATUS_SIZE,
        false,
    ));
    section("tong-quan", c.t("Tổng quan", "Overview"), &body)
}

/// One chart image inside a figure with its PNG and SVG buttons; `size` is the image's nominal
/// size so that the layout does not jump while it loads. On a phone the chart keeps a legible
/// width and scrolls sideways inside its box; a tap opens it full size.
fn chart_figure(
    c: Ctx,
    path: &str,
    title: &str,
    alt: &str,
    size: (u32, u32),
    lazy: bool,
) -> String {
    let svg = c.url(&format!("{path}.svg"));
    let png = c.url(&format!("{path}.png"));
    let loading = if lazy { "lazy" } else { "eager" };
    format!(
        "<figure class=\"chart\">\n<figcaption><h3>{title}</h3><span class=\"btns\">\
         <a class=\"btn\" href=\"{png}\" download type=\"image/png\">PNG</a>\
         <a class=\"btn\" href=\"{svg}\" download type=\"image/svg+xml\">SVG</a></span></figcaption>\n\
         <div class=\"chart-box\"><a href=\"{svg}\" title=\"{open}\">\
         <img src=\"{svg}\" alt=\"{alt}\" width=\"{w}\" height=\"{h}\" loading=\"{loading}\" \
         decoding=\"async\"></a></div>\n<p class=\"hint\">{hint}</p>\n</figure>\n",
        title = escape(title),
        png = escape(&png),
        svg = escape(&svg),
        open = c.t("Mở biểu đồ cỡ đầy đủ", "Open the chart full size"),
        alt = escape(alt),
        w = size.0,
        h = size.1,
        hint = c.t(
            "Vuốt ngang để xem hết biểu đồ, chạm để mở cỡ đầy đủ.",
            "Swipe sideways to see the whole chart; tap to open it full size."
        ),
    )
}

/// Nominal sizes (SVG pixels) of the charts as drawn for the seeded plan (35 ranked agencies,
/// 27 tasks, 6 main tasks, 11 KPIs). Loaded images keep their real aspect ratio; these only
/// reserve the space so that the page does not jump.
const RANKING_SIZE: (u32, u32) = (1200, 1120);
const PROGRESS_SIZE: (u32, u32) = (1400, 1034);
const STATUS_SIZE: (u32, u32) = (1200, 474);
const KPIS_SIZE: (u32, u32) = (1200, 1434);

/// The agency ranking chart.
fn ranking_section(summary: &Summary, c: Ctx) -> String {
    let entries = &summary.ranking.entries;
    let alt = match entries.first() {
        Some(best) => format!(
            "{} {} {} {}. {} {} ({} {}).",
            c.t("Xếp hạng", "Ranking of"),
            entries.len(),
            c.t("cơ quan theo điểm đến ngày", "agencies by score as of"),
            c.date(c.as_of),
            c.t("Cao nhất:", "Top:"),
            best.agency.name.get(c.lang),
            c.number(best.score, 1),
            c.t("điểm", "points"),
        ),
        None => c
            .t(
                "Chưa có cơ quan nào được xếp hạng.",
                "No agency is ranked yet.",
            )
            .to_string(),
    };
    let figure = chart_figure(
        c,
        "/reports/ranking",
        c.t(
            "Điểm tổng hợp của các cơ quan, đơn vị",
            "Overall score of each agency",
        ),
        &alt,
        RANKING_SIZE,
        true,
    );
    section("xep-hang", c.t("Xếp hạng", "Ranking"), &figure)
}

/// The task progress (Gantt) chart.
fn progress_section(summary: &Summary, c: Ctx) -> String {
    let f = &summary.figures;
    let alt = format!(
        "{} {} {} {}: {} {}, {} {}, {} {}, {} {}.",
        c.t("Tiến độ", "Progress of"),
        f.tasks_total,
        c.t("nhiệm vụ đến ngày", "tasks as of"),
        c.date(c.as_of),
        f.completed,
        Status::Completed.label(c.lang).to_lowercase(),
        f.in_progress,
        Status::InProgress.label(c.lang).to_lowercase(),
        f.not_started,
        Status::NotStarted.label(c.lang).to_lowercase(),
        f.overdue,
        c.t("quá hạn", "overdue"),
    );
    let figure = chart_figure(
        c,
        "/reports/progress",
        c.t(
            "Tiến độ từng nhiệm vụ theo thời gian",
            "Progress of each task over time",
        ),
        &alt,
        PROGRESS_SIZE,
        true,
    );
    section("tien-do", c.t("Tiến độ", "Progress"), &figure)
}

/// The lead agencies of a task: the first few, the rest folded in a `<details>`.
fn leads_cell(task: &TaskRow, c: Ctx) -> String {
    let names: Vec<String> = task
        .leads
        .iter()
        .map(|a| escape(&a.name.get(c.lang)))
        .collect();
    if names.is_empty() {
        return "—".into();
    }
    if names.len() <= LEADS_SHOWN + 1 {
        return names.join("; ");
    }
    let (shown, rest) = names.split_at(LEADS_SHOWN);
    format!(
        "{}<details><summary>{} {} {}</summary><ul><li>{}</li></ul></details>",
        shown.join("; "),
        c.t("và", "and"),
        rest.len(),
        c.t("cơ quan khác", "more agencies"),
        rest.join("</li><li>")
    )
}

/// The overdue tasks as a table (oldest deadline first), or a sentence saying there are none.
/// On a phone each row stacks into a card, the column names shown before the values.
fn overdue_section(tasks: &[TaskRow], c: Ctx) -> String {
    let mut overdue: Vec<&TaskRow> = tasks.iter().filter(|t| t.overdue).collect();
    overdue.sort_by_key(|t| (t.due_date.is_none(), t.due_date, t.number));
    let title = format!(
        "{} ({})",
        c.t("Nhiệm vụ quá hạn", "Overdue tasks"),
        overdue.len()
    );
    if overdue.is_empty() {
        let body = format!(
            "<p class=\"good\">{} {}.</p>\n",
            c.t(
                "Không có nhiệm vụ nào quá hạn tính đến ngày",
                "No task is overdue as of"
            ),
            escape(&c.date(c.as_of))
        );
        return section("qua-han", &title, &body);
    }
    let (number_h, task_h, leads_h, due_h, status_h) = (
        c.t("STT", "No."),
        c.t("Nhiệm vụ", "Task"),
        c.t("Cơ quan chủ trì", "Lead agencies"),
        c.t("Thời hạn", "Due"),
        c.t("Tình trạng", "Status"),
    );
    let mut body = format!(
        "<div class=\"scroll stack\"><table>\n<thead><tr><th scope=\"col\">{number_h}</th>\
         <th scope=\"col\">{task_h}</th><th scope=\"col\">{leads_h}</th>\
         <th scope=\"col\">{due_h}</th><th scope=\"col\">{status_h}</th></tr></thead>\n<tbody>\n"
    );
    for task in overdue {
        let due = match task.due_date {
            Some(due) => {
                let days = (c.as_of - due).num_days();
                let late = if days > 0 {
                    format!(
                        " <span class=\"late-by\">{} {} {}</span>",
                        c.t("trễ", "late by"),
                        c.count(days),
                        c.t("ngày", "days")
                    )
                } else {
                    String::new()
                };
                format!("{}{late}", escape(&c.date(due)))
            }
            None => "—".into(),
        };
        let _ = writeln!(
            body,
            "<tr><td class=\"num\">{number}</td><td class=\"title\">{title}</td>\
             <td data-label=\"{leads_h}\">{leads}</td><td class=\"due\" data-label=\"{due_h}\">\
             {due}</td><td class=\"state\"><span class=\"chip {class}\">{status}</span> \
             <span class=\"pct\">{progress}</span></td></tr>",
            number = task.number,
            title = escape(&task.title.get(c.lang)),
            leads = leads_cell(task, c),
            class = status_class(task.status),
            status = task.status.label(c.lang),
            progress = escape(&c.percent(f64::from(task.progress))),
        );
    }
    body.push_str("</tbody>\n</table></div>\n");
    section("qua-han", &title, &body)
}

/// A KPI value with its unit: `45%`, `hạng 31`, `12 points`.
fn kpi_value(value: f64, unit: &str, c: Ctx) -> String {
    let number = c.number(value, 2);
    match unit {
        "%" => format!("{number}%"),
        "rank" => format!("{} {number}", c.t("hạng", "rank")),
        other => format!("{number} {other}"),
    }
}

/// The KPI cards (latest value, targets, state), then the chart of every KPI's trajectory.
fn kpi_section(kpis: &[KpiSeries], c: Ctx) -> String {
    let title = c.t("Các chỉ tiêu của kế hoạch", "The plan's indicators");
    if kpis.is_empty() {
        let body = format!(
            "<p>{}</p>\n",
            c.t(
                "Kế hoạch chưa có chỉ tiêu nào.",
                "The plan has no indicators yet."
            )
        );
        return section("chi-tieu", title, &body);
    }
    let mut body = String::from("<ul class=\"kpis\">\n");
    for kpi in kpis {
        let class = match kpi.state {
            KpiState::OnTrack => "k-on",
            KpiState::Behind => "k-behind",
            KpiState::NoData => "k-none",
        };
        let reading = match kpi.latest {
            Some(Point { year, value }) => format!(
                "<span class=\"big\">{}</span><span class=\"year\">{} {year}</span>",
                escape(&kpi_value(value, &kpi.unit, c)),
                c.t("năm", "in"),
            ),
            None => format!(
                "<span class=\"big\" title=\"{0}\">—</span>",
                c.t("Chưa có số liệu đo", "Not measured yet")
            ),
        };
        let targets = kpi
            .targets
            .iter()
            .map(|p| format!("{} ({})", kpi_value(p.value, &kpi.unit, c), p.year))
            .collect::<Vec<_>>()
            .join(" · ");
        let targets = if targets.is_empty() {
            c.t("Chưa đặt mục tiêu", "No target set").to_string()
        } else {
            format!("{} {targets}", c.t("Mục tiêu:", "Targets:"))
        };
        let attainment = match (kpi.attainment, kpi.latest) {
            (Some(pct), Some(latest)) => format!(
                "<p class=\"targets\">{} {} {}</p>",
                c.t("Đạt", "Reached"),
                escape(&c.percent(pct)),
                match c.lang {
                    Lang::Vi => format!("mục tiêu năm {}", latest.year),
                    Lang::En => format!("of the {} target", latest.year),
                }
            ),
            _ => String::new(),
        };
        let code = encode(&kpi.code);
        let _ = writeln!(
            body,
            "<li class=\"kpi {class}\"><h3>{name}</h3><p class=\"reading\">{reading}</p>\
             <p class=\"targets\">{targets}</p>{attainment}<div class=\"foot\">\
             <span class=\"chip {class}\">{state}</span><span class=\"btns\" title=\"{chart}\">\
             <a class=\"btn\" href=\"{png}\" download type=\"image/png\">PNG</a>\
             <a class=\"btn\" href=\"{svg}\" download type=\"image/svg+xml\">SVG</a></span>\
             </div></li>",
            name = escape(&kpi.name.get(c.lang)),
            targets = escape(&targets),
            state = kpi.state.label(c.lang),
            chart = c.t("Biểu đồ của chỉ tiêu", "Chart of the indicator"),
            png = escape(&c.url(&format!("/reports/kpis/{code}.png"))),
            svg = escape(&c.url(&format!("/reports/kpis/{code}.svg"))),
        );
    }
    body.push_str("</ul>\n");
    let count = |state: KpiState| kpis.iter().filter(|k| k.state == state).count();
    let alt = format!(
        "{} {} {}: {} {}, {} {}, {} {}.",
        c.t("Diễn biến", "Trajectories of"),
        kpis.len(),
        c.t(
            "chỉ tiêu so với mục tiêu",
            "indicators against their targets"
        ),
        count(KpiState::OnTrack),
        KpiState::OnTrack.label(c.lang).to_lowercase(),
        count(KpiState::Behind),
        KpiState::Behind.label(c.lang).to_lowercase(),
        count(KpiState::NoData),
        KpiState::NoData.label(c.lang).to_lowercase(),
    );
    body.push_str(&chart_figure(
        c,
        "/reports/kpis",
        c.t(
            "Diễn biến các chỉ tiêu so với mục tiêu",
            "Indicators against their targets",
        ),
        &alt,
        KPIS_SIZE,
        true,
    ));
    section("chi-tieu", title, &body)
}

/// One download row: a label and its buttons.
fn download_row(label: &str, links: &[(String, &str, &str)]) -> String {
    let buttons: String = links
        .iter()
        .map(|(href, mime, text)| {
            format!(
                "<a class=\"btn\" href=\"{}\" download type=\"{mime}\">{text}</a>",
                escape(href)
            )
        })
        .collect::<Vec<_>>()
        .join("");
    format!(
        "<li><span>{}</span><span class=\"btns\">{buttons}</span></li>\n",
        escape(label)
    )
}

/// Every download, carrying the page's `asOf` and `lang`, and the GraphQL link.
fn downloads_section(c: Ctx) -> String {
    let charts = [
        (
            "ranking",
            c.t("Xếp hạng các cơ quan", "Ranking of agencies"),
        ),
        (
            "progress",
            c.t("Tiến độ các nhiệm vụ", "Progress of the tasks"),
        ),
        (
            "status",
            c.t("Tình trạng theo nhiệm vụ chủ yếu", "Status by main task"),
        ),
        ("kpis", c.t("Các chỉ tiêu", "Key indicators")),
        (
            "architecture",
            c.t("Kiến trúc chính quyền điện tử", "E-government architecture"),
        ),
    ];
    let mut html = format!(
        "<p class=\"lede\">{} {}.</p>\n<div class=\"downloads\">\n\
         <div class=\"group\"><h3>{}</h3><ul>\n",
        c.t(
            "Mọi tệp theo số liệu tính đến ngày",
            "Every file holds the figures as of"
        ),
        escape(&c.date(c.as_of)),
        c.t("Biểu đồ", "Charts"),
    );
    for (stem, label) in charts {
        html.push_str(&download_row(
            label,
            &[
                (c.url(&format!("/reports/{stem}.png")), "image/png", "PNG"),
                (
                    c.url(&format!("/reports/{stem}.svg")),
                    "image/svg+xml",
                    "SVG",
                ),
            ],
        ));
    }
    let _ = write!(
        html,
        "</ul></div>\n<div class=\"group\"><h3>{}</h3><ul>\n",
        c.t("Báo cáo và dữ liệu", "Reports and data")
    );
    let documents = [
        (
            c.t("Báo cáo tổng hợp", "Consolidated report"),
            "/reports/summary.pdf",
            "application/pdf",
            "PDF",
        ),
        (
            c.t("Danh sách nhiệm vụ", "Task list"),
            "/reports/tasks.csv",
            "text/csv",
            "CSV",
        ),
        (
            c.t(
                "Bảng tính: nhiệm vụ, chỉ tiêu, xếp hạng",
                "Workbook: tasks, indicators, ranking",
            ),
            "/reports/tasks.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "XLSX",
        ),
        (
            c.t("Kiến trúc (ArchiMate)", "Architecture (ArchiMate)"),
            "/exports/architecture.xml",
            "application/xml",
            "XML",
        ),
        (
            c.t("Thay đổi gần đây", "Recent changes"),
            "/feeds/changes.atom",
            "application/atom+xml",
            "Atom",
        ),
    ];
    for (label, path, mime, text) in documents {
        html.push_str(&download_row(label, &[(c.url(path), mime, text)]));
    }
    let _ = write!(
        html,
        "</ul></div>\n<div class=\"group\"><h3>{}</h3><p style=\"margin:0 0 10px\">{}</p>\
         <a class=\"btn\" href=\"/graphql\">GraphiQL</a></div>\n</div>\n",
        c.t("Truy vấn dữ liệu", "Query the data"),
        c.t(
            "Mọi số liệu trên trang này đều truy vấn được qua GraphQL.",
            "Every figure on this page can be queried over GraphQL."
        ),
    );
    section("tai-ve", c.t("Tải về", "Downloads"), &html)
}

/// Source line and the GraphiQL link.
fn footer(summary: &Summary, c: Ctx) -> String {
    format!(
        "<footer>\n<div class=\"wrap\">\n<p>{source} {code} {of} {issuer} ({issued}); \
         {reports} {reporter}.</p>\n<p>{api}: <a href=\"/graphql\">GraphiQL</a> · \
         <a href=\"{feed}\">Atom</a></p>\n</div>\n</footer>\n",
        source = c.t("Nguồn: Kế hoạch", "Source: plan"),
        code = escape(&summary.plan_code),
        of = c.t("của", "of the"),
        issuer = escape(&summary.issuer.get(c.lang)),
        issued = escape(&c.date(summary.issued_on)),
        reports = c.t(
            "số liệu do các cơ quan báo cáo, tổng hợp bởi",
            "figures reported by the agencies, compiled by"
        ),
        reporter = escape(&summary.reporter.get(c.lang)),
        api = c.t("Dữ liệu mở qua GraphQL", "Data over GraphQL"),
        feed = escape(&c.url("/feeds/changes.atom")),
    )
}

#[cfg(test)]
mod tests {
    use reports::model::{
        AgencyRef, Band, Direction, Figures, Ranking, RankingEntry, Recurrence, StatusBreakdown,
        StatusGroup, Text,
    };

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn agency(code: &str, vi: &str, en: &str) -> AgencyRef {
        AgencyRef {
            code: code.into(),
            name: Text::new(vi, en),
        }
    }

    fn task(number: i32, title: &str, overdue: bool, leads: Vec<AgencyRef>) -> TaskRow {
        TaskRow {
            number,
            title: Text::new(title, format!("Task {number}")),
            main_task: Some("II.1".into()),
            recurrence: Recurrence::Once,
            start_year: 2016,
            end_year: Some(2017),
            timeline: Text::new("2016-2017", "2016-2017"),
            due_date: Some(date(2017, 12, 31)),
            status: if overdue {
                Status::InProgress
            } else {
                Status::Completed
            },
            progress: if overdue { 40 } else { 100 },
            overdue,
            completed_on: None,
            periods: Vec::new(),
            leads,
            cooperating: Vec::new(),
            last_report_on: None,
            last_note: None,
        }
    }

    fn summary() -> Summary {
        let as_of = date(2018, 3, 1);
        let sttt = agency(
            "STTTT",
            "Sở Thông tin và Truyền thông",
            "Department of Information and Communications",
        );
        let many: Vec<AgencyRef> = (1..=6)
            .map(|i| agency(&format!("H{i}"), &format!("UBND huyện số {i}"), "District"))
            .collect();
        Summary {
            plan_code: "681/KH-UBND".into(),
            plan_title: Text::new(
                "Kế hoạch hành động thực hiện Nghị quyết số 36a/NQ-CP",
                "Action plan implementing Resolution 36a/NQ-CP",
            ),
            issuer: Text::new(
                "UBND tỉnh Hải Dương",
                "Hải Dương Provincial People's Committee",
            ),
            issued_on: date(2016, 4, 1),
            reporter: sttt.name.clone(),
            as_of,
            figures: Figures {
                tasks_total: 3,
                completed: 1,
                in_progress: 2,
                not_started: 0,
                blocked: 0,
                overdue: 2,
                percent_complete: 60.5,
            },
            ranking: Ranking {
                as_of,
                group: None,
                method: "2026.1".into(),
                entries: vec![RankingEntry {
                    rank: 1,
                    agency: sttt.clone(),
                    score: 87.5,
                    band: Band::Good,
                    tasks_assigned: 3,
                    tasks_completed: 1,
                    tasks_overdue: 2,
                }],
            },
            tasks: vec![
                task(
                    1,
                    "Nâng cấp Cổng thông tin điện tử",
                    false,
                    vec![sttt.clone()],
                ),
                task(
                    2,
                    "Triển khai chữ ký số <script>alert(1)</script> & \"một cửa\"",
                    true,
                    vec![sttt.clone()],
                ),
                task(3, "Đào tạo cán bộ", true, many),
            ],
            kpis: vec![KpiSeries {
                code: "DVC_LEVEL3".into(),
                name: Text::new(
                    "Dịch vụ công được cung cấp trực tuyến ở mức độ 3",
                    "Online public services at level 3",
                ),
                unit: "%".into(),
                direction: Direction::HigherIsBetter,
                baseline: None,
                targets: vec![
                    Point {
                        year: 2017,
                        value: 30.0,
                    },
                    Point {
                        year: 2020,
                        value: 60.0,
                    },
                ],
                measurements: vec![Point {
                    year: 2017,
                    value: 22.5,
                }],
                latest: Some(Point {
                    year: 2017,
                    value: 22.5,
                }),
                state: KpiState::Behind,
                attainment: Some(75.0),
            }],
            status: StatusBreakdown {
                as_of,
                grouping: Text::new("theo nhiệm vụ chủ yếu", "by main task"),
                counting: Text::new("Số nhiệm vụ theo tình trạng", "Tasks by status"),
                groups: vec![StatusGroup {
                    code: "II.1".into(),
                    label: Text::new("II.1 Hạ tầng", "II.1 Infrastructure"),
                    completed: 1,
                    in_progress: 2,
                    not_started: 0,
                    blocked: 0,
                    overdue: 2,
                }],
            },
        }
    }

    #[test]
    fn escape_covers_markup_and_quotes_and_keeps_vietnamese() {
        assert_eq!(
            escape(r#"<a href="x">Sở & 'Ban'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Sở &amp; &#39;Ban&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Nhiệm vụ Hải Dương"), "Nhiệm vụ Hải Dương");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn encode_keeps_unreserved_and_percent_encodes_the_rest() {
        assert_eq!(encode("2017-12-31"), "2017-12-31");
        assert_eq!(encode("ICT_RANK.v1~"), "ICT_RANK.v1~");
        assert_eq!(encode("a b&c=d/e?"), "a%20b%26c%3Dd%2Fe%3F");
        assert_eq!(encode("Hải"), "H%E1%BA%A3i");
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let vi = Ctx {
            as_of: date(2017, 12, 31),
            lang: Lang::Vi,
        };
        let en = Ctx {
            lang: Lang::En,
            ..vi
        };
        assert_eq!(vi.percent(45.56), "45,6%");
        assert_eq!(en.percent(45.0), "45%");
        assert_eq!(vi.number(-0.001, 1), "0");
        assert_eq!(vi.count(3253), "3.253");
        assert_eq!(en.count(1234567), "1,234,567");
        assert_eq!(en.count(-999), "-999");
        assert_eq!(vi.date(date(2017, 1, 5)), "05/01/2017");
        assert_eq!(en.date(date(2017, 1, 5)), "5 Jan 2017");
        assert_eq!(kpi_value(31.0, "rank", vi), "hạng 31");
        assert_eq!(kpi_value(12.25, "points", en), "12.25 points");
    }

    #[test]
    fn vietnamese_page_has_header_form_and_links_with_the_date_and_language() {
        let html = render(&summary(), Lang::Vi);
        assert!(html.starts_with("<!doctype html>\n<html lang=\"vi\">"));
        assert!(html.contains("<meta name=\"viewport\""));
        assert!(html.contains("681/KH-UBND"));
        assert!(html.contains("Kế hoạch hành động thực hiện Nghị quyết số 36a/NQ-CP"));
        assert!(html.contains("UBND tỉnh Hải Dương, 01/04/2016"));
        assert!(html.contains("<time datetime=\"2018-03-01\">01/03/2018</time>"));
        assert!(html.contains("<form method=\"get\" action=\"/\""));
        assert!(html.contains("<input type=\"date\" name=\"asOf\" value=\"2018-03-01\""));
        assert!(html.contains("<option value=\"vi\" selected>"));
        assert!(html.contains("src=\"/reports/ranking.svg?asOf=2018-03-01&amp;lang=vi\""));
        assert!(html.contains("src=\"/reports/progress.svg?asOf=2018-03-01&amp;lang=vi\""));
        assert!(html.contains("href=\"/reports/tasks.csv?asOf=2018-03-01&amp;lang=vi\" download"));
        assert!(html.contains("href=\"/reports/kpis/DVC_LEVEL3.svg?asOf=2018-03-01&amp;lang=vi\""));
        assert!(html.contains("href=\"/?asOf=2018-03-01&amp;lang=en\""));
        assert!(html.contains("href=\"/graphql\""));
        assert!(html.contains("60,5%"));
        assert!(html.contains("Đang triển khai"));
        assert!(html.contains("Dịch vụ công được cung cấp trực tuyến ở mức độ 3"));
        assert!(html.contains("Mục tiêu: 30% (2017) · 60% (2020)"));
        assert!(html.contains("Chậm"));
        // The status chart sits right under the cards; the others load when scrolled to.
        assert!(html.contains(
            "src=\"/reports/status.svg?asOf=2018-03-01&amp;lang=vi\" alt=\"Số nhiệm vụ hoàn \
             thành trên tổng số, theo nhiệm vụ chủ yếu: II.1 Hạ tầng 1/3.\" width=\"1200\" \
             height=\"474\" loading=\"eager\""
        ));
        assert!(html.contains(
            "alt=\"Xếp hạng 1 cơ quan theo điểm đến ngày 01/03/2018. Cao nhất: Sở Thông tin và \
             Truyền thông (87,5 điểm).\" width=\"1200\" height=\"1120\" loading=\"lazy\""
        ));
        assert!(html.contains("src=\"/reports/kpis.svg?asOf=2018-03-01&amp;lang=vi\""));
    }

    #[tokio::test]
    async fn bad_or_unknown_parameters_are_refused_before_the_database_is_read() {
        let db = DatabaseConnection::default();
        let pairs = |key: &str, value: &str| vec![(key.to_string(), value.to_string())];
        for (key, value) in [
            ("asOf", "2017-13-45"),
            ("asOf", "31/12/2017"),
            ("lang", "fr"),
            ("level", "PROVINCE"),
            ("asof", "2017-12-31"),
        ] {
            let result = page(&db, &pairs(key, value)).await;
            assert!(
                matches!(result, Err(Error::BadInput(_))),
                "{key}={value}: {result:?}"
            );
        }
    }

    #[test]
    fn every_download_carries_the_date_and_language() {
        let html = render(&summary(), Lang::En);
        let mut links = 0;
        for (i, _) in html.match_indices(" download") {
            let tag_start = html[..i].rfind("<a ").unwrap_or(0);
            let tag = &html[tag_start..i];
            assert!(
                tag.contains("asOf=2018-03-01&amp;lang=en"),
                "a download without asOf/lang: {tag}"
            );
            links += 1;
        }
        // 5 charts × 2 formats, 5 documents, 1 KPI × 2 formats, 4 chart figures × 2 formats.
        assert_eq!(links, 10 + 5 + 2 + 8);
        for file in [
            "summary.pdf",
            "tasks.xlsx",
            "architecture.png",
            "/exports/architecture.xml",
            "/feeds/changes.atom",
        ] {
            assert!(html.contains(file), "{file} missing");
        }
    }

    #[test]
    fn overdue_tasks_are_listed_escaped_with_leads_and_due_dates() {
        let html = render(&summary(), Lang::Vi);
        let section = &html[html.find("id=\"qua-han\"").unwrap_or(0)..];
        let section = &section[..section.find("</section>").unwrap_or(section.len())];
        assert!(section.contains("Nhiệm vụ quá hạn (2)"));
        assert!(!html.contains("<script>"));
        assert!(section.contains(
            "Triển khai chữ ký số &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;một cửa&quot;"
        ));
        assert!(section.contains("Sở Thông tin và Truyền thông"));
        assert!(section.contains("31/12/2017 <span class=\"late-by\">trễ 60 ngày</span>"));
        assert!(section.contains("và 3 cơ quan khác"));
        assert!(!section.contains("Nâng cấp Cổng thông tin điện tử"));
    }

    #[test]
    fn no_overdue_task_gives_a_sentence_and_english_gives_english() {
        let mut summary = summary();
        for task in &mut summary.tasks {
            task.overdue = false;
        }
        let html = render(&summary, Lang::En);
        assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
        assert!(html.contains("No task is overdue as of 1 Mar 2018."));
        assert!(html.contains("Figures as of <time datetime=\"2018-03-01\">1 Mar 2018</time>"));
        assert!(html.contains("Action plan implementing Resolution 36a/NQ-CP"));
        assert!(html.contains("<option value=\"en\" selected>"));
        assert!(html.contains("Online public services at level 3"));
        assert!(!html.contains("<table>"));
    }
}
