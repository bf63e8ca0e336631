//! The Open Group ArchiMate Model Exchange File Format (namespace
//! `http://www.opengroup.org/xsd/archimate/3.0/`), the XML that EA tools such as Archi import.
//!
//! Plain structs in, an XML string out. Element and relationship types are ArchiMate type names
//! (`ApplicationComponent`, `Serving`, ...); choosing them is the caller's business.

use std::fmt::Write;

/// Namespace of the exchange format.
pub const NAMESPACE: &str = "http://www.opengroup.org/xsd/archimate/3.0/";
/// Where the schema of the format is published.
pub const SCHEMA_LOCATION: &str = "http://www.opengroup.org/xsd/archimate/3.1/archimate3_Model.xsd";

/// A text in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    pub vi: String,
    pub en: String,
}

/// One element of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Unique identifier (an XML ID: starts with a letter or `_`).
    pub identifier: String,
    /// ArchiMate element type, e.g. `ApplicationComponent`.
    pub archimate_type: String,
    pub name: Bilingual,
    pub documentation: Bilingual,
    /// `(property name, value)` pairs, e.g. `("layer", "INTEGRATION")`.
    pub properties: Vec<(String, String)>,
}

/// One relationship between two elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub identifier: String,
    /// ArchiMate relationship type, e.g. `Serving`.
    pub archimate_type: String,
    pub source: String,
    pub target: String,
    pub name: Option<String>,
}

/// A whole model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub identifier: String,
    pub name: Bilingual,
    pub documentation: Bilingual,
    pub elements: Vec<Element>,
    pub relationships: Vec<Relationship>,
}

/// Escapes text for XML content and attribute values, dropping control characters XML forbids.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn bilingual(out: &mut String, indent: &str, tag: &str, text: &Bilingual) {
    for (lang, value) in [("vi", &text.vi), ("en", &text.en)] {
        if !value.is_empty() {
            let _ = writeln!(
                out,
                r#"{indent}<{tag} xml:lang="{lang}">{}</{tag}>"#,
                escape(value)
            );
        }
    }
}

/// Property definitions used by the elements, in first-use order.
fn property_names(model: &Model) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for element in &model.elements {
        for (name, _) in &element.properties {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// Renders the model as an exchange-format document (UTF-8, deterministic).
pub fn to_xml(model: &Model) -> String {
    let properties = property_names(model);
    let definition = |name: &str| {
        let index = properties.iter().position(|p| p == name).unwrap_or(0);
        format!("propdef-{}", index + 1)
    };
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        r#"<model xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{NAMESPACE} {SCHEMA_LOCATION}" identifier="{}">"#,
        escape(&model.identifier)
    );
    bilingual(&mut out, "  ", "name", &model.name);
    bilingual(&mut out, "  ", "documentation", &model.documentation);
    if !model.elements.is_empty() {
        out.push_str("  <elements>\n");
        for e in &model.elements {
            let _ = writeln!(
                out,
                r#"    <element identifier="{}" xsi:type="{}">"#,
                escape(&e.identifier),
                escape(&e.archimate_type)
            );
            bilingual(&mut out, "      ", "name", &e.name);
            bilingual(&mut out, "      ", "documentation", &e.documentation);
            if !e.properties.is_empty() {
                out.push_str("      <properties>\n");
                for (name, value) in &e.properties {
                    let _ = writeln!(
                        out,
                        r#"        <property propertyDefinitionRef="{}"><value xml:lang="en">{}</value></property>"#,
                        definition(name),
                        escape(value)
                    );
                }
                out.push_str("      </properties>\n");
            }
            out.push_str("    </element>\n");
        }
        out.push_str("  </elements>\n");
    }
    if !model.relationships.is_empty() {
        out.push_str("  <relationships>\n");
        for r in &model.relationships {
            let _ = write!(
                out,
                r#"    <relationship identifier="{}" source="{}" target="{}" xsi:type="{}""#,
                escape(&r.identifier),
                escape(&r.source),
                escape(&r.target),
                escape(&r.archimate_type)
            );
            match &r.name {
                Some(name) => {
                    let _ = writeln!(
                        out,
                        ">\n      <name xml:lang=\"en\">{}</name>\n    </relationship>",
                        escape(name)
                    );
                }
                None => out.push_str("/>\n"),
            }
        }
        out.push_str("  </relationships>\n");
    }
    if !properties.is_empty() {
        out.push_str("  <propertyDefinitions>\n");
        for (index, name) in properties.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"    <propertyDefinition identifier="propdef-{}" type="string"><name xml:lang="en">{}</name></propertyDefinition>"#,
                index + 1,
                escape(name)
            );
        }
        out.push_str("  </propertyDefinitions>\n");
    }
    out.push_str("</model>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(vi: &str, en: &str) -> Bilingual {
        Bilingual {
            vi: vi.into(),
            en: en.into(),
        }
    }

    #[test]
    fn elements_relationships_and_properties_are_written_in_schema_order() {
        let model = Model {
            identifier: "id-model".into(),
            name: text("Kiến trúc", "Architecture"),
            documentation: text("", ""),
            elements: vec![Element {
                identifier: "id-LGSP".into(),
                archimate_type: "ApplicationComponent".into(),
                name: text("Hệ thống tích hợp <LGSP> & \"kết nối\"", "LGSP"),
                documentation: text("", "Integration platform"),
                properties: vec![("layer".into(), "INTEGRATION".into())],
            }],
            relationships: vec![Relationship {
                identifier: "id-rel-1".into(),
                archimate_type: "Serving".into(),
                source: "id-LGSP".into(),
                target: "id-LGSP".into(),
                name: None,
            }],
        };
        let xml = to_xml(&model);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\""));
        assert!(xml.contains("Hệ thống tích hợp &lt;LGSP&gt; &amp; &quot;kết nối&quot;"));
        let order = [
            "<name xml:lang=\"vi\">Kiến trúc",
            "<elements>",
            "<relationships>",
            "<propertyDefinitions>",
        ];
        let positions: Vec<usize> = order.iter().map(|tag| xml.find(tag).expect(tag)).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        assert!(xml.contains(r#"<property propertyDefinitionRef="propdef-1"><value xml:lang="en">INTEGRATION</value></property>"#));
        assert_eq!(to_xml(&model), xml, "deterministic");
    }
}
