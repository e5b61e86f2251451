//! The rules `invc check` knows and the findings they produce.
//!
//! This module owns the catalogue: every rule's id (stable: SARIF `ruleId`s, suppressions and
//! baselines name rules by it), its default severity and its one-line description. Nothing
//! else spells a rule id.

use invc_spec_lang::{FileId, Span};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a finding is. Either makes `invc check` exit 1; SARIF and GitHub output
/// carry the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaks an invariant of the spec.
    Error,
    /// Makes the code harder to review against the spec.
    Warning,
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $severity:ident, $desc:literal;)*) => {
        /// A rule of `invc check`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $(
                #[doc = $desc]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in the order the book documents them.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable id (`guarded-access`).
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity its findings have.
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One sentence saying what the rule finds.
            pub fn description(self) -> &'static str {
                match self { $(Rule::$variant => $desc,)* }
            }
        }
    };
}

rules! {
    ParseError = "parse-error", Error,
        "A Rust file that does not parse; it cannot be checked.";
    GuardedAccess = "guarded-access", Error,
        "A `guarded_by` field read or written through a raw pointer without its lock held.";
    ReadonlyWrite = "readonly-write", Error,
        "A `readonly` field written through a raw pointer to a published object.";
    LocklessAccess = "lockless-access", Error,
        "A `lockless` field accessed plainly instead of with READ_ONCE/WRITE_ONCE, volatile or atomic access.";
    RawLock = "raw-lock", Error,
        "A raw lock or unlock call on a lock the spec names, instead of the wrapper's guard.";
    RcuDeref = "rcu-deref", Error,
        "An `rcu` pointer read through a raw pointer outside an RCU read section and without its update lock, or published by a plain store instead of `rcu_assign_pointer`.";
    RcuFree = "rcu-free", Error,
        "An RCU pointer's old value freed without waiting for a grace period.";
    DmaBypass = "dma-bypass", Error,
        "A raw unmap or free of a DMA buffer the spec names, skipping the ownership typestate.";
    RawContainerOf = "raw-container-of", Error,
        "`container_of!`/`offset_of!` arithmetic for an `embeds` relation the wrappers cover.";
    RawRefcount = "raw-refcount", Error,
        "A raw get or put on a reference count the spec names.";
    RawListWalk = "raw-list-walk", Error,
        "A raw walk of an intrusive list the spec names (list macros, `next`/`prev`, `container_of` on its link).";
    UnsafeUndocumented = "unsafe-undocumented", Warning,
        "An `unsafe` block or `unsafe fn` touching spec'd raw types without a `// SAFETY:` comment.";
    MissingLock = "missing-lock", Error,
        "A call to a function whose spec `requires` a lock, with no guard of that lock in scope.";
    SleepInAtomic = "sleep-in-atomic", Error,
        "A call that may sleep from atomic context: a spec `context` that is not process, or a spinlock held.";
    LockOrder = "lock-order", Error,
        "A lock taken while one that the spec's `order` puts after it is held.";
    BadSuppression = "bad-suppression", Error,
        "An `invc:allow` comment without a reason or naming an unknown rule.";
}

impl Rule {
    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One place where a Rust file goes around the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which rule.
    pub rule: Rule,
    /// What is wrong, in one sentence naming the C struct, field or lock.
    pub message: String,
    /// A short label for the offending code.
    pub label: String,
    /// The Rust file, in the same source map as the specs.
    pub file: FileId,
    /// Byte range in the Rust file.
    pub start: u32,
    /// End of the byte range.
    pub end: u32,
    /// The spec item that makes this a rule (`None` for `parse-error` and suppressions).
    pub spec: Option<Span>,
}

impl Finding {
    /// The severity, from the rule.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }
}
