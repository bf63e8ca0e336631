//! The Open Group ArchiMate Model Exchange File Format (namespace
//! `http://www.opengroup.org/xsd/archimate/3.0/`), the XML that EA tools such as Archi import.
//!
//! Both ways: [`to_xml`] writes a [`Model`] (plain structs in, an XML string out) and [`read`]
//! reads an uploaded file back into one. Element and relationship types are ArchiMate type names
//! (`ApplicationComponent`, `Serving`, ...); choosing and checking them is the caller's business.
//!
//! Files come from users, so [`read`] is a streaming reader that bounds its work while it reads:
//! nesting depth, number of elements, attribute and text sizes (the `MAX_*` constants). A tree
//! parser that recurses per nesting level once let a file nested a few thousand deep overflow the
//! stack and abort the whole service.

use std::fmt::Write;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

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

/// The most bytes [`read`] accepts.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of XML elements [`read`] accepts (the format itself needs six levels).
pub const MAX_DEPTH: usize = 64;
/// The most XML elements [`read`] accepts in one file (a catalog of a few hundred components
/// takes a few thousand).
pub const MAX_ELEMENTS: usize = 20_000;
/// The most attributes [`read`] accepts on one XML element.
pub const MAX_ATTRIBUTES: usize = 32;
/// The longest attribute value [`read`] accepts, in bytes as written.
pub const MAX_ATTRIBUTE_BYTES: usize = 4_096;
/// The longest text [`read`] accepts in one XML element, in bytes.
pub const MAX_TEXT_BYTES: usize = 65_536;

const XSI: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";
const XML: &[u8] = b"http://www.w3.org/XML/1998/namespace";

/// Why [`read`] refused a file. The message (`Display`) is written for the person who uploaded
/// it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not well-formed XML (or XML this reader does not accept, such as a DOCTYPE).
    #[error("not well-formed XML: {0}")]
    Malformed(String),
    /// Over one of the limits (`MAX_*`); reading stopped there.
    #[error("{0}")]
    TooLarge(String),
    /// Well-formed XML, but not an exchange file: another root, an element without an
    /// identifier, a property without a definition.
    #[error("{0}")]
    Invalid(String),
}

