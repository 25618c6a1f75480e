//! Runtime values: Python's core types, packets (shared references into a
//! packet, as Scapy's `p[ICMP]` is), packet lists, classes and instances
//! (exceptions are instances), modules and native objects.

use super::ast::FuncDef;
use super::error::{raise, Flow, R};
use super::interp::Interp;
use crate::packet::{LayerDef, Packet, WirePacket};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

pub type Args = super::interp::Args;
pub type BuiltinFn = fn(&mut Interp, Args) -> R;

#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<[Value]>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Dict>>),
    Range(i64, i64, i64),
    Func(Rc<Function>),
    Builtin(&'static Builtin),
    /// A method of a built-in type bound to its receiver (`"a,b".split`).
    Method(Rc<(Value, Rc<str>)>),
    /// A user function bound to an instance.
    Bound(Rc<(Value, Value)>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<Module>),
    Packet(PacketRef),
    /// A layer constructor (`IP`), `true` for quoted variants (`IPerror`).
    Layer(&'static LayerDef, bool),
    PacketList(Rc<PacketList>),
    Iter(Rc<RefCell<Box<dyn Iterator<Item = R>>>>),
    /// A flags field value: behaves as its number, shows as letters.
    Flags(u64, &'static [&'static str]),
    Native(Rc<dyn Native>),
}

/// A built-in function.
pub struct Builtin {
    pub name: &'static str,
    pub f: BuiltinFn,
    pub doc: &'static str,
}

/// A user-defined function (or lambda) and the scope it closes over.
pub struct Function {
    pub def: Rc<FuncDef>,
    pub defaults: Vec<Option<Value>>,
    pub closure: Option<super::interp::ScopeRef>,
    pub globals: super::interp::ScopeRef,
}

/// A class: built-in exception classes and user classes alike.
pub struct Class {
    pub name: Rc<str>,
    pub bases: Vec<Rc<Class>>,
    pub attrs: RefCell<HashMap<Rc<str>, Value>>,
}

impl Class {
    /// True when `self` is `other` or derives from it.
    pub fn is_sub(&self, other: &Class) -> bool {
        std::ptr::eq(self, other) || self.bases.iter().any(|b| b.is_sub(other))
    }
    /// Looks an attribute up along the base classes.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.attrs.borrow().get(name) {
            return Some(v.clone());
        }
        self.bases.iter().find_map(|b| b.lookup(name))
    }
}

pub struct Instance {
    pub class: Rc<Class>,
    pub attrs: RefCell<HashMap<Rc<str>, Value>>,
}

pub struct Module {
    pub name: Rc<str>,
    pub attrs: RefCell<HashMap<Rc<str>, Value>>,
}

/// A reference to a packet from one of its layers inward. Sub-references
/// (`p[ICMP]`) share the packet, so `p[ICMP].type = 0` changes `p`.
#[derive(Clone)]
pub struct PacketRef {
    pub pkt: Rc<RefCell<Packet>>,
    pub start: usize,
}

impl PacketRef {
    pub fn new(p: Packet) -> PacketRef {
        PacketRef {
            pkt: Rc::new(RefCell::new(p)),
            start: 0,
        }
    }
    /// A standalone copy of the referenced layers.
    pub fn snapshot(&self) -> Packet {
        let p = self.pkt.borrow();
        if self.start == 0 {
            p.clone()
        } else {
            p.from_index(self.start)
        }
    }
    /// The referenced layers' bytes, built in the context of the whole packet
    /// (so `bytes(p[UDP])` keeps the checksum computed over IP's addresses).
    /// A computed value that does not fit its field raises struct.error, as
    /// in Scapy (`IP()/("x"*70000)`, an MSS past 65535).
    pub fn build(&self) -> R<Vec<u8>> {
        let p = self.pkt.borrow();
        let built = crate::packet::build::checked(|| {
            if self.start == 0 {
                return p.build();
            }
            let (bytes, spans) = crate::packet::build::build_with_spans(&p);
            let from = spans.get(self.start).map(|s| s.0).unwrap_or(bytes.len());
            bytes[from..].to_vec()
        });
        built.map_err(super::pymods::structmod::err)
    }
}

/// A list of packets or of (sent, received) pairs, with Scapy's helpers.
/// Items may be kept as wire bytes and dissected when accessed, so sweeps
/// of many thousands of answers stay small in memory.
pub struct PacketList {
    pub name: Rc<str>,
    items: RefCell<Vec<Item>>,
}

