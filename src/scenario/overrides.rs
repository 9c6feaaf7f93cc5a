//! `--set path=value`: edits the parsed TOML tree before validation, so an
//! override is checked exactly like the file (same paths, same messages).

use super::error::{Problem, shorten};
use toml::{Table, Value};

/// Tables whose keys are names the user chose (a team, a topic): `--set`
/// must not invent a new one by a typo.
pub(crate) const NAMED_TABLES: &[&str] = &["staff.teams", "demand.topics"];

/// Applies one `path=value` to the tree. The value is read as a TOML value
/// when it is one (`30`, `0.5`, `true`, `[1, 2]`), else as a string (`3h`).
pub fn apply(root: &mut Table, assignment: &str) -> Result<String, Problem> {
    let Some((path, raw)) = assignment.split_once('=') else {
        return Err(Problem {
            // Quoted when blank, so that the problem still shows a path;
            // shortened with every path, by the error's Display.
            path: if assignment.trim().is_empty() {
                format!("{assignment:?}")
            } else {
                assignment.to_string()
            },
            message: "--set expects path=value, e.g. --set policy.intervention_delay=1h".into(),
        });
    };
    let path = path.trim();
    if path.is_empty() {
        // The problem's path is the assignment itself: there is no other.
        return Err(Problem {
            path: format!("{assignment:?}"),
            message: "--set needs a path before `=`, e.g. --set demand.questions_per_day=500"
                .into(),
        });
    }
    let value = parse_value(raw.trim());
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(Problem {
            path: path.to_string(),
            message: "--set path has an empty segment; write it like demand.questions_per_day"
                .into(),
        });
    }
    set_in_table(root, &segments, value, path, 0)?;
    Ok(path.to_string())
}

fn parse_value(raw: &str) -> Value {
    let wrapped = format!("v = {raw}");
    match wrapped.parse::<Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| Value::String(raw.to_string())),
        Err(_) => Value::String(raw.to_string()),
    }
}

fn set_in_table(
    table: &mut Table,
    segments: &[&str],
    value: Value,
    full_path: &str,
    depth: usize,
) -> Result<(), Problem> {
    let key = segments[0];
    let parent_path = full_path
        .split('.')
        .take(depth)
        .collect::<Vec<_>>()
        .join(".");
    let named = NAMED_TABLES.contains(&parent_path.as_str());
    if segments.len() == 1 && (!named || table.contains_key(key)) {
        table.insert(key.to_string(), value);
        return Ok(());
    }
    if !table.contains_key(key) && named {
        let mut names: Vec<&str> = table.keys().map(|k| k.as_str()).collect();
        names.sort();
        return Err(Problem {
            path: full_path.to_string(),
            message: format!(
                "no entry named `{}` in {parent_path} (there are: {})",
                shorten(key),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ),
        });
    }
    if !table.contains_key(key) && segments.len() > 1 && segments[1].parse::<usize>().is_ok() {
        // `shifts.0.share` on a list the file leaves at its default: there
        // is no item 0 to edit, and inventing a table `{ "0" = ... }` would
        // only be refused later as "found a table".
        let list_path = full_path
            .split('.')
            .take(depth + 1)
            .collect::<Vec<_>>()
            .join(".");
        return Err(Problem {
            path: full_path.to_string(),
            message: format!(
                "`{list_path}` is not written in the scenario (it takes its default), so it has no item {} to set: set the whole list, e.g. --set '{list_path}=[...]', or write it in the file",
                segments[1]
            ),
        });
    }
    let child = table
        .entry(key)
        .or_insert_with(|| Value::Table(Table::new()));
    set_in_value(child, &segments[1..], value, full_path, depth + 1)
}

fn set_in_value(
    node: &mut Value,
    segments: &[&str],
    value: Value,
    full_path: &str,
    depth: usize,
) -> Result<(), Problem> {
    match node {
        Value::Table(t) => set_in_table(t, segments, value, full_path, depth),
        Value::Array(items) => {
            let index: usize = segments[0].parse().map_err(|_| Problem {
                path: full_path.to_string(),
                message: format!("`{}` indexes a list: expected a number", segments[0]),
            })?;
            let len = items.len();
            let Some(item) = items.get_mut(index) else {
                return Err(Problem {
                    path: full_path.to_string(),
                    message: format!("index {index} is past the end of a list of {len}"),
                });
            };
            if segments.len() == 1 {
                *item = value;
                Ok(())
            } else {
                set_in_value(item, &segments[1..], value, full_path, depth + 1)
            }
        }
        _ => Err(Problem {
            path: full_path.to_string(),
            message: format!(
                "`{}` is a value, not a table: cannot set a field inside it",
                full_path
                    .split('.')
                    .take(depth)
                    .collect::<Vec<_>>()
                    .join(".")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_numbers_durations_and_list_items() {
        let mut t: Table = "[policy]\nintervention_delay = \"3h\"\n[demand]\nhourly_profile = [1, 2]\n[staff.teams.technical]\ncount = 3".parse().unwrap();
        apply(&mut t, "policy.intervention_delay=1h").unwrap();
        apply(&mut t, "staff.teams.technical.count=30").unwrap();
        apply(&mut t, "demand.hourly_profile.1=0.5").unwrap();
        apply(&mut t, "deflection.max_share=0.2").unwrap();
        assert_eq!(t["policy"]["intervention_delay"].as_str(), Some("1h"));
        assert_eq!(
            t["staff"]["teams"]["technical"]["count"].as_integer(),
            Some(30)
        );
        assert_eq!(t["demand"]["hourly_profile"][1].as_float(), Some(0.5));
        assert_eq!(t["deflection"]["max_share"].as_float(), Some(0.2));
    }

    #[test]
    fn refuses_unknown_names_and_bad_syntax() {
        let mut t: Table = "[staff.teams.technical]\ncount = 3".parse().unwrap();
        let e = apply(&mut t, "staff.teams.technicl.count=30").unwrap_err();
        assert!(
            e.message.contains("no entry named `technicl`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("technical"));
        assert!(apply(&mut t, "nonsense").is_err());
        assert!(apply(&mut t, "a..b=1").is_err());
        // Found by tests/fuzz.rs: an empty path gave a problem with no path.
        let e = apply(&mut t, " =1").unwrap_err();
        assert_eq!(e.path, "\" =1\"");
        assert_eq!(apply(&mut t, "").unwrap_err().path, "\"\"");
        assert!(e.message.contains("needs a path"), "{}", e.message);
        assert!(apply(&mut t, "staff.teams.technical.count.x=1").is_err());
    }

    #[test]
    fn an_item_of_a_list_left_at_its_default_cannot_be_set() {
        let mut t: Table = "[staff.teams.technical]\ncount = 3".parse().unwrap();
        let e = apply(&mut t, "staff.teams.technical.shifts.0.share=0.5").unwrap_err();
        assert_eq!(e.path, "staff.teams.technical.shifts.0.share");
        assert!(
            e.message
                .contains("`staff.teams.technical.shifts` is not written in the scenario")
                && e.message.contains("set the whole list"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("found a table"), "{}", e.message);
        // The tree is left as it was.
        assert!(
            !t["staff"]["teams"]["technical"]
                .as_table()
                .unwrap()
                .contains_key("shifts")
        );
    }
}
