//! Reads the Stack Exchange data dump's `Posts.xml`, streaming: one `<row>`
//! at a time, its `Body` never decoded, so memory follows the number of
//! posts (a few dozen bytes each), not the file's gigabytes.
//!
//! The mapping:
//! - `PostTypeId="1"` is a question: the thread is its `Id`, the asker its
//!   `OwnerUserId`, the topic its first tag (`Tags`, written `<a><b>` or
//!   `|a|b|`); the most asked tags are kept by name, the rest grouped as
//!   "other";
//! - `PostTypeId="2"` is an answer to `ParentId`; the asker's own answers
//!   count as follow-ups (chases); `AcceptedAnswerId` on a question marks
//!   its answer accepted;
//! - other post types (tag wikis, moderator nominations...) are skipped;
//! - Stack Exchange has no staff: `--staff-authors` names them (employees,
//!   moderators), else every answerer is a member;
//! - `CreationDate` is naive UTC; `--timezone` sets the wall clock of the
//!   profiles only;
//! - a post without `OwnerUserId` (a deleted account) gets an author of
//!   its own, `anonymous-<Id>`.

use super::clock::Clock;
use super::log::{FieldNames, LogBuilder, PostLog, Problem, Row};
use crate::posts::{Kind, Role};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::BufRead;

/// The dump's names for the fields a problem can be in.
pub const FIELDS: FieldNames = FieldNames {
    post_id: "Id",
    created_at: "CreationDate",
    thread: "ParentId",
};

/// Tags kept by name; the others are "other".
pub const TOPICS_KEPT: usize = 8;

/// The attributes read from a row; the others (the body, the title...)
/// are skipped undecoded.
#[derive(Default)]
struct Attributes {
    id: Option<String>,
    post_type: Option<String>,
    parent: Option<String>,
    owner: Option<String>,
    created: Option<String>,
    tags: Option<String>,
    accepted_answer: Option<String>,
}

/// Reads `Posts.xml` from `input`.
pub fn read(
    input: impl BufRead,
    clock: &Clock,
    mut builder: LogBuilder,
) -> Result<PostLog, Problem> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut line: u64 = 1;
    // Per question: its asker (the answers name only the thread).
    let mut askers: HashMap<String, String> = HashMap::new();
    let mut rows = 0u64;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| Problem::at(line, None, format!("not well-formed XML: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Empty(ref e) | Event::Start(ref e) if e.local_name().as_ref() == "row" => {
                rows += 1;
                let at_line = line;
                match attributes(e, at_line) {
                    Ok(a) => {
                        if let Err(problem) = add_row(a, at_line, clock, &mut askers, &mut builder)
                        {
                            builder.bad_row(problem)?;
                        }
                    }
                    Err(problem) => builder.bad_row(problem)?,
                }
            }
            _ => {}
        }
        line += memchr_count(&buf);
        buf.clear();
    }
    if rows == 0 {
        return Err(Problem {
            line: None,
            column: None,
            message: "no <row> elements: expected a Stack Exchange Posts.xml".into(),
        });
    }
    builder.finish()
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn attributes(e: &BytesStart, line: u64) -> Result<Attributes, Problem> {
    let mut a = Attributes::default();
    for attr in e.attributes() {
        let attr =
            attr.map_err(|err| Problem::at(line, None, format!("a malformed attribute: {err}")))?;
        let slot = match attr.key.as_ref() {
            "Id" => &mut a.id,
            "PostTypeId" => &mut a.post_type,
            "ParentId" => &mut a.parent,
            "OwnerUserId" => &mut a.owner,
            "CreationDate" => &mut a.created,
            "Tags" => &mut a.tags,
            "AcceptedAnswerId" => &mut a.accepted_answer,
            _ => continue,
        };
        let name = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| Problem::at(line, Some(name), format!("cannot be read: {err}")))?;
        *slot = Some(value.into_owned());
    }
    Ok(a)
}

fn add_row(
    a: Attributes,
    line: u64,
    clock: &Clock,
    askers: &mut HashMap<String, String>,
    builder: &mut LogBuilder,
) -> Result<(), Problem> {
    let need = |value: Option<String>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Problem::at(line, Some(name.into()), "missing: every row needs one"))
    };
    let id = need(a.id, "Id")?;
    let post_type = need(a.post_type, "PostTypeId")?;
    let created = need(a.created, "CreationDate")?;
    let at = clock
        .parse(&created)
        .map_err(|message| Problem::at(line, Some("CreationDate".into()), message))?;
    let author = a
        .owner
        .filter(|o| !o.is_empty())
        .unwrap_or_else(|| format!("anonymous-{id}"));
    match post_type.as_str() {
        "1" => {
            let topic = a.tags.as_deref().and_then(first_tag);
            if let Some(answer) = a.accepted_answer.filter(|v| !v.is_empty()) {
                builder.accept(&answer);
            }
            askers.insert(id.clone(), author.clone());
            builder.add(Row {
                line,
                thread: &id,
                post: &id,
                author: &author,
                role: Some(Role::Customer),
                at,
                topic,
                accepted: false,
                kind: Some(Kind::Question),
            })
        }
        "2" => {
            let parent = need(a.parent, "ParentId")?;
            let own = askers.get(&parent).is_some_and(|asker| *asker == author);
            builder.add(Row {
                line,
                thread: &parent,
                post: &id,
                author: &author,
                // None: staff if listed, else a member.
                role: own.then_some(Role::Customer),
                at,
                topic: None,
                accepted: false,
                kind: Some(if own { Kind::Chase } else { Kind::Answer }),
            })
        }
        _ => Ok(()),
    }
}

/// The first tag of `<a><b>` or `|a|b|`.
fn first_tag(tags: &str) -> Option<&str> {
    let tags = tags.trim();
    let tag = if let Some(rest) = tags.strip_prefix('<') {
        rest.split('>').next()
    } else {
        tags.trim_start_matches('|').split('|').next()
    };
    tag.filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tag_spellings_give_the_first_tag() {
        assert_eq!(first_tag("<c#><floating-point>"), Some("c#"));
        assert_eq!(first_tag("|python|pandas|"), Some("python"));
        assert_eq!(first_tag(""), None);
    }
}
