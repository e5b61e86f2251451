//! Source positions and the source map every diagnostic reads from.
//!
//! A [`Span`] is attached once, in the grammar, and copied into every AST node, every IR
//! node and every diagnostic. Files are read once into the [`SourceMap`]; nothing re-reads
//! a file at report time. The map implements `codespan_reporting::files::Files`, so the
//! renderer and the JSON writer agree on lines and columns.

use codespan_reporting::files::{self, Files};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// A byte range in one file of the source map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets, as the lexer and grammar produce them.
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        // The source map refuses files over u32::MAX bytes, so offsets always fit.
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range, for slicing the file's text.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and column (columns count characters, as rustc's do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One file's name, text and line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    /// Columns count characters; in an all-ASCII file that is the byte distance, which
    /// spares an O(line length) walk per diagnostic on pathological one-line inputs.
    is_ascii: bool,
}

impl SourceFile {
    /// The name the file was added under (as the user wrote the path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's full text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Error returned when a file is too large to be addressed by a [`Span`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTooLarge {
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub len: usize,
}

impl std::fmt::Display for FileTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: file is {} bytes; invc reads files up to 4 GiB",
            self.name, self.len
        )
    }
}

impl std::error::Error for FileTooLarge {}

/// Every file a run has read: `.inv` specs now, C headers and Rust sources later.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        text: impl Into<String>,
    ) -> Result<FileId, FileTooLarge> {
        let name = name.into();
        let text = text.into();
        if text.len() >= u32::MAX as usize {
            return Err(FileTooLarge {
                name,
                len: text.len(),
            });
        }
        let line_starts = files::line_starts(&text).collect();
        let is_ascii = text.is_ascii();
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            name,
            text,
            line_starts,
            is_ascii,
        });
        Ok(id)
    }

    /// The file behind an id.
    ///
    /// # Panics
    /// If the id did not come from this map; ids are never made up by callers.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        self.file(span.file).text.get(span.range()).unwrap_or("")
    }

    /// The byte offset of a 1-based line and column (columns as clang counts them: bytes).
    pub fn offset_of(&self, file: FileId, line: u32, column: u32) -> Option<u32> {
        let f = self.files.get(file.0 as usize)?;
        let start = *f.line_starts.get((line as usize).checked_sub(1)?)?;
        let offset = start + (column as usize).saturating_sub(1);
        (offset <= f.text.len()).then_some(offset as u32)
    }

    /// The 1-based line and column where a byte offset lies.
    pub fn line_col(&self, file: FileId, offset: u32) -> LineCol {
        let f = self.file(file);
        let offset = (offset as usize).min(f.text.len());
        let line = f
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = f.line_starts[line];
        let column = if f.is_ascii {
            offset - start + 1
        } else {
            f.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1
        };
        LineCol {
            line: line + 1,
            column,
        }
    }
}

impl<'a> Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.text.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let f = self
            .files
            .get(id.0 as usize)
            .ok_or(files::Error::FileMissing)?;
        Ok(f.line_starts
            .partition_point(|&s| s <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let f = self
            .files
            .get(id.0 as usize)
            .ok_or(files::Error::FileMissing)?;
        let start = *f
            .line_starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: f.line_starts.len() - 1,
            })?;
        let end = f
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(f.text.len());
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let mut map = SourceMap::new();
        let id = map.add("a.inv", "ab\nçd\n").unwrap();
        assert_eq!(map.line_col(id, 0), LineCol { line: 1, column: 1 });
        assert_eq!(map.line_col(id, 3), LineCol { line: 2, column: 1 });
        // 'ç' is two bytes but one column.
        assert_eq!(map.line_col(id, 5), LineCol { line: 2, column: 2 });
        assert_eq!(map.line_col(id, 99), LineCol { line: 3, column: 1 });
    }
}