/// Reads an exchange file into a [`Model`], in one pass over the text.
///
/// The reader is a pull parser (quick-xml) and never recurses, and the limits (`MAX_*`) are
/// checked as each tag or text arrives, before anything is kept: a file nested thousands deep or
/// holding a hundred thousand elements is refused at the first tag over the limit. DOCTYPEs are
/// refused (no entity but XML's five predefined ones and character references is expanded).
///
/// What is kept:
/// - the model's `identifier`, and its `name` and `documentation`;
/// - every `element` (at any depth): `identifier` (required), `xsi:type`, `name` and
///   `documentation`, and the `property` values inside it, named through the file's
///   `propertyDefinition`s (a property whose definition is missing is an error);
/// - every `relationship`: `identifier`, `xsi:type`, `source`, `target` and its first `name`.
///
/// For `name` and `documentation`, the Vietnamese text is the first such child whose `xml:lang`
/// is `vi` or absent, the English one the first whose `xml:lang` is `en` or absent. Texts are
/// kept as written (not trimmed), with entities resolved and line ends normalised; a property
/// definition's name is trimmed. Everything else (views, organisations, other namespaces) is
/// read past. `read(&to_xml(&model))` gives `model` back.
pub fn read(xml: &str) -> Result<Model, ReadError> {
    if xml.len() > MAX_BYTES {
        return Err(ReadError::TooLarge(format!(
            "larger than {} MiB",
            MAX_BYTES / (1024 * 1024)
        )));
    }
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let mut reader = NsReader::from_str(xml);
    let mut file = FileReader::default();
    loop {
        // quick-xml's errors carry their own position; the reader's own refusals point just past
        // the event that caused them.
        let malformed = |at: u64, message: &dyn std::fmt::Display| {
            ReadError::Malformed(format!("{message} ({})", position(xml, at)))
        };
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((namespace, event)) => (Namespace::of(&namespace), event),
            Err(err) => return Err(malformed(reader.error_position(), &err)),
        };
        let namespace = namespace.map_err(|prefix| {
            malformed(
                reader.buffer_position(),
                &format!("unknown namespace prefix {prefix:?}"),
            )
        })?;
        match event {
            Event::Start(start) => file.open(&reader, xml, namespace, &start)?,
            Event::Empty(start) => {
                file.open(&reader, xml, namespace, &start)?;
                file.close();
            }
            Event::End(_) => file.close(),
            Event::Text(text) => {
                let text = text
                    .xml10_content()
                    .map_err(|e| malformed(reader.buffer_position(), &e))?;
                file.text(&text)?;
            }
            Event::CData(data) => {
                let text = data
                    .xml10_content()
                    .map_err(|e| malformed(reader.buffer_position(), &e))?;
                file.text(&text)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = reference
                            .decode()
                            .map_err(|e| malformed(reader.buffer_position(), &e))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => text.to_owned(),
                            None => {
                                return Err(malformed(
                                    reader.buffer_position(),
                                    &format!("unknown entity &{name};"),
                                ))
                            }
                        }
                    }
                    Err(err) => return Err(malformed(reader.buffer_position(), &err)),
                };
                file.text(&resolved)?;
            }
            Event::DocType(_) => {
                return Err(malformed(
                    reader.buffer_position(),
                    &"a DOCTYPE is not accepted",
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
        if file.outside_text {
            return Err(malformed(
                reader.buffer_position(),
                &"text outside the root element",
            ));
        }
        if file.second_root {
            return Err(malformed(
                reader.buffer_position(),
                &"more than one root element",
            ));
        }
    }
    file.finish()
}

/// `line L, column C` of a byte offset, for messages.
fn position(xml: &str, offset: u64) -> String {
    let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(xml.len());
    let before = xml.get(..offset).unwrap_or(xml);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}")
}

/// The namespace of a tag or attribute, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace {
    /// The exchange format's.
    Exchange,
    Xsi,
    Xml,
    /// None at all (plain attributes).
    Unbound,
    Other,
}

impl Namespace {
    /// Classifies a resolved name; an unknown prefix is an error.
    fn of(result: &ResolveResult) -> Result<Namespace, String> {
        Ok(match result {
            ResolveResult::Bound(ns) if ns.as_ref() == NAMESPACE.as_bytes() => Namespace::Exchange,
            ResolveResult::Bound(ns) if ns.as_ref() == XSI => Namespace::Xsi,
            ResolveResult::Bound(ns) if ns.as_ref() == XML => Namespace::Xml,
            ResolveResult::Bound(_) => Namespace::Other,
            ResolveResult::Unbound => Namespace::Unbound,
            ResolveResult::Unknown(prefix) => {
                return Err(String::from_utf8_lossy(prefix).into_owned())
            }
        })
    }
}

/// What an open XML element is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Model,
    Element,
    Relationship,
    Property,
    Definition,
    /// A `name`, `documentation` or `value` whose text is being kept.
    Text,
    Other,
}

/// Where a kept text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    ModelName,
    ModelDocumentation,
    ElementName,
    ElementDocumentation,
    RelationshipName,
    PropertyValue,
    DefinitionName,
}

/// The text of a `name`, `documentation` or `value` being read.
#[derive(Debug)]
struct Capture {
    target: Target,
    lang: Option<String>,
    /// Depth of its tag: only text directly inside it counts.
    depth: usize,
    text: String,
}

/// The attributes the reader uses.
#[derive(Debug, Default)]
struct Attributes {
    identifier: Option<String>,
    xsi_type: Option<String>,
    lang: Option<String>,
    source: Option<String>,
    target: Option<String>,
    reference: Option<String>,
}

