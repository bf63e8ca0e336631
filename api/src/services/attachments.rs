//! Attachments to status reports: the scanned decision, the minutes, a screenshot.
//!
//! - Only PDF, PNG, JPEG, DOCX, XLSX, ODT and ODS are accepted, and the type is read from the
//!   bytes ([`sniff`], with the `file-format` crate), never from the name or the declared type. An
//!   empty file, a plain ZIP, an executable, HTML or anything else is refused with `BAD_INPUT`
//!   and a message naming the file.
//! - A report carries at most [`Limits::max_files`] files of at most [`Limits::max_bytes`] each
//!   (`EGOV_MAX_ATTACHMENTS`, `EGOV_MAX_ATTACHMENT_MB`). [`check`] applies every rule to every
//!   file before anything is written, so a refused file refuses the whole report.
//! - Bytes are stored once per content in `attachment_files` (unique SHA-256) and linked to the
//!   history entry that brought them in `history_attachments`, in the report's transaction
//!   ([`store`]). They live in the database, so backups carry them.
//! - A file's name is cleaned to a name only ([`clean_name`]: the last path component, no
//!   control characters, bounded) and given the extension of its real type when it lacks it; it
//!   is shown and offered on download, never used as a path.
//! - Only signed-in users download ([`download`]); `http` serves the bytes as an attachment with
//!   `X-Content-Type-Options: nosniff`.

use std::collections::HashMap;

use chrono::Utc;
use entities::{attachment_file, history_attachment};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::access::{signed_in, Viewer};
use crate::error::{Error, Result};

/// One MiB, the unit of `EGOV_MAX_ATTACHMENT_MB`.
pub const MIB: usize = 1024 * 1024;

/// Longest file name kept, in characters (before the real type's extension is added).
pub const MAX_NAME_CHARS: usize = 200;

/// The name given to a file whose name is empty once cleaned.
pub const FALLBACK_NAME: &str = "attachment";

/// A file sent with a report. Its declared content type, if any, is not kept: the type is read
/// from `bytes`.
#[derive(Clone, Default)]
pub struct Upload {
    /// The name the client gave (may be a path, may be anything); cleaned before it is stored.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// How many files a report may carry and how large each may be (`EGOV_MAX_ATTACHMENTS`,
/// `EGOV_MAX_ATTACHMENT_MB`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Most files on one report.
    pub max_files: usize,
}

impl Default for Limits {
    /// 20 MiB each, 5 per report.
    fn default() -> Self {
        Self {
            max_bytes: 20 * MIB,
            max_files: 5,
        }
    }
}

impl Limits {
    /// The limits from the settings: whole MiB per file and a number of files.
    pub fn new(max_mib: u32, max_files: u32) -> Self {
        Self {
            max_bytes: (max_mib as usize).saturating_mul(MIB),
            max_files: max_files as usize,
        }
    }

    /// The largest request body that can carry a full report: every file at its limit, plus
    /// `overhead` for the operation and the multipart framing.
    pub fn body_bytes(&self, overhead: usize) -> usize {
        self.max_files
            .saturating_mul(self.max_bytes)
            .saturating_add(overhead)
    }

    /// The per-file limit for people, e.g. `20 MiB`.
    pub fn describe_max_bytes(&self) -> String {
        describe_size(self.max_bytes as u64)
    }
}

/// A size for people: whole MiB or KiB when exact, otherwise one decimal, or bytes.
pub fn describe_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    let mib = MIB as u64;
    if bytes >= mib && bytes.is_multiple_of(mib) {
        format!("{} MiB", bytes / mib)
    } else if bytes >= mib {
        format!("{:.1} MiB", bytes as f64 / mib as f64)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else if bytes >= KIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// A size for people with the exact count when [`describe_size`] rounds: `1.0 KiB (1025 bytes)`.
fn describe_exact_size(bytes: u64) -> String {
    let rounded = describe_size(bytes);
    if rounded.ends_with(" bytes") {
        rounded
    } else {
        format!("{rounded} ({bytes} bytes)")
    }
}

/// A file type that may be attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
    Docx,
    Xlsx,
    Odt,
    Ods,
}

impl Kind {
    /// Every accepted type, in the order messages list them.
    pub const ALL: [Kind; 7] = [
        Kind::Pdf,
        Kind::Png,
        Kind::Jpeg,
        Kind::Docx,
        Kind::Xlsx,
        Kind::Odt,
        Kind::Ods,
    ];

