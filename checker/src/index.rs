//! The rule index: what the specs' IR says, arranged for lookups by the names Rust code
//! uses (C struct tags, C field names, lock names, C function names).
//!
//! Built once from [`invc_spec_lang::ir::Spec`]s and shared read-only by every file's walk.
//! It reads only the IR, never the AST, and knows nothing of Rust syntax.

use invc_spec_lang::Span;
use invc_spec_lang::ir::{self, Access, Context, LockKind, LockMode, LockOwner, LockRef};
use std::collections::HashMap;
use std::fmt;

/// Where a lock lives, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A member of this C struct.
    Struct(String),
    /// A top-level (global) lock.
    Global,
    /// A struct member whose struct is not known (matches any struct's lock of that name).
    Any,
}

/// A lock, or a pattern for locks when the owner is [`Owner::Any`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LockKey {
    /// Where it lives.
    pub owner: Owner,
    /// The lock's field or variable name.
    pub name: String,
}

impl LockKey {
    /// Whether two keys may denote the same lock.
    pub fn matches(&self, other: &LockKey) -> bool {
        self.name == other.name
            && match (&self.owner, &other.owner) {
                (Owner::Any, Owner::Struct(_)) | (Owner::Struct(_), Owner::Any) => true,
                (a, b) => a == b,
            }
    }

    fn of(r: &LockRef) -> LockKey {
        let owner = match &r.owner {
            LockOwner::Struct { name } => Owner::Struct(name.clone()),
            LockOwner::Global => Owner::Global,
            LockOwner::Unresolved => Owner::Any,
        };
        LockKey {
            owner,
            name: r.lock.clone(),
        }
    }
}

impl fmt::Display for LockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.owner {
            Owner::Struct(s) => write!(f, "{s}.{}", self.name),
            Owner::Global | Owner::Any => f.write_str(&self.name),
        }
    }
}

/// A lock the spec declares.
#[derive(Debug, Clone)]
pub struct LockInfo {
    /// Which lock.
    pub key: LockKey,
    /// Its kind.
    pub kind: LockKind,
    /// How it must be taken.
    pub mode: LockMode,
    /// A custom C function that takes it.
    pub acquire: Option<String>,
    /// A custom C function that releases it.
    pub release: Option<String>,
    /// The spec item.
    pub span: Span,
}

/// What the spec says about one field of a C struct. A field can have several roles (a
/// streaming DMA buffer's address field may also be guarded).
#[derive(Debug, Clone)]
pub enum FieldRole {
    /// `guarded_by(L)`.
    Guarded {
        /// The lock.
        lock: LockKey,
        /// The spec member.
        span: Span,
    },
    /// `readonly`.
    Readonly(Span),
    /// `lockless`.
    Lockless(Span),
    /// `rcu p: T updated_under(L)`.
    Rcu {
        /// The pointee struct.
        target: String,
        /// The lock writers hold.
        updated_under: Option<LockKey>,
        /// The spec member.
        span: Span,
    },
    /// A `dma` member, or the address/length field of a streaming one.
    Dma {
        /// The DMA member's name (the buffer).
        buffer: String,
        /// `coherent` or `streaming`.
        coherent: bool,
        /// The spec member.
        span: Span,
    },
    /// `embeds m: struct P`.
    Embed {
        /// The embedded struct.
        ty: String,
        /// The spec member.
        span: Span,
    },
    /// `list l: struct E via n`.
    List(Span),
    /// `refcount r: ...`.
    Refcount(Span),
    /// `lock L: ...`.
    Lock(LockKey),
}

/// The rules of one C struct.
#[derive(Debug, Clone, Default)]
pub struct StructRules {
    /// Field roles by C field name.
    pub fields: HashMap<String, Vec<FieldRole>>,
    /// Its locks, in spec order.
    pub locks: Vec<LockInfo>,
}

/// A spec `fn`.
#[derive(Debug, Clone)]
pub struct FnRules {
    /// Its declared context.
    pub context: Option<Context>,
    /// Whether it may sleep.
    pub may_sleep: bool,
    /// Locks callers must hold.
    pub requires: Vec<LockKey>,
    /// The spec item.
    pub span: Span,
}

/// A `container_of` relation: `parent` embeds `member`.
#[derive(Debug, Clone)]
pub struct Relation {
    /// `true` for a list entry's link (`list ... via member`), `false` for `embeds`/`macro`.
    pub list_link: bool,
    /// The spec member or macro.
    pub span: Span,
}

/// One `A < B` lock-order pair.
#[derive(Debug, Clone)]
pub struct OrderRule {
    /// Taken first.
    pub before: LockKey,
    /// Taken while `before` is held.
    pub after: LockKey,
    /// The `order` item.
    pub span: Span,
}

/// Everything the rules look up, built from the specs' IR.
#[derive(Debug, Clone, Default)]
pub struct RuleIndex {
    /// Struct rules by C struct tag (bindgen keeps the tag as the Rust name).
    pub structs: HashMap<String, StructRules>,
    /// C struct tag by the name of its generated wrapper (`vnet_queue` -> `VnetQueue`).
    pub wrappers: HashMap<String, String>,
    /// Global locks by name.
    pub globals: HashMap<String, LockInfo>,
    /// Spec functions by C name.
    pub functions: HashMap<String, FnRules>,
    /// `container_of` relations by (parent struct, member).
    pub relations: HashMap<(String, String), Relation>,
    /// The lock order.
    pub order: Vec<OrderRule>,
    /// `acquire`/`release` helper macros (whose generated functions take and drop guards) by
    /// name: the lock, and whether the helper takes it.
    pub lock_helpers: HashMap<String, (LockKey, bool)>,
}