/// Texts by language, first one wins (see [`read`]).
#[derive(Debug, Default)]
struct Texts {
    vi: Option<String>,
    en: Option<String>,
}

impl Texts {
    fn offer(&mut self, lang: Option<&str>, text: &str) {
        for (code, slot) in [("vi", &mut self.vi), ("en", &mut self.en)] {
            if slot.is_none() && lang.is_none_or(|l| l == code) {
                *slot = Some(text.to_owned());
            }
        }
    }

    fn into_bilingual(self) -> Bilingual {
        Bilingual {
            vi: self.vi.unwrap_or_default(),
            en: self.en.unwrap_or_default(),
        }
    }
}

/// An element being read; its properties still name their definitions.
#[derive(Debug, Default)]
struct PendingElement {
    identifier: String,
    archimate_type: String,
    name: Texts,
    documentation: Texts,
    /// `(propertyDefinitionRef, value)`.
    properties: Vec<(Option<String>, String)>,
}

/// The state of one pass of [`read`].
#[derive(Debug, Default)]
struct FileReader {
    /// The role of every open XML element, outermost first.
    open: Vec<Role>,
    elements_seen: usize,
    root_seen: bool,
    second_root: bool,
    outside_text: bool,
    identifier: String,
    name: Texts,
    documentation: Texts,
    element: Option<PendingElement>,
    relationship: Option<Relationship>,
    /// `(propertyDefinitionRef, value)` of the property being read.
    property: Option<(Option<String>, Option<String>)>,
    /// `(identifier, name)` of the property definition being read.
    definition: Option<(Option<String>, Option<String>)>,
    capture: Option<Capture>,
    elements: Vec<PendingElement>,
    relationships: Vec<Relationship>,
    definitions: std::collections::HashMap<String, String>,
}