    /// The media type the file is stored and served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Odt => "application/vnd.oasis.opendocument.text",
            Kind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// File name extensions of this type, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
            Kind::Docx => &["docx"],
            Kind::Xlsx => &["xlsx"],
            Kind::Odt => &["odt"],
            Kind::Ods => &["ods"],
        }
    }

    /// The short name people know it by, e.g. `PDF`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
            Kind::Odt => "ODT",
            Kind::Ods => "ODS",
        }
    }

    /// The type stored under `content_type`, if it is one of ours.
    pub fn from_content_type(content_type: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.content_type() == content_type)
    }
}

/// "PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS".
pub fn accepted_types() -> String {
    let labels: Vec<&str> = Kind::ALL.iter().map(|k| k.label()).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => labels.join(""),
    }
}

/// The accepted type of a file, read from its bytes alone: the signature at its start and, for
/// a ZIP, its central directory (a `word/` or `xl/` part makes DOCX or XLSX, the stored
/// `mimetype` entry ODT or ODS). `None` for anything else: an empty file, a plain ZIP, an
/// executable, HTML, a legacy .doc.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    use file_format::FileFormat as F;
    match F::from_bytes(bytes) {
        F::PortableDocumentFormat => Some(Kind::Pdf),
        F::PortableNetworkGraphics => Some(Kind::Png),
        F::JointPhotographicExpertsGroup => Some(Kind::Jpeg),
        F::OfficeOpenXmlDocument => Some(Kind::Docx),
        F::OfficeOpenXmlSpreadsheet => Some(Kind::Xlsx),
        F::OpendocumentText => Some(Kind::Odt),
        F::OpendocumentSpreadsheet => Some(Kind::Ods),
        _ => None,
    }
}

/// What a refused file's contents look like, for the message: `MS-DOS Executable
/// (application/x-dosexec)`, or `None` when they are no known format.
fn looks_like(bytes: &[u8]) -> Option<String> {
    let format = file_format::FileFormat::from_bytes(bytes);
    (format != file_format::FileFormat::ArbitraryBinaryData)
        .then(|| format!("{} ({})", format.name(), format.media_type()))
}

/// Bidirectional-text controls, which can make `exe.pdf` display as `fdp.exe` and the like.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A client's file name as a name only: the last component of any path (`/` or `\`), in NFC,
/// without control or bidirectional-control characters, without leading or trailing spaces and
/// dots, at most [`MAX_NAME_CHARS`] characters (keeping a short extension), and never empty
/// ([`FALLBACK_NAME`]).
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last
        .nfc()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let trimmed = kept.trim_matches(|c: char| c.is_whitespace() || c == '.');
    if trimmed.is_empty() {
        return FALLBACK_NAME.to_owned();
    }
    if trimmed.chars().count() <= MAX_NAME_CHARS {
        return trimmed.to_owned();
    }
    let extension = trimmed
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| !ext.is_empty() && ext.chars().count() <= 10);
    match extension {
        Some(ext) => {
            let stem_chars = MAX_NAME_CHARS - ext.chars().count() - 1;
            let stem: String = trimmed.chars().take(stem_chars).collect();
            format!(
                "{}.{ext}",
                stem.trim_end_matches(|c: char| c.is_whitespace() || c == '.')
            )
        }
        None => trimmed.chars().take(MAX_NAME_CHARS).collect(),
    }
}

/// The name a file is stored and offered under: [`clean_name`], with the extension of its real
/// type added when the name does not already end in one (`minutes` → `minutes.pdf`,
/// `scan.html` → `scan.html.pdf`), so that no saved copy opens in the wrong program.
pub fn stored_name(name: &str, kind: Kind) -> String {
    let name = clean_name(name);
    let has_extension = name.rsplit_once('.').is_some_and(|(_, ext)| {
        kind.extensions()
            .iter()
            .any(|known| ext.eq_ignore_ascii_case(known))
    });
    if has_extension {
        name
    } else {
        format!("{name}.{}", kind.extensions()[0])
    }
}