impl RuleIndex {
    /// Indexes the rules of every spec. Later specs win when two describe the same name.
    pub fn new<'a>(specs: impl IntoIterator<Item = &'a ir::Spec>) -> RuleIndex {
        let mut index = RuleIndex::default();
        for spec in specs {
            index.add(spec);
        }
        index
    }

    fn add(&mut self, spec: &ir::Spec) {
        for lock in &spec.locks {
            let info = lock_info(lock, Owner::Global);
            self.globals.insert(lock.name.clone(), info);
        }
        for s in &spec.structs {
            self.add_struct(s);
        }
        for m in &spec.macros {
            match &m.contract {
                ir::MacroContract::ContainerOf { parent, member, .. } => {
                    let key = (parent.name.clone(), member.clone());
                    self.relations.entry(key).or_insert(Relation {
                        list_link: false,
                        span: m.span,
                    });
                }
                ir::MacroContract::Acquire { lock } => {
                    let helper = (LockKey::of(&lock.lock), true);
                    self.lock_helpers.insert(m.name.clone(), helper);
                }
                ir::MacroContract::Release { lock } => {
                    let helper = (LockKey::of(&lock.lock), false);
                    self.lock_helpers.insert(m.name.clone(), helper);
                }
                ir::MacroContract::ReadOnce { .. } | ir::MacroContract::WriteOnce { .. } => {}
            }
        }
        for f in &spec.functions {
            let rules = FnRules {
                context: f.context,
                may_sleep: f.may_sleep,
                requires: f.requires.iter().map(|r| LockKey::of(&r.lock)).collect(),
                span: f.span,
            };
            self.functions.insert(f.name.clone(), rules);
        }
        for edge in &spec.lock_order {
            self.order.push(OrderRule {
                before: LockKey::of(&edge.before),
                after: LockKey::of(&edge.after),
                span: edge.span,
            });
        }
    }

    fn add_struct(&mut self, s: &ir::Struct) {
        let mut rules = StructRules::default();
        let mut role = |name: &str, r: FieldRole| {
            rules.fields.entry(name.to_owned()).or_default().push(r);
        };
        for f in &s.fields {
            match &f.access {
                Access::Plain => {}
                Access::Guarded { lock } => role(
                    &f.name,
                    FieldRole::Guarded {
                        lock: LockKey::of(lock),
                        span: f.span,
                    },
                ),
                Access::Readonly { span } => role(&f.name, FieldRole::Readonly(*span)),
                Access::Lockless { span } => role(&f.name, FieldRole::Lockless(*span)),
            }
        }
        for r in &s.rcu {
            let rcu = FieldRole::Rcu {
                target: r.target.name.clone(),
                updated_under: r.updated_under.as_ref().map(LockKey::of),
                span: r.span,
            };
            role(&r.name, rcu);
        }
        for d in &s.dma {
            let dma = |coherent| FieldRole::Dma {
                buffer: d.name.clone(),
                coherent,
                span: d.span,
            };
            match &d.mapping {
                ir::DmaMapping::Coherent { .. } => role(&d.name, dma(true)),
                ir::DmaMapping::Streaming { addr, len, .. } => {
                    role(&d.name, dma(false));
                    role(addr, dma(false));
                    role(len, dma(false));
                }
            }
        }
        for e in &s.embeds {
            let embed = FieldRole::Embed {
                ty: e.ty.name.clone(),
                span: e.span,
            };
            role(&e.name, embed);
            self.relations.insert(
                (s.name.clone(), e.name.clone()),
                Relation {
                    list_link: false,
                    span: e.span,
                },
            );
        }
        for l in &s.lists {
            role(&l.name, FieldRole::List(l.span));
            self.relations.insert(
                (l.entry.name.clone(), l.via.clone()),
                Relation {
                    list_link: true,
                    span: l.span,
                },
            );
        }
        for r in &s.refcounts {
            role(&r.name, FieldRole::Refcount(r.span));
        }
        for lock in &s.locks {
            let info = lock_info(lock, Owner::Struct(s.name.clone()));
            role(&lock.name, FieldRole::Lock(info.key.clone()));
            rules.locks.push(info);
        }
        self.wrappers.insert(camel_case(&s.name), s.name.clone());
        self.structs.insert(s.name.clone(), rules);
    }

    /// The declaration of a lock the key denotes (the first, for [`Owner::Any`]).
    pub fn lock(&self, key: &LockKey) -> Option<&LockInfo> {
        match &key.owner {
            Owner::Global => self.globals.get(&key.name),
            Owner::Struct(s) => self.structs.get(s)?.locks.iter().find(|l| l.key == *key),
            Owner::Any => self
                .structs
                .values()
                .flat_map(|s| &s.locks)
                .find(|l| l.key.name == key.name),
        }
    }

    /// The global lock a custom acquire (`true`) or release (`false`) function takes.
    pub fn custom_lock_fn(&self, name: &str) -> Option<(&LockInfo, bool)> {
        let all = self
            .globals
            .values()
            .chain(self.structs.values().flat_map(|s| &s.locks));
        for l in all {
            if l.acquire.as_deref() == Some(name) {
                return Some((l, true));
            }
            if l.release.as_deref() == Some(name) {
                return Some((l, false));
            }
        }
        None
    }
}

fn lock_info(lock: &ir::Lock, owner: Owner) -> LockInfo {
    LockInfo {
        key: LockKey {
            owner,
            name: lock.name.clone(),
        },
        kind: lock.kind,
        mode: lock.mode,
        acquire: lock.acquire.clone(),
        release: lock.release.clone(),
        span: lock.span,
    }
}

/// The generated wrapper's name for a C struct tag: `vnet_queue` -> `VnetQueue`.
pub fn camel_case(c_name: &str) -> String {
    c_name
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}