impl FileReader {
    /// A start tag: checks the limits first, then decides what the element is.
    fn open(
        &mut self,
        reader: &NsReader<&[u8]>,
        xml: &str,
        namespace: Namespace,
        start: &BytesStart,
    ) -> Result<(), ReadError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(ReadError::TooLarge(format!(
                "nested deeper than {MAX_DEPTH} elements"
            )));
        }
        self.elements_seen += 1;
        if self.elements_seen > MAX_ELEMENTS {
            return Err(ReadError::TooLarge(format!(
                "more than {MAX_ELEMENTS} elements"
            )));
        }
        let attributes = attributes(reader, xml, start)?;
        let local = start.local_name();
        let tag = if namespace == Namespace::Exchange {
            local.as_ref()
        } else {
            b"".as_slice()
        };
        let parent = self.open.last().copied();
        let role = match (parent, tag) {
            (None, _) if self.root_seen => {
                self.second_root = true;
                Role::Other
            }
            (None, b"model") => {
                self.root_seen = true;
                self.identifier = attributes.identifier.unwrap_or_default();
                Role::Model
            }
            (None, _) => {
                return Err(ReadError::Invalid(format!(
                    "the root element must be <model> in namespace {NAMESPACE}"
                )))
            }
            (_, b"element") => {
                if let Some(outer) = &self.element {
                    return Err(ReadError::Invalid(format!(
                        "{}: an element inside another element",
                        outer.identifier
                    )));
                }
                let identifier = attributes
                    .identifier
                    .ok_or_else(|| ReadError::Invalid("an element has no identifier".into()))?;
                self.element = Some(PendingElement {
                    identifier,
                    archimate_type: attributes.xsi_type.unwrap_or_default(),
                    ..PendingElement::default()
                });
                Role::Element
            }
            (_, b"relationship") if self.relationship.is_none() => {
                self.relationship = Some(Relationship {
                    identifier: attributes.identifier.unwrap_or_default(),
                    archimate_type: attributes.xsi_type.unwrap_or_default(),
                    source: attributes.source.unwrap_or_default(),
                    target: attributes.target.unwrap_or_default(),
                    name: None,
                });
                Role::Relationship
            }
            (_, b"property") if self.element.is_some() && self.property.is_none() => {
                self.property = Some((attributes.reference, None));
                Role::Property
            }
            (_, b"propertyDefinition") if self.definition.is_none() => {
                self.definition = Some((attributes.identifier, None));
                Role::Definition
            }
            (Some(parent), b"name" | b"documentation" | b"value") => {
                let target = match (parent, tag) {
                    (Role::Model, b"name") => Some(Target::ModelName),
                    (Role::Model, b"documentation") => Some(Target::ModelDocumentation),
                    (Role::Element, b"name") => Some(Target::ElementName),
                    (Role::Element, b"documentation") => Some(Target::ElementDocumentation),
                    (Role::Relationship, b"name") => Some(Target::RelationshipName),
                    (Role::Property, b"value") => Some(Target::PropertyValue),
                    (Role::Definition, b"name") => Some(Target::DefinitionName),
                    _ => None,
                };
                match target {
                    Some(target) => {
                        self.capture = Some(Capture {
                            target,
                            lang: attributes.lang,
                            depth: self.open.len() + 1,
                            text: String::new(),
                        });
                        Role::Text
                    }
                    None => Role::Other,
                }
            }
            _ => Role::Other,
        };
        self.open.push(role);
        Ok(())
    }

    /// Text, CDATA or a resolved reference.
    fn text(&mut self, text: &str) -> Result<(), ReadError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(too_long_text());
        }
        if self.open.is_empty() {
            self.outside_text |= !text.trim().is_empty();
            return Ok(());
        }
        if let Some(capture) = &mut self.capture {
            if capture.depth == self.open.len() {
                if capture.text.len() + text.len() > MAX_TEXT_BYTES {
                    return Err(too_long_text());
                }
                capture.text.push_str(text);
            }
        }
        Ok(())
    }

    /// An end tag (or the end of an empty-element tag): files what the element held.
    fn close(&mut self) {
        match self.open.pop() {
            Some(Role::Text) => {
                if let Some(capture) = self.capture.take() {
                    self.deliver(capture);
                }
            }
            Some(Role::Element) => self.elements.extend(self.element.take()),
            Some(Role::Relationship) => self.relationships.extend(self.relationship.take()),
            Some(Role::Property) => {
                if let (Some(element), Some((reference, value))) =
                    (&mut self.element, self.property.take())
                {
                    element
                        .properties
                        .push((reference, value.unwrap_or_default()));
                }
            }
            Some(Role::Definition) => {
                if let Some((Some(identifier), Some(name))) = self.definition.take() {
                    self.definitions.insert(identifier, name.trim().to_owned());
                }
            }
            Some(Role::Model | Role::Other) | None => {}
        }
    }

    fn deliver(&mut self, capture: Capture) {
        let Capture {
            target, lang, text, ..
        } = capture;
        let lang = lang.as_deref();
        let first = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(text.clone());
            }
        };
        match target {
            Target::ModelName => self.name.offer(lang, &text),
            Target::ModelDocumentation => self.documentation.offer(lang, &text),
            Target::ElementName => {
                if let Some(element) = &mut self.element {
                    element.name.offer(lang, &text);
                }
            }
            Target::ElementDocumentation => {
                if let Some(element) = &mut self.element {
                    element.documentation.offer(lang, &text);
                }
            }
            Target::RelationshipName => {
                if let Some(relationship) = &mut self.relationship {
                    first(&mut relationship.name);
                }
            }
            Target::PropertyValue => {
                if let Some((_, value)) = &mut self.property {
                    first(value);
                }
            }
            Target::DefinitionName => {
                if let Some((_, name)) = &mut self.definition {
                    first(name);
                }
            }
        }
    }

    /// The end of the file: names the properties and hands the model over.
    fn finish(self) -> Result<Model, ReadError> {
        if !self.root_seen {
            return Err(ReadError::Malformed("no root element".into()));
        }
        if !self.open.is_empty() {
            return Err(ReadError::Malformed(
                "the file ends before its elements are closed".into(),
            ));
        }
        let definitions = self.definitions;
        let elements = self
            .elements
            .into_iter()
            .map(|element| {
                let properties = element
                    .properties
                    .into_iter()
                    .map(|(reference, value)| {
                        let name =
                            reference.and_then(|r| definitions.get(&r)).ok_or_else(|| {
                                ReadError::Invalid(format!(
                                    "{}: a property refers to no definition",
                                    element.identifier
                                ))
                            })?;
                        Ok((name.clone(), value))
                    })
                    .collect::<Result<Vec<_>, ReadError>>()?;
                Ok(Element {
                    identifier: element.identifier,
                    archimate_type: element.archimate_type,
                    name: element.name.into_bilingual(),
                    documentation: element.documentation.into_bilingual(),
                    properties,
                })
            })
            .collect::<Result<Vec<_>, ReadError>>()?;
        Ok(Model {
            identifier: self.identifier,
            name: self.name.into_bilingual(),
            documentation: self.documentation.into_bilingual(),
            elements,
            relationships: self.relationships,
        })
    }
}