/// One entry of a packet list.
#[derive(Clone)]
pub enum Item {
    Val(Value),
    Wire(WirePacket),
    /// A probe and its answer.
    Pair(Box<(WirePacket, WirePacket)>),
}

impl Item {
    pub fn value(&self) -> Value {
        match self {
            Item::Val(v) => v.clone(),
            Item::Wire(w) => Value::packet(w.packet()),
            Item::Pair(p) => Value::tuple(vec![
                Value::packet(p.0.packet()),
                Value::packet(p.1.packet()),
            ]),
        }
    }
}

impl PacketList {
    pub fn new(name: &str, values: Vec<Value>) -> Rc<PacketList> {
        Self::from_items(name, values.into_iter().map(Item::Val).collect())
    }
    pub fn from_items(name: &str, items: Vec<Item>) -> Rc<PacketList> {
        Rc::new(PacketList {
            name: Rc::from(name),
            items: RefCell::new(items),
        })
    }
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }
    /// Item `i` as a value (wire items are dissected now).
    pub fn get(&self, i: usize) -> Option<Value> {
        self.items.borrow().get(i).map(Item::value)
    }
    /// The raw entries (for writers that want the bytes, not values).
    pub fn items(&self) -> Vec<Item> {
        self.items.borrow().clone()
    }
    pub fn push(&self, v: Value) {
        self.items.borrow_mut().push(Item::Val(v));
    }
    pub fn extend_items(&self, v: impl IntoIterator<Item = Item>) {
        self.items.borrow_mut().extend(v);
    }
    /// Iterates the values lazily, one dissection at a time.
    pub fn values(self: &Rc<Self>) -> impl Iterator<Item = Value> + 'static {
        let me = self.clone();
        let mut i = 0;
        std::iter::from_fn(move || {
            let v = me.get(i);
            i += 1;
            v
        })
    }
}

/// Objects provided by modules (argparse parsers, loggers, files, matches...).
pub trait Native {
    fn type_name(&self) -> &str;
    fn repr(&self) -> String {
        format!("<{} object>", self.type_name())
    }
    fn get_attr(&self, _interp: &mut Interp, _name: &str) -> Option<R> {
        None
    }
    fn set_attr(&self, _name: &str, _v: Value) -> Option<R<()>> {
        None
    }
    fn call_method(
        &self,
        _interp: &mut Interp,
        _this: &Value,
        _name: &str,
        _args: Args,
    ) -> Option<R> {
        None
    }
    fn call(&self, _interp: &mut Interp, _args: Args) -> Option<R> {
        None
    }
    fn truthy(&self) -> bool {
        true
    }
    fn iter(&self, _interp: &mut Interp) -> Option<R<Box<dyn Iterator<Item = R>>>> {
        None
    }
    /// Attribute names, for completion and `dir()`.
    fn attrs(&self) -> Vec<String> {
        Vec::new()
    }
    fn as_any(&self) -> &dyn std::any::Any;
}

/// An insertion-ordered dictionary.
#[derive(Clone, Default)]
pub struct Dict {
    pub entries: indexmap::IndexMap<Key, Value>,
}

impl Dict {
    pub fn get(&self, k: &Value) -> R<Option<Value>> {
        Ok(self.entries.get(&Key::new(k)?).cloned())
    }
    pub fn insert(&mut self, k: Value, v: Value) -> R<()> {
        self.entries.insert(Key::new(&k)?, v);
        Ok(())
    }
    pub fn remove(&mut self, k: &Value) -> R<Option<Value>> {
        Ok(self.entries.shift_remove(&Key::new(k)?))
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn keys(&self) -> Vec<Value> {
        self.entries.keys().map(|k| k.0.clone()).collect()
    }
}

/// A hashable value used as a dictionary key.
#[derive(Clone)]
pub struct Key(pub Value);

impl Key {
    pub fn new(v: &Value) -> R<Key> {
        if hashable(v)? {
            Ok(Key(v.clone()))
        } else {
            Err(raise(
                "TypeError",
                format!("unhashable type: '{}'", v.type_name()),
            ))
        }
    }
}

/// Whether `v` can be a dict key; RecursionError for a tuple nested deeper
/// than the stack allows (hashing recurses the same way).
fn hashable(v: &Value) -> R<bool> {
    super::limits::stack_guard(" while hashing")?;
    Ok(match v {
        Value::List(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::Packet(_)
        | Value::PacketList(_) => false,
        Value::Tuple(t) => {
            for x in t.iter() {
                if !hashable(x)? {
                    return Ok(false);
                }
            }
            true
        }
        _ => true,
    })
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        values_equal(&self.0, &other.0)
    }
}
impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_value(&self.0, h)
    }
}

