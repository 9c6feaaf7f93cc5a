//! The page around the charts: one self-contained HTML file, inline CSS
//! and SVG, no script, nothing fetched from anywhere; it prints cleanly
//! (each figure kept on one page). The markup is well-formed XML, which the
//! tests check with an XML parser.

/// Escapes text for HTML content and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A key figure: a big number and a one-line plain reading.
pub struct Figure {
    pub label: String,
    pub value: String,
    pub reading: String,
}

pub struct Page {
    pub title: String,
    /// One paragraph per line.
    pub subtitle: String,
    pub figures: Vec<Figure>,
    /// (id, heading, explanation, svg or html)
    pub sections: Vec<(String, String, String, String)>,
    pub notes: Vec<String>,
}

const CSS: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 960px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
.sub { color: #555; margin-top: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 0.8em; margin: 1.5em 0; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: 0.7em 0.9em; break-inside: avoid; }
.figure .label { font-size: 0.85em; color: #555; text-transform: uppercase; letter-spacing: 0.03em; }
.figure .value { font-size: 1.6em; font-weight: 600; }
.figure .reading { font-size: 0.92em; }
figure { margin: 2em 0; break-inside: avoid; page-break-inside: avoid; }
figure h2 { font-size: 1.15em; margin: 0 0 0.2em 0; }
figure p { margin: 0 0 0.6em 0; color: #444; font-size: 0.95em; }
figure svg { max-width: 100%; height: auto; }
.pair { display: flex; flex-wrap: wrap; gap: 20px; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.notes { font-size: 0.85em; color: #555; border-top: 1px solid #ccc; margin-top: 2em; padding-top: 0.5em; }
@media print { body { margin: 0; max-width: none; } figure, .figure { break-inside: avoid; } }
"#;

impl Page {
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        out.push_str(&format!("<title>{}</title>\n", escape(&self.title)));
        out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
        out.push_str(&format!("<header>\n<h1>{}</h1>\n", escape(&self.title)));
        for line in self.subtitle.lines() {
            out.push_str(&format!("<p class=\"sub\">{}</p>\n", escape(line)));
        }
        out.push_str("</header>\n");
        if !self.figures.is_empty() {
            out.push_str("<section class=\"figures\" id=\"key-figures\">\n");
            for f in &self.figures {
                out.push_str(&format!(
                    "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"reading\">{}</div></div>\n",
                    escape(&f.label),
                    escape(&f.value),
                    escape(&f.reading)
                ));
            }
            out.push_str("</section>\n");
        }
        for (id, heading, explanation, body) in &self.sections {
            out.push_str(&format!(
                "<figure id=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n{}\n</figure>\n",
                escape(id),
                escape(heading),
                escape(explanation),
                body
            ));
        }
        if !self.notes.is_empty() {
            out.push_str("<section class=\"notes\">\n");
            for n in &self.notes {
                out.push_str(&format!("<p>{}</p>\n", escape(n)));
            }
            out.push_str("</section>\n");
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}