/// A file that passed every rule, ready to be stored.
#[derive(Clone)]
pub struct Checked {
    /// The name it is stored under ([`stored_name`]).
    pub file_name: String,
    pub kind: Kind,
    /// SHA-256 of `bytes`, lower-case hex.
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("file_name", &self.file_name)
            .field("kind", &self.kind)
            .field("sha256", &self.sha256)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// Applies every rule to every file (count, emptiness, size, type from the bytes) and hashes
/// them; the first file that breaks a rule refuses them all with `BAD_INPUT`, naming it.
pub async fn check(uploads: Vec<Upload>, limits: &Limits) -> Result<Vec<Checked>> {
    if uploads.len() > limits.max_files {
        return Err(Error::bad_input(format!(
            "a report may carry at most {} attachments; this one has {}",
            limits.max_files,
            uploads.len()
        )));
    }
    let mut named = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let shown = clean_name(&upload.file_name);
        if upload.bytes.is_empty() {
            return Err(Error::bad_input(format!(
                "attachment \"{shown}\" is empty (0 bytes); attach the file itself"
            )));
        }
        if upload.bytes.len() > limits.max_bytes {
            return Err(Error::bad_input(format!(
                "attachment \"{shown}\" is {}; each attachment may be at most {}",
                describe_exact_size(upload.bytes.len() as u64),
                limits.describe_max_bytes()
            )));
        }
        let Some(kind) = sniff(&upload.bytes) else {
            let looks_like = looks_like(&upload.bytes)
                .map(|format| format!("its contents look like {format}"))
                .unwrap_or_else(|| "its contents are not a recognised document or image".into());
            return Err(Error::bad_input(format!(
                "attachment \"{shown}\" is not a type this service accepts: {looks_like}. \
                 Attach {} files; the type is read from the contents, not the name",
                accepted_types()
            )));
        };
        named.push((stored_name(&upload.file_name, kind), kind, upload.bytes));
    }
    // Hashing up to max_files × max_bytes is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        named
            .into_iter()
            .map(|(file_name, kind, bytes)| Checked {
                file_name,
                kind,
                sha256: hex::encode(Sha256::digest(&bytes)),
                bytes,
            })
            .collect()
    })
    .await
    .map_err(|err| Error::Internal(anyhow::anyhow!("hashing attachments: {err}")))
}