fn too_long_text() -> ReadError {
    ReadError::TooLarge(format!("a text longer than {MAX_TEXT_BYTES} bytes"))
}

/// The attributes of a start tag the reader uses, within the limits.
fn attributes(
    reader: &NsReader<&[u8]>,
    xml: &str,
    start: &BytesStart,
) -> Result<Attributes, ReadError> {
    let malformed = |message: String| {
        ReadError::Malformed(format!(
            "{message} ({})",
            position(xml, reader.buffer_position())
        ))
    };
    let mut found = Attributes::default();
    for (count, attribute) in start.attributes().enumerate() {
        if count >= MAX_ATTRIBUTES {
            return Err(ReadError::TooLarge(format!(
                "an element with more than {MAX_ATTRIBUTES} attributes"
            )));
        }
        let attribute = attribute.map_err(|e| malformed(e.to_string()))?;
        if attribute.value.len() > MAX_ATTRIBUTE_BYTES {
            return Err(ReadError::TooLarge(format!(
                "an attribute value longer than {MAX_ATTRIBUTE_BYTES} bytes"
            )));
        }
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (namespace, local) = reader.resolve_attribute(attribute.key);
        let namespace = Namespace::of(&namespace)
            .map_err(|prefix| malformed(format!("unknown namespace prefix {prefix:?}")))?;
        let slot = match (namespace, local.as_ref()) {
            (Namespace::Unbound, b"identifier") => &mut found.identifier,
            (Namespace::Unbound, b"source") => &mut found.source,
            (Namespace::Unbound, b"target") => &mut found.target,
            (Namespace::Unbound, b"propertyDefinitionRef") => &mut found.reference,
            (Namespace::Xsi, b"type") => &mut found.xsi_type,
            (Namespace::Xml, b"lang") => &mut found.lang,
            _ => continue,
        };
        let value = attribute
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| malformed(e.to_string()))?;
        *slot = Some(value.into_owned());
    }
    Ok(found)
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

    fn sample() -> Model {
        Model {
            identifier: "id-plan-1".into(),
            name: text("Kiến trúc Chính quyền điện tử", "E-government architecture"),
            documentation: text("Kế hoạch 681/KH-UBND", ""),
            elements: vec![
                Element {
                    identifier: "id-LGSP".into(),
                    archimate_type: "SystemSoftware".into(),
                    name: text("Nền tảng tích hợp <LGSP> & \"kết nối\"", "LGSP"),
                    documentation: text("", "Integration platform\nof the province"),
                    properties: vec![
                        ("code".into(), "LGSP".into()),
                        ("layer".into(), "INTEGRATION".into()),
                        ("tasks".into(), "6,7".into()),
                    ],
                },
                Element {
                    identifier: "id-PORTAL".into(),
                    archimate_type: "ApplicationComponent".into(),
                    name: text("Cổng thông tin điện tử", "Provincial portal"),
                    documentation: text("", ""),
                    properties: vec![("layer".into(), "PORTALS".into())],
                },
                Element {
                    identifier: "id-BARE".into(),
                    archimate_type: "Node".into(),
                    name: text("Trung tâm dữ liệu", ""),
                    documentation: text("", ""),
                    properties: Vec::new(),
                },
            ],
            relationships: vec![
                Relationship {
                    identifier: "id-rel-1".into(),
                    archimate_type: "Serving".into(),
                    source: "id-LGSP".into(),
                    target: "id-PORTAL".into(),
                    name: Some("USES".into()),
                },
                Relationship {
                    identifier: "id-rel-2".into(),
                    archimate_type: "Association".into(),
                    source: "id-PORTAL".into(),
                    target: "id-BARE".into(),
                    name: None,
                },
            ],
        }
    }

    const OPEN: &str = r#"<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">"#;

    fn file(body: &str) -> String {
        format!("{OPEN}{body}</model>")
    }

    fn too_large(result: Result<Model, ReadError>) -> String {
        match result {
            Err(ReadError::TooLarge(message)) => message,
            other => panic!("expected a limit, got {other:?}"),
        }
    }

    #[test]
    fn what_to_xml_writes_read_gives_back() {
        let model = sample();
        assert_eq!(read(&to_xml(&model)), Ok(model));
        let empty = Model {
            elements: Vec::new(),
            relationships: Vec::new(),
            ..sample()
        };
        assert_eq!(read(&to_xml(&empty)), Ok(empty));
    }

    #[test]
    fn nesting_is_refused_past_the_limit_without_recursing() {
        let nested = |depth: usize| {
            file(&format!(
                "<elements>{}{}</elements>",
                "<x>".repeat(depth),
                "</x>".repeat(depth)
            ))
        };
        // The root and <elements> are two levels.
        assert!(read(&nested(MAX_DEPTH - 2)).is_ok());
        assert_eq!(
            too_large(read(&nested(MAX_DEPTH - 1))),
            "nested deeper than 64 elements"
        );
        // Far deeper than any recursive parser survives, on a small stack.
        let deep = nested(300_000);
        let outcome = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || read(&deep))
            .expect("a thread")
            .join()
            .expect("no stack overflow");
        assert_eq!(too_large(outcome), "nested deeper than 64 elements");
    }

    #[test]
    fn element_count_is_refused_past_the_limit() {
        let wide = |count: usize| file(&format!("<elements>{}</elements>", "<x/>".repeat(count)));
        // The root and <elements> count too.
        assert!(read(&wide(MAX_ELEMENTS - 2)).is_ok());
        assert_eq!(
            too_large(read(&wide(MAX_ELEMENTS - 1))),
            "more than 20000 elements"
        );
        assert_eq!(too_large(read(&wide(100_000))), "more than 20000 elements");
    }

    #[test]
    fn attribute_and_text_sizes_are_bounded() {
        let many: String = (0..=MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}=\"\""))
            .collect();
        assert!(too_large(read(&file(&format!("<x{many}/>")))).contains("attributes"));
        let long = "x".repeat(MAX_ATTRIBUTE_BYTES + 1);
        assert!(too_large(read(&file(&format!("<x a=\"{long}\"/>")))).contains("attribute value"));
        let text = "x".repeat(MAX_TEXT_BYTES + 1);
        assert!(too_large(read(&file(&format!("<name>{text}</name>")))).contains("text"));
        let half = "x".repeat(MAX_TEXT_BYTES / 2 + 1);
        let pieces = format!("<name>{half}&amp;{half}</name>");
        assert!(
            too_large(read(&file(&pieces))).contains("text"),
            "pieces add up"
        );
        let huge = " ".repeat(MAX_BYTES + 1);
        assert!(too_large(read(&huge)).contains("MiB"));
    }

    #[test]
    fn broken_or_foreign_files_are_refused() {
        for xml in [
            "",
            "<model",
            "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\"><elements>",
            "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\"></elements>",
            "<!DOCTYPE model [<!ENTITY a \"aaaa\">]><model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\"/>",
            &file("<name>&a;</name>"),
            &file("<x:y/>"),
            &format!("{}<model/>", file("")),
            &format!("{} text", file("")),
        ] {
            assert!(
                matches!(read(xml), Err(ReadError::Malformed(_))),
                "{xml:?}: {:?}",
                read(xml)
            );
        }
        let error = read("<model xmlns=\"urn:other\"/>").expect_err("another root");
        assert_eq!(
            error.to_string(),
            "the root element must be <model> in namespace http://www.opengroup.org/xsd/archimate/3.0/"
        );
        let error = read(&file("\n  <b></c>\n")).expect_err("mismatched");
        assert!(
            error.to_string().starts_with("not well-formed XML: "),
            "{error}"
        );
        assert!(error.to_string().contains("line 2"), "{error}");
    }

    #[test]
    fn elements_need_identifiers_and_properties_need_definitions() {
        let error = read(&file(r#"<elements><element xsi:type="Node"/></elements>"#));
        assert_eq!(
            error,
            Err(ReadError::Invalid("an element has no identifier".into()))
        );
        let dangling = r#"<elements><element identifier="id-A" xsi:type="Node">
            <properties><property propertyDefinitionRef="nope"><value>x</value></property></properties>
            </element></elements>"#;
        assert_eq!(
            read(&file(dangling)),
            Err(ReadError::Invalid(
                "id-A: a property refers to no definition".into()
            ))
        );
    }

    #[test]
    fn texts_are_read_by_language_with_references_resolved() {
        let xml = file(
            r#"<elements>
              <element identifier="id-A" xsi:type="Node">
                <name>Chung</name>
                <name xml:lang="en">English</name>
                <documentation xml:lang="en">a &amp; b &#x1EA1; <![CDATA[<c>]]> <!-- no --> d</documentation>
                <properties>
                  <property propertyDefinitionRef="p1"><value xml:lang="vi"> HẠ TẦNG </value><value>second</value></property>
                </properties>
              </element>
              <other:element xmlns:other="urn:other" identifier="id-FOREIGN"/>
            </elements>
            <relationships>
              <relationship identifier="r" source="id-A" target="id-A" xsi:type="Flow"><name xml:lang="vi">INTEGRATES_WITH</name><name>x</name></relationship>
            </relationships>
            <propertyDefinitions>
              <propertyDefinition identifier="p1" type="string"><name> layer </name></propertyDefinition>
            </propertyDefinitions>"#,
        );
        let model = read(&xml).expect("a model");
        assert_eq!(model.identifier, "m");
        assert_eq!(model.elements.len(), 1, "other namespaces are read past");
        let element = &model.elements[0];
        assert_eq!(
            element.name,
            text("Chung", "Chung"),
            "no xml:lang: both, first wins"
        );
        assert_eq!(element.documentation.en, "a & b ạ <c>  d");
        assert_eq!(element.documentation.vi, "");
        assert_eq!(
            element.properties,
            [("layer".to_owned(), " HẠ TẦNG ".to_owned())],
            "defined after use, named trimmed, value as written"
        );
        assert_eq!(
            model.relationships[0].name.as_deref(),
            Some("INTEGRATES_WITH")
        );
        assert_eq!(model.relationships[0].archimate_type, "Flow");
    }
}