fn hash_value<H: Hasher>(v: &Value, h: &mut H) {
    match v {
        Value::None => 0u8.hash(h),
        Value::Bool(b) => i64::from(*b).hash(h),
        Value::Int(i) => i.hash(h),
        Value::Flags(i, _) => (*i as i64).hash(h),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => (*f as i64).hash(h),
        Value::Float(f) => f.to_bits().hash(h),
        Value::Str(s) => s.hash(h),
        Value::Bytes(b) => b.hash(h),
        Value::Tuple(t) => {
            for x in t.iter() {
                hash_value(x, h);
            }
        }
        Value::Layer(d, q) => {
            (*d as *const LayerDef as usize).hash(h);
            q.hash(h);
        }
        other => (identity(other)).hash(h),
    }
}

/// A stable identity for reference values (`is`, `id()`, hashing of objects).
pub fn identity(v: &Value) -> usize {
    match v {
        Value::List(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Dict(r) | Value::Set(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Func(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Class(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Instance(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Module(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Packet(r) => Rc::as_ptr(&r.pkt) as *const u8 as usize + r.start,
        Value::PacketList(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Native(r) => Rc::as_ptr(r) as *const u8 as usize,
        Value::Builtin(b) => *b as *const Builtin as usize,
        Value::Tuple(t) => t.as_ptr() as usize,
        Value::Str(s) => s.as_ptr() as usize,
        Value::Bytes(b) => b.as_ptr() as usize,
        _ => 0,
    }
}

/// Python's `==` (false where the values nest too deep to compare; the
/// operator uses [`try_values_equal`], which raises instead).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    try_values_equal(a, b).unwrap_or(false)
}

/// Python's `==`, raising RecursionError where the values nest deeper than
/// the stack allows.
pub fn try_values_equal(a: &Value, b: &Value) -> R<bool> {
    use Value::*;
    super::limits::stack_guard(" in comparison")?;
    fn all(x: &[Value], y: &[Value]) -> R<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (a, b) in x.iter().zip(y.iter()) {
            if !try_values_equal(a, b)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
    Ok(match (a, b) {
        (None, None) => true,
        (Str(x), Str(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (List(x), List(y)) => Rc::ptr_eq(x, y) || all(&x.borrow(), &y.borrow())?,
        (Tuple(x), Tuple(y)) => Rc::ptr_eq(x, y) || all(x, y)?,
        (Dict(x), Dict(y)) | (Set(x), Set(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (x, y) = (x.borrow(), y.borrow());
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, v) in x.entries.iter() {
                match y.entries.get(k) {
                    Some(w) if try_values_equal(v, w)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (Range(a1, b1, c1), Range(a2, b2, c2)) => (a1, b1, c1) == (a2, b2, c2),
        (Packet(x), Packet(y)) => {
            (Rc::ptr_eq(&x.pkt, &y.pkt) && x.start == y.start)
                || x.snapshot().layers == y.snapshot().layers
        }
        (Layer(d1, q1), Layer(d2, q2)) => std::ptr::eq(*d1, *d2) && q1 == q2,
        (Flags(x, names), Str(s)) | (Str(s), Flags(x, names)) => {
            crate::packet::layer::parse_flags(names, s).is_ok_and(|v| v == *x)
        }
        _ => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => match (x, y) {
                (Num::I(x), Num::I(y)) => x == y,
                (x, y) => x.f() == y.f(),
            },
            _ => identity(a) != 0 && identity(a) == identity(b) && a.type_name() == b.type_name(),
        },
    })
}

/// A numeric view of a value (bool and flags count as ints).
#[derive(Clone, Copy)]
pub enum Num {
    I(i64),
    F(f64),
}

impl Num {
    pub fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

pub fn as_number(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => Some(Num::I(*i)),
        Value::Bool(b) => Some(Num::I(i64::from(*b))),
        Value::Flags(x, _) => Some(Num::I(*x as i64)),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

impl Value {
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }
    pub fn bytes(b: impl Into<Rc<[u8]>>) -> Value {
        Value::Bytes(b.into())
    }
    pub fn list(v: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(v)))
    }
    pub fn tuple(v: Vec<Value>) -> Value {
        Value::Tuple(v.into())
    }
    pub fn packet(p: Packet) -> Value {
        Value::Packet(PacketRef::new(p))
    }
    pub fn iter(it: impl Iterator<Item = R> + 'static) -> Value {
        Value::Iter(Rc::new(RefCell::new(Box::new(it))))
    }
    pub fn dict(d: Dict) -> Value {
        Value::Dict(Rc::new(RefCell::new(d)))
    }

    /// Python's type name (`int`, `str`, `IP`...).
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::Bytes(_) => "bytes".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Set(_) => "set".into(),
            Value::Range(..) => "range".into(),
            Value::Func(_) | Value::Bound(_) => "function".into(),
            Value::Builtin(_) | Value::Method(_) => "builtin_function_or_method".into(),
            Value::Class(_) | Value::Layer(..) => "type".into(),
            Value::Instance(i) => i.class.name.to_string(),
            Value::Module(_) => "module".into(),
            Value::Packet(p) => {
                let pk = p.pkt.borrow();
                pk.layers
                    .get(p.start)
                    .map(|l| l.def.class_name(l.quoted).to_string())
                    .unwrap_or_else(|| "NoPayload".into())
            }
            // lists read from files are named after them, as Scapy shows them
            Value::PacketList(l) if l.name.contains('.') => "PacketList".into(),
            Value::PacketList(l) => l.name.to_string(),
            Value::Iter(_) => "iterator".into(),
            Value::Flags(..) => "FlagValue".into(),
            Value::Native(n) => n.type_name().into(),
        }
    }

    /// Python's truth value.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Flags(x, _) => *x != 0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) | Value::Set(d) => !d.borrow().is_empty(),
            Value::Range(a, b, s) => range_len(*a, *b, *s) > 0,
            Value::PacketList(l) => !l.items.borrow().is_empty(),
            Value::Native(n) => n.truthy(),
            _ => true,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match as_number(self) {
            Some(Num::I(i)) => Some(i),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Expects an int, raising TypeError otherwise.
    pub fn int(&self, what: &str) -> R<i64> {
        self.as_int().ok_or_else(|| {
            raise(
                "TypeError",
                format!("{what} must be an integer, not '{}'", self.type_name()),
            )
        })
    }

    /// An optional unsigned 32-bit number (None stays None); ValueError
    /// names `what` and, out of range, what is expected.
    pub fn opt_u32(&self, what: &str, expected: &str) -> R<Option<u32>> {
        if let Value::None = self {
            return Ok(None);
        }
        let n = self.int(what)?;
        u32::try_from(n)
            .map(Some)
            .map_err(|_| raise("ValueError", format!("{what} must be {expected}, not {n}")))
    }

    pub fn float(&self, what: &str) -> R<f64> {
        as_number(self).map(Num::f).ok_or_else(|| {
            raise(
                "TypeError",
                format!("{what} must be a number, not '{}'", self.type_name()),
            )
        })
    }

    pub fn text(&self, what: &str) -> R<Rc<str>> {
        match self {
            Value::Str(s) => Ok(s.clone()),
            _ => Err(raise(
                "TypeError",
                format!("{what} must be a str, not '{}'", self.type_name()),
            )),
        }
    }
}

pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    if step > 0 && start < stop {
        (stop - start - 1) / step + 1
    } else if step < 0 && start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    }
}

/// `Flow` from a failed packet-model operation.
pub fn packet_error(e: crate::packet::Error) -> Flow {
    use crate::packet::Error as E;
    let kind = match &e {
        E::UnknownField { .. } => "AttributeError",
        E::BadValue { .. } => "ValueError",
        E::UnknownLayer { .. } => "NameError",
        E::LayerNotFound(_) => "IndexError",
    };
    raise(kind, e.to_string())
}

/// Dropping a value never recurses deeper than two levels: a uniquely owned
/// container hands its nested containers to a work list first (what
/// CPython's "trashcan" does), so `x = [x]` repeated millions of times, or
/// a long chain of instances, is freed without overflowing the stack.
impl Drop for Value {
    fn drop(&mut self) {
        if !self.owns_nested() {
            return;
        }
        let mut work = Vec::new();
        self.take_nested(&mut work);
        while let Some(mut v) = work.pop() {
            v.take_nested(&mut work);
            // `v` is dropped here with no nested containers left in it
        }
    }
}

impl Value {
    /// A uniquely owned container (the drop of which would recurse).
    fn owns_nested(&self) -> bool {
        match self {
            Value::List(l) => Rc::strong_count(l) == 1,
            Value::Tuple(t) => Rc::strong_count(t) == 1,
            Value::Dict(d) | Value::Set(d) => Rc::strong_count(d) == 1,
            Value::Instance(i) => Rc::strong_count(i) == 1,
            Value::Bound(b) => Rc::strong_count(b) == 1,
            Value::Method(m) => Rc::strong_count(m) == 1,
            Value::Func(f) => Rc::strong_count(f) == 1,
            _ => false,
        }
    }

    /// Moves this value's nested containers (those that would recurse on
    /// drop) into `out`, when this value is their last owner.
    fn take_nested(&mut self, out: &mut Vec<Value>) {
        fn keep(v: &mut Value, out: &mut Vec<Value>) {
            if v.owns_nested() {
                out.push(std::mem::replace(v, Value::None));
            }
        }
        match self {
            Value::List(l) if Rc::strong_count(l) == 1 => {
                if let Ok(mut items) = l.try_borrow_mut() {
                    items.iter_mut().for_each(|v| keep(v, out));
                }
            }
            Value::Tuple(t) => {
                if let Some(items) = Rc::get_mut(t) {
                    items.iter_mut().for_each(|v| keep(v, out));
                }
            }
            Value::Dict(d) | Value::Set(d) if Rc::strong_count(d) == 1 => {
                if let Ok(mut d) = d.try_borrow_mut() {
                    d.entries.values_mut().for_each(|v| keep(v, out));
                }
            }
            Value::Instance(i) if Rc::strong_count(i) == 1 => {
                if let Ok(mut attrs) = i.attrs.try_borrow_mut() {
                    attrs.values_mut().for_each(|v| keep(v, out));
                }
            }
            Value::Bound(b) => {
                if let Some((a, c)) = Rc::get_mut(b) {
                    keep(a, out);
                    keep(c, out);
                }
            }
            Value::Method(m) => {
                if let Some((a, _)) = Rc::get_mut(m) {
                    keep(a, out);
                }
            }
            // a closure holds the scope it was made in: `f = make(f)` chains
            Value::Func(f) => {
                if let Some(func) = Rc::get_mut(f) {
                    func.defaults
                        .iter_mut()
                        .flatten()
                        .for_each(|v| keep(v, out));
                    if let Some(scope) = func.closure.as_ref().filter(|c| Rc::strong_count(c) == 1)
                    {
                        if let Ok(mut vars) = scope.vars.try_borrow_mut() {
                            vars.values_mut().for_each(|v| keep(v, out));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod deep_tests {
    use super::*;

    /// Runs `f` on a thread with a 1 MiB stack: what overflows there
    /// would overflow the interpreter's stack at a few thousand times the depth.
    fn small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(f)
            .expect("thread")
            .join()
            .expect("no stack overflow");
    }

    fn nest(depth: usize, wrap: fn(Value) -> Value) -> Value {
        let mut v = Value::None;
        for _ in 0..depth {
            v = wrap(v);
        }
        v
    }

    fn in_list(v: Value) -> Value {
        Value::list(vec![v])
    }
    fn in_tuple(v: Value) -> Value {
        Value::tuple(vec![v])
    }
    fn in_dict(v: Value) -> Value {
        let mut d = Dict::default();
        d.entries.insert(Key(Value::Int(1)), v);
        Value::Dict(Rc::new(RefCell::new(d)))
    }

    #[test]
    fn dropping_deep_containers_does_not_recurse() {
        small_stack(|| {
            for wrap in [in_list, in_tuple, in_dict] {
                drop(nest(200_000, wrap));
            }
            // mixed, and a shared inner part dropped last
            let inner = nest(100_000, in_tuple);
            let outer = nest(100_000, in_list);
            let both = Value::list(vec![outer, inner.clone()]);
            drop(both);
            drop(inner);
        });
    }

    #[test]
    fn deep_repr_and_equality_raise_instead_of_overflowing() {
        small_stack(|| {
            let (a, b) = (nest(200_000, in_list), nest(200_000, in_list));
            assert!(super::super::repr::try_repr(&a).is_err());
            assert!(try_values_equal(&a, &b).is_err());
            assert!(try_values_equal(&a, &a).unwrap_or(false), "identity");
            let t = nest(200_000, in_tuple);
            assert!(Key::new(&t).is_err());
            // shallow values are unaffected
            let s = nest(3, in_list);
            assert_eq!(super::super::repr::repr(&s), "[[[None]]]");
        });
    }
}