/// Stores checked files for a history entry, inside the report's transaction: each content once
/// (an existing row with the same SHA-256 is reused), each file linked under its name.
pub async fn store<C: ConnectionTrait>(db: &C, history_id: i32, files: Vec<Checked>) -> Result<()> {
    for file in files {
        let file_id = match file_id_of(db, &file.sha256).await? {
            Some(id) => id,
            None => {
                attachment_file::Entity::insert(attachment_file::ActiveModel {
                    sha256: Set(file.sha256.clone()),
                    content_type: Set(file.kind.content_type().to_owned()),
                    size_bytes: Set(file.bytes.len() as i64),
                    content: Set(file.bytes),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(attachment_file::Column::Sha256)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
                file_id_of(db, &file.sha256).await?.ok_or_else(|| {
                    Error::Internal(anyhow::anyhow!("attachment {} was not stored", file.sha256))
                })?
            }
        };
        history_attachment::Entity::insert(history_attachment::ActiveModel {
            history_id: Set(history_id),
            file_id: Set(file_id),
            file_name: Set(file.file_name),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The id of the stored content with this hash, if any.
async fn file_id_of<C: ConnectionTrait>(db: &C, sha256: &str) -> Result<Option<i32>> {
    Ok(attachment_file::Entity::find()
        .select_only()
        .column(attachment_file::Column::Id)
        .filter(attachment_file::Column::Sha256.eq(sha256))
        .into_tuple::<i32>()
        .one(db)
        .await?)
}

/// One attached file as listed with its report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// The attachment's id (one file on one report), as in its URL.
    pub id: i32,
    /// The history entry (report) it came with.
    pub history_id: i32,
    /// The name shown and offered on download.
    pub file_name: String,
    /// The type read from its bytes.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
}

/// Characters percent-encoded in a URL path segment: all but unreserved ones.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters percent-encoded in an RFC 8187 (RFC 5987) `filename*` value: all but `attr-char`.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

impl AttachmentInfo {
    /// Where a signed-in user downloads it: `/attachments/{id}/{name, percent-encoded}`.
    pub fn url(&self) -> String {
        format!(
            "/attachments/{}/{}",
            self.id,
            utf8_percent_encode(&self.file_name, PATH_SEGMENT)
        )
    }

    /// The `Content-Disposition` value it is downloaded with.
    pub fn content_disposition(&self) -> String {
        content_disposition(&self.file_name)
    }
}

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback name for old clients (`"`,
/// `\` and non-ASCII characters replaced by `_`) and the exact name, percent-encoded as RFC 8187
/// says.
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(file_name, ATTR_CHAR)
    )
}

/// The attachments of the given history entries, in the order they were attached; the bytes
/// are not read.
pub async fn of_history(
    db: &DatabaseConnection,
    history_ids: &[i32],
) -> Result<Vec<AttachmentInfo>> {
    if history_ids.is_empty() {
        return Ok(Vec::new());
    }
    let links = history_attachment::Entity::find()
        .filter(history_attachment::Column::HistoryId.is_in(history_ids.iter().copied()))
        .order_by_asc(history_attachment::Column::Id)
        .all(db)
        .await?;
    let mut file_ids: Vec<i32> = links.iter().map(|link| link.file_id).collect();
    file_ids.sort_unstable();
    file_ids.dedup();
    let files: HashMap<i32, (String, String, i64)> = if file_ids.is_empty() {
        HashMap::new()
    } else {
        attachment_file::Entity::find()
            .select_only()
            .columns([
                attachment_file::Column::Id,
                attachment_file::Column::Sha256,
                attachment_file::Column::ContentType,
                attachment_file::Column::SizeBytes,
            ])
            .filter(attachment_file::Column::Id.is_in(file_ids))
            .into_tuple::<(i32, String, String, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, sha256, content_type, size)| (id, (sha256, content_type, size)))
            .collect()
    };
    links
        .into_iter()
        .map(|link| {
            let (sha256, content_type, size) =
                files.get(&link.file_id).cloned().ok_or_else(|| {
                    Error::Internal(anyhow::anyhow!(
                        "attachment {} refers to missing file {}",
                        link.id,
                        link.file_id
                    ))
                })?;
            Ok(AttachmentInfo {
                id: link.id,
                history_id: link.history_id,
                file_name: link.file_name,
                content_type,
                size,
                sha256,
            })
        })
        .collect()
}

/// One attachment with its bytes, for a signed-in user (`UNAUTHENTICATED` otherwise;
/// `NOT_FOUND` for an unknown id).
pub async fn download(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: i32,
) -> Result<(AttachmentInfo, Vec<u8>)> {
    signed_in(viewer)?;
    let link = history_attachment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("attachment {id}")))?;
    let file = attachment_file::Entity::find_by_id(link.file_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("attachment {id}")))?;
    let info = AttachmentInfo {
        id: link.id,
        history_id: link.history_id,
        file_name: link.file_name,
        content_type: file.content_type,
        size: file.size_bytes,
        sha256: file.sha256,
    };
    Ok((info, file.content))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A ZIP with the given entries, stored in order (uncompressed, as ODF needs for `mimetype`).
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in entries {
            writer.start_file(*name, options).expect("start an entry");
            writer.write_all(bytes).expect("write an entry");
        }
        writer.finish().expect("finish the zip").into_inner()
    }

    fn docx() -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document/>"),
        ])
    }

    fn xlsx() -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", b"<workbook/>"),
        ])
    }

    fn odf(mimetype: &str) -> Vec<u8> {
        zip_of(&[
            ("mimetype", mimetype.as_bytes()),
            ("content.xml", b"<office:document-content/>"),
        ])
    }

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];

    #[test]
    fn each_accepted_type_is_recognised_from_its_bytes() {
        assert_eq!(sniff(PDF), Some(Kind::Pdf));
        assert_eq!(sniff(PNG), Some(Kind::Png));
        assert_eq!(sniff(JPEG), Some(Kind::Jpeg));
        assert_eq!(sniff(&docx()), Some(Kind::Docx));
        assert_eq!(sniff(&xlsx()), Some(Kind::Xlsx));
        // Whatever order the producer wrote the parts in (LibreOffice differs from Word).
        let reordered = zip_of(&[
            ("_rels/.rels", b"<Relationships/>"),
            ("docProps/core.xml", b"<cp:coreProperties/>"),
            ("docProps/app.xml", b"<Properties/>"),
            ("word/document.xml", b"<w:document/>"),
            ("[Content_Types].xml", b"<Types/>"),
        ]);
        assert_eq!(sniff(&reordered), Some(Kind::Docx));
        assert_eq!(
            sniff(&odf("application/vnd.oasis.opendocument.text")),
            Some(Kind::Odt)
        );
        assert_eq!(
            sniff(&odf("application/vnd.oasis.opendocument.spreadsheet")),
            Some(Kind::Ods)
        );
    }

    #[test]
    fn everything_else_is_refused_whatever_it_is_called() {
        let exe = [b"MZ\x90\x00\x03\x00\x00\x00".as_slice(), &[0u8; 64]].concat();
        let plain_zip = zip_of(&[("readme.txt", b"hello"), ("data.bin", b"\x00\x01")]);
        let presentation = odf("application/vnd.oasis.opendocument.presentation");
        let legacy_doc = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        let refused: [&[u8]; 8] = [
            b"",
            &exe,
            &plain_zip,
            &presentation,
            &legacy_doc,
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            b"just some text",
            b"GIF89a\x01\x00\x01\x00",
        ];
        for bytes in refused {
            assert_eq!(sniff(bytes), None, "{:?}", &bytes[..bytes.len().min(16)]);
        }
    }

    #[tokio::test]
    async fn a_refusal_names_the_file_and_what_is_accepted() {
        let limits = Limits {
            max_bytes: 64,
            max_files: 2,
        };
        let upload = |name: &str, bytes: &[u8]| Upload {
            file_name: name.into(),
            bytes: bytes.to_vec(),
        };
        let message = |result: Result<Vec<Checked>>| match result {
            Err(Error::BadInput(message)) => message,
            other => panic!("expected BAD_INPUT, got {other:?}"),
        };
        let exe = message(check(vec![upload("C:\\tmp\\setup.pdf", b"MZ\x90\x00")], &limits).await);
        assert!(exe.contains("\"setup.pdf\""), "{exe}");
        assert!(exe.contains("Executable"), "{exe}");
        assert!(
            exe.contains("PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS"),
            "{exe}"
        );
        let empty = message(check(vec![upload("x.pdf", b"")], &limits).await);
        assert!(empty.contains("\"x.pdf\" is empty"), "{empty}");
        let large = message(check(vec![upload("big.pdf", &[b'%'; 65])], &limits).await);
        assert!(
            large.contains("65 bytes") && large.contains("at most 64 bytes"),
            "{large}"
        );
        let many = vec![upload("a.pdf", PDF); 3];
        assert!(message(check(many, &limits).await).contains("at most 2 attachments"));
        let fine = check(
            vec![upload("../../x.pdf", PDF), upload("shot", PNG)],
            &limits,
        )
        .await
        .expect("accepted");
        let names: Vec<&str> = fine.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(names, ["x.pdf", "shot.png"]);
        assert_eq!(fine[0].sha256, hex::encode(Sha256::digest(PDF)));
    }

    #[test]
    fn names_are_names_never_paths() {
        assert_eq!(clean_name("../../x.pdf"), "x.pdf");
        assert_eq!(clean_name("..\\..\\Windows\\x.pdf"), "x.pdf");
        assert_eq!(clean_name("/etc/passwd"), "passwd");
        assert_eq!(clean_name(".."), FALLBACK_NAME);
        assert_eq!(clean_name("dir/"), FALLBACK_NAME);
        assert_eq!(clean_name(""), FALLBACK_NAME);
        assert_eq!(clean_name("  .hidden. "), "hidden");
        assert_eq!(clean_name("a\u{0}b\r\nc\u{202E}fdp.exe"), "abcfdp.exe");
        // Decomposed Vietnamese (as macOS sends it) is stored composed.
        assert_eq!(
            clean_name("Quye\u{302}\u{301}t đi\u{323}nh.pdf"),
            "Quyết định.pdf"
        );
        let long = format!("{}.pdf", "x".repeat(500));
        let bounded = clean_name(&long);
        assert_eq!(bounded.chars().count(), MAX_NAME_CHARS);
        assert!(bounded.ends_with("xx.pdf"));
        assert_eq!(stored_name("minutes", Kind::Pdf), "minutes.pdf");
        assert_eq!(stored_name("scan.html", Kind::Pdf), "scan.html.pdf");
        assert_eq!(stored_name("photo.JPEG", Kind::Jpeg), "photo.JPEG");
    }

    #[test]
    fn downloads_carry_the_exact_name_and_a_safe_fallback() {
        assert_eq!(
            content_disposition("Biên bản \"họp\".pdf"),
            "attachment; filename=\"Bi_n b_n _h_p_.pdf\"; \
             filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20%22h%E1%BB%8Dp%22.pdf"
        );
        let info = AttachmentInfo {
            id: 7,
            history_id: 1,
            file_name: "a b/c.pdf".into(),
            content_type: "application/pdf".into(),
            size: 1,
            sha256: String::new(),
        };
        assert_eq!(info.url(), "/attachments/7/a%20b%2Fc.pdf");
        assert_eq!(Limits::new(20, 5), Limits::default());
        assert_eq!(describe_size(25 * MIB as u64 + MIB as u64 / 2), "25.5 MiB");
        assert_eq!(describe_exact_size(1025), "1.0 KiB (1025 bytes)");
        assert_eq!(describe_exact_size(65), "65 bytes");
    }
}
