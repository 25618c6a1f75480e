//! The evaluator: a tree walker over the syntax tree with Python's scoping
//! (locals, closures, `global`/`nonlocal`), exceptions that carry a traceback,
//! classes, and Ctrl-C checks in loops and calls.

use super::ast::*;
use super::error::{exc_class, exc_instance, exc_is, raise, raise_with_note, Exc, Flow, Frame, R};
use super::value::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::Ordering;

pub use crate::sys::INTERRUPTED;

/// Raises KeyboardInterrupt if Ctrl-C was pressed.
pub fn check_interrupt() -> R<()> {
    if INTERRUPTED.swap(false, Ordering::SeqCst) {
        return Err(raise("KeyboardInterrupt", ""));
    }
    Ok(())
}

const MAX_DEPTH: usize = 400;

pub type ScopeRef = Rc<Scope>;

/// Variables of one function call (or of the module).
pub struct Scope {
    pub vars: RefCell<HashMap<Rc<str>, Value>>,
    /// The scope the function was defined in (closures); `None` at module level.
    pub parent: Option<ScopeRef>,
    pub globals_decl: RefCell<HashSet<Rc<str>>>,
    pub nonlocal_decl: RefCell<HashSet<Rc<str>>>,
}

impl Scope {
    pub fn new(parent: Option<ScopeRef>) -> ScopeRef {
        Rc::new(Scope {
            vars: RefCell::new(HashMap::new()),
            parent,
            globals_decl: RefCell::new(HashSet::new()),
            nonlocal_decl: RefCell::new(HashSet::new()),
        })
    }
    pub fn get(&self, name: &str) -> Option<Value> {
        self.vars.borrow().get(name).cloned()
    }
    pub fn set(&self, name: &str, v: Value) {
        self.vars.borrow_mut().insert(Rc::from(name), v);
    }
}

/// Call arguments.
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(Rc<str>, Value)>,
    pub span: Span,
}

impl Args {
    pub fn new(pos: Vec<Value>) -> Args {
        Args {
            pos,
            kw: Vec::new(),
            span: Span::default(),
        }
    }
    /// Positional argument `i`, or the keyword `name` (removed from the keywords).
    pub fn get(&mut self, i: usize, name: &str) -> Option<Value> {
        if let Some(k) = self.kw.iter().position(|(n, _)| &**n == name) {
            return Some(self.kw.remove(k).1);
        }
        self.pos.get(i).cloned()
    }
    /// A keyword-only argument.
    pub fn kw(&mut self, name: &str) -> Option<Value> {
        let k = self.kw.iter().position(|(n, _)| &**n == name)?;
        Some(self.kw.remove(k).1)
    }
    /// Required argument.
    pub fn req(&mut self, i: usize, name: &str, func: &str) -> R {
        self.get(i, name).ok_or_else(|| {
            raise(
                "TypeError",
                format!("{func}() missing required argument: '{name}'"),
            )
        })
    }
    /// Fails on arguments nobody took.
    pub fn done(&self, func: &str, max_pos: usize, known: &[&str]) -> R<()> {
        if self.pos.len() > max_pos {
            return Err(raise(
                "TypeError",
                format!(
                    "{func}() takes {max_pos} positional argument{} but {} were given",
                    if max_pos == 1 { "" } else { "s" },
                    self.pos.len()
                ),
            ));
        }
        if let Some((n, _)) = self.kw.first() {
            return Err(raise_with_note(
                "TypeError",
                format!("{func}() got an unexpected keyword argument '{n}'"),
                crate::suggest::closest(n, known.iter().copied())
                    .map(|s| format!("did you mean `{s}`?")),
            ));
        }
        Ok(())
    }
}

/// Where code is running: its scope, the module scope and the function name.
#[derive(Clone)]
pub struct Ctx {
    pub scope: ScopeRef,
    pub globals: ScopeRef,
    pub func: Rc<str>,
    /// The class a method was defined in and its `self` (for `super()`).
    pub method_of: Option<(Rc<Class>, Value)>,
    pub depth: usize,
}

pub struct Interp {
    pub globals: ScopeRef,
    pub builtins: HashMap<&'static str, Value>,
    pub modules: HashMap<String, Value>,
    pub argv: Vec<String>,
    /// Scapy's `conf`: verbosity, default interface, matching knobs.
    pub conf: Rc<super::conf::Conf>,
    /// Where `send`/`sr`/`sniff` go: the host the caller gave.
    pub net: Rc<dyn crate::net::Network>,
    depth: usize,
    /// Exceptions being handled (for bare `raise`).
    handling: Vec<Value>,
}

impl Interp {
    /// An interpreter whose `send`/`sr`/`sniff`/`conf.route` go to `net`
    /// (the caller's host: `net::System`, an in-memory one, or `net::Offline`).
    pub fn new(argv: Vec<String>, net: Rc<dyn crate::net::Network>) -> Interp {
        let globals = Scope::new(None);
        globals.set("__name__", Value::str("__main__"));
        let mut i = Interp {
            globals,
            builtins: HashMap::new(),
            modules: HashMap::new(),
            argv,
            conf: super::conf::Conf::new(),
            net,
            depth: 0,
            handling: Vec::new(),
        };
        super::builtins::install(&mut i);
        let conf = Value::Native(i.conf.clone());
        i.builtins.insert("conf", conf);
        i
    }

    pub fn ctx(&self) -> Ctx {
        Ctx {
            scope: self.globals.clone(),
            globals: self.globals.clone(),
            func: Rc::from("<module>"),
            method_of: None,
            depth: 0,
        }
    }

    /// Runs statements at module level.
    pub fn run(&mut self, stmts: &[Stmt]) -> Result<(), Box<Exc>> {
        let ctx = self.ctx();
        match self.exec_block(stmts, &ctx) {
            Ok(()) => Ok(()),
            Err(Flow::Raise(e)) => Err(e),
            Err(Flow::Return(_)) => Err(to_exc(raise("SyntaxError", "'return' outside function"))),
            Err(Flow::Break | Flow::Continue) => Err(to_exc(raise(
                "SyntaxError",
                "'break' or 'continue' outside loop",
            ))),
        }
    }

    /// Evaluates one expression statement at module level (the REPL's echo).
    pub fn eval_top(&mut self, e: &Expr) -> Result<Value, Box<Exc>> {
        let ctx = self.ctx();
        self.eval(e, &ctx).map_err(|f| match f {
            Flow::Raise(e) => e,
            _ => to_exc(raise("SyntaxError", "unexpected control flow")),
        })
    }

    // ------------------------------------------------------------ statements

    pub fn exec_block(&mut self, stmts: &[Stmt], ctx: &Ctx) -> R<()> {
        for s in stmts {
            self.exec(s, ctx).map_err(|f| attach(f, s.span, ctx))?;
        }
        Ok(())
    }

    fn exec(&mut self, s: &Stmt, ctx: &Ctx) -> R<()> {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.eval(e, ctx)?;
            }
            StmtKind::Assign(targets, value) => {
                // `p = p / X`: stacked in place when nothing else holds p
                if let ([t], ExprKind::Binary(BinOp::Div, l, r)) = (targets.as_slice(), &value.kind)
                {
                    if let (ExprKind::Name(n), ExprKind::Name(m)) = (&t.kind, &l.kind) {
                        if n == m && self.stack_in_place(n, BinOp::Div, r, ctx)? {
                            return Ok(());
                        }
                    }
                }
                let v = self.eval(value, ctx)?;
                for t in targets {
                    self.assign(t, v.clone(), ctx)?;
                }
            }
            StmtKind::AugAssign(target, op, value) => self.aug_assign(target, *op, value, ctx)?,
            StmtKind::AnnAssign(target, value) => {
                if let Some(v) = value {
                    let v = self.eval(v, ctx)?;
                    self.assign(target, v, ctx)?;
                }
            }
            StmtKind::If(branches, orelse) => {
                for (cond, body) in branches {
                    if self.truthy(cond, ctx)? {
                        return self.exec_block(body, ctx);
                    }
                }
                if let Some(b) = orelse {
                    self.exec_block(b, ctx)?;
                }
            }
            StmtKind::While(cond, body, orelse) => {
                let mut broke = false;
                while self.truthy(cond, ctx)? {
                    check_interrupt()?;
                    match self.exec_block(body, ctx) {
                        Ok(()) | Err(Flow::Continue) => {}
                        Err(Flow::Break) => {
                            broke = true;
                            break;
                        }
                        Err(e) => return Err(e),
                    }
                }
                if !broke {
                    if let Some(b) = orelse {
                        self.exec_block(b, ctx)?;
                    }
                }
            }
            StmtKind::For(target, iter, body, orelse) => {
                let it = self.eval(iter, ctx)?;
                let it = self.iterate(&it)?;
                let mut broke = false;
                for v in it {
                    check_interrupt()?;
                    self.assign(target, v?, ctx)?;
                    match self.exec_block(body, ctx) {
                        Ok(()) | Err(Flow::Continue) => {}
                        Err(Flow::Break) => {
                            broke = true;
                            break;
                        }
                        Err(e) => return Err(e),
                    }
                }
                if !broke {
                    if let Some(b) = orelse {
                        self.exec_block(b, ctx)?;
                    }
                }
            }
            StmtKind::Def(def) => {
                let f = self.make_function(def, ctx)?;
                self.store(&def.name, f, ctx);
            }
            StmtKind::Class(name, bases, body) => self.class_def(name, bases, body, ctx)?,
            StmtKind::Return(v) => {
                let v = match v {
                    Some(e) => self.eval(e, ctx)?,
                    None => Value::None,
                };
                return Err(Flow::Return(v));
            }
            StmtKind::Break => return Err(Flow::Break),
            StmtKind::Continue => return Err(Flow::Continue),
            StmtKind::Pass => {}
            StmtKind::Import(names) => {
                for n in names {
                    let path: Vec<&str> = n.path.iter().map(|s| &**s).collect();
                    let module = super::modules::import(self, &path.join("."))?;
                    match &n.alias {
                        Some(a) => self.store(a, module, ctx),
                        None => {
                            // `import os.path` binds `os`
                            let top = super::modules::import(self, path[0])?;
                            self.store(path[0], top, ctx)
                        }
                    }
                }
            }
            StmtKind::From(module, names) => {
                let path: Vec<&str> = module.iter().map(|s| &**s).collect();
                let m = super::modules::import(self, &path.join("."))?;
                match names {
                    None => {
                        for (k, v) in super::modules::exports(&m) {
                            self.store(&k, v, ctx);
                        }
                        for (k, v) in super::modules::star_modules(self, &path.join("."))? {
                            self.store(&k, v, ctx);
                        }
                    }
                    Some(names) => {
                        for n in names {
                            let v = super::modules::member(self, &m, &n.path[0])?;
                            self.store(n.alias.as_ref().unwrap_or(&n.path[0]), v, ctx);
                        }
                    }
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    ctx.scope.globals_decl.borrow_mut().insert(n.clone());
                }
            }
            StmtKind::Nonlocal(names) => {
                for n in names {
                    ctx.scope.nonlocal_decl.borrow_mut().insert(n.clone());
                }
            }
            StmtKind::Try(body, handlers, orelse, finally) => {
                self.try_stmt(body, handlers, orelse.as_deref(), finally.as_deref(), ctx)?
            }
            StmtKind::Raise(e, cause) => {
                let v = match e {
                    None => {
                        return Err(match self.handling.last() {
                            Some(v) => Flow::Raise(Box::new(Exc {
                                value: v.clone(),
                                trace: Vec::new(),
                            })),
                            None => raise("RuntimeError", "No active exception to reraise"),
                        })
                    }
                    Some(e) => self.eval(e, ctx)?,
                };
                if let Some(c) = cause {
                    self.eval(c, ctx)?;
                }
                let exc = match &v {
                    Value::Class(c) if c.is_sub(&exc_class("BaseException").expect("base")) => {
                        self.call_value(&Value::Class(c.clone()), Args::new(vec![]))?
                    }
                    v @ Value::Instance(_) if exc_is(v, "BaseException") => v.clone(),
                    other => {
                        return Err(raise(
                            "TypeError",
                            format!(
                                "exceptions must derive from BaseException, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                };
                return Err(Flow::Raise(Box::new(Exc {
                    value: exc,
                    trace: Vec::new(),
                })));
            }
            StmtKind::With(items, body) => self.with_stmt(items, body, ctx)?,
            StmtKind::Assert(test, msg) => {
                if !self.truthy(test, ctx)? {
                    let m = match msg {
                        Some(m) => {
                            let v = self.eval(m, ctx)?;
                            self.to_str(&v)?
                        }
                        None => String::new(),
                    };
                    return Err(raise("AssertionError", m));
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete(t, ctx)?;
                }
            }
        }
        Ok(())
    }

    fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[Handler],
        orelse: Option<&[Stmt]>,
        finally: Option<&[Stmt]>,
        ctx: &Ctx,
    ) -> R<()> {
        let mut result = self.exec_block(body, ctx);
        if let Err(Flow::Raise(exc)) = result {
            let mut handled = None;
            for h in handlers {
                let matches = match &h.kind {
                    None => true,
                    Some(k) => {
                        let kv = self.eval(k, ctx)?;
                        exception_matches(&exc.value, &kv)?
                    }
                };
                if matches {
                    handled = Some(h);
                    break;
                }
            }
            result = match handled {
                Some(h) => {
                    if let Some(n) = &h.name {
                        self.store(n, exc.value.clone(), ctx);
                    }
                    self.handling.push(exc.value.clone());
                    let r = self.exec_block(&h.body, ctx);
                    self.handling.pop();
                    // a bare `raise` keeps the original traceback
                    match r {
                        Err(Flow::Raise(mut e2))
                            if identity(&e2.value) == identity(&exc.value)
                                && e2.trace.is_empty() =>
                        {
                            e2.trace = exc.trace;
                            Err(Flow::Raise(e2))
                        }
                        other => other,
                    }
                }
                None => Err(Flow::Raise(exc)),
            };
        } else if result.is_ok() {
            if let Some(o) = orelse {
                result = self.exec_block(o, ctx);
            }
        }
        if let Some(f) = finally {
            self.exec_block(f, ctx)?;
        }
        result
    }

    fn with_stmt(&mut self, items: &[(Expr, Option<Expr>)], body: &[Stmt], ctx: &Ctx) -> R<()> {
        let mut managers = Vec::new();
        for (e, target) in items {
            let m = self.eval(e, ctx)?;
            let entered = match self.method_opt(&m, "__enter__")? {
                Some(f) => self.call_value(&f, Args::new(vec![]))?,
                None => m.clone(),
            };
            if let Some(t) = target {
                self.assign(t, entered, ctx)?;
            }
            managers.push(m);
        }
        let result = self.exec_block(body, ctx);
        for m in managers.iter().rev() {
            if let Some(f) = self.method_opt(m, "__exit__")? {
                self.call_value(&f, Args::new(vec![Value::None, Value::None, Value::None]))?;
            }
        }
        result
    }

    fn class_def(&mut self, name: &Rc<str>, bases: &[Expr], body: &[Stmt], ctx: &Ctx) -> R<()> {
        let mut base_classes = Vec::new();
        for b in bases {
            match &self.eval(b, ctx)? {
                Value::Class(c) => base_classes.push(c.clone()),
                other => {
                    return Err(raise(
                        "TypeError",
                        format!("cannot inherit from {}", other.type_name()),
                    ))
                }
            }
        }
        let scope = Scope::new(Some(ctx.scope.clone()));
        let cctx = Ctx {
            scope: scope.clone(),
            globals: ctx.globals.clone(),
            func: name.clone(),
            method_of: None,
            depth: ctx.depth,
        };
        self.exec_block(body, &cctx)?;
        let attrs = scope.vars.borrow().clone();
        let class = Rc::new(Class {
            name: name.clone(),
            bases: base_classes,
            attrs: RefCell::new(attrs),
        });
        self.store(name, Value::Class(class), ctx);
        Ok(())
    }

    fn make_function(&mut self, def: &Rc<FuncDef>, ctx: &Ctx) -> R {
        let mut defaults = Vec::with_capacity(def.params.len());
        for p in &def.params {
            defaults.push(match &p.default {
                Some(e) => Some(self.eval(e, ctx)?),
                None => None,
            });
        }
        let at_module = Rc::ptr_eq(&ctx.scope, &ctx.globals);
        Ok(Value::Func(Rc::new(Function {
            def: def.clone(),
            defaults,
            closure: if at_module {
                None
            } else {
                Some(ctx.scope.clone())
            },
            globals: ctx.globals.clone(),
        })))
    }

    // ------------------------------------------------------------ names

    /// Binds a name in the right scope (local, or global/nonlocal if declared).
    pub fn store(&mut self, name: &str, v: Value, ctx: &Ctx) {
        if ctx.scope.globals_decl.borrow().contains(name) {
            ctx.globals.set(name, v);
            return;
        }
        if ctx.scope.nonlocal_decl.borrow().contains(name) {
            let mut s = ctx.scope.parent.clone();
            while let Some(sc) = s {
                if sc.vars.borrow().contains_key(name) {
                    sc.set(name, v);
                    return;
                }
                s = sc.parent.clone();
            }
        }
        ctx.scope.set(name, v);
    }

    pub fn lookup(&self, name: &str, ctx: &Ctx) -> Option<Value> {
        if !ctx.scope.globals_decl.borrow().contains(name) {
            let mut s = Some(ctx.scope.clone());
            while let Some(sc) = s {
                if let Some(v) = sc.get(name) {
                    return Some(v);
                }
                s = sc.parent.clone();
            }
        }
        ctx.globals
            .get(name)
            .or_else(|| self.builtins.get(name).cloned())
    }

    fn name_error(&self, name: &str, ctx: &Ctx) -> Flow {
        let mut candidates: Vec<String> = self.builtins.keys().map(|s| s.to_string()).collect();
        let mut s = Some(ctx.scope.clone());
        while let Some(sc) = s {
            candidates.extend(sc.vars.borrow().keys().map(|k| k.to_string()));
            s = sc.parent.clone();
        }
        candidates.extend(ctx.globals.vars.borrow().keys().map(|k| k.to_string()));
        let hint = crate::suggest::closest(name, candidates.iter().map(|s| s.as_str()))
            .map(|s| format!("did you mean `{s}`?"));
        raise_with_note("NameError", format!("name '{name}' is not defined"), hint)
    }

    // ------------------------------------------------------------ assignment

    pub fn assign(&mut self, target: &Expr, v: Value, ctx: &Ctx) -> R<()> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.store(n, v, ctx);
                Ok(())
            }
            ExprKind::Attr(obj, name) => {
                let o = self.eval(obj, ctx)?;
                self.set_attr(&o, name, v)
            }
            ExprKind::Index(obj, idx) => {
                let o = self.eval(obj, ctx)?;
                let i = self.eval(idx, ctx)?;
                super::ops::set_item(self, &o, &i, v)
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let values: Vec<Value> = self.iterate(&v)?.collect::<R<Vec<_>>>()?;
                let star = items
                    .iter()
                    .position(|i| matches!(i.kind, ExprKind::Starred(_)));
                match star {
                    None => {
                        if values.len() != items.len() {
                            return Err(raise(
                                "ValueError",
                                if values.len() > items.len() {
                                    format!("too many values to unpack (expected {})", items.len())
                                } else {
                                    format!(
                                        "not enough values to unpack (expected {}, got {})",
                                        items.len(),
                                        values.len()
                                    )
                                },
                            ));
                        }
                        for (t, v) in items.iter().zip(values) {
                            self.assign(t, v, ctx)?;
                        }
                    }
                    Some(si) => {
                        let after = items.len() - si - 1;
                        if values.len() < items.len() - 1 {
                            return Err(raise("ValueError", "not enough values to unpack"));
                        }
                        for (t, v) in items[..si].iter().zip(values.iter()) {
                            self.assign(t, v.clone(), ctx)?;
                        }
                        let mid = values[si..values.len() - after].to_vec();
                        if let ExprKind::Starred(inner) = &items[si].kind {
                            self.assign(inner, Value::list(mid), ctx)?;
                        }
                        for (t, v) in items[si + 1..]
                            .iter()
                            .zip(values[values.len() - after..].iter())
                        {
                            self.assign(t, v.clone(), ctx)?;
                        }
                    }
                }
                Ok(())
            }
            _ => Err(raise("SyntaxError", "cannot assign to expression")),
        }
    }

    /// `name = name / rhs` and `name /= rhs` for a packet only `name` holds:
    /// the layers of `rhs` are appended to it instead of copying the whole
    /// packet, so building a packet layer by layer in a loop is linear
    /// (nobody else can see the difference: no other reference exists).
    /// False when `name` is not such a packet; then nothing was evaluated.
    fn stack_in_place(&mut self, name: &str, op: BinOp, rhs: &Expr, ctx: &Ctx) -> R<bool> {
        if ctx.scope.globals_decl.borrow().contains(name)
            || ctx.scope.nonlocal_decl.borrow().contains(name)
            || !matches!(ctx.scope.vars.borrow().get(name), Some(Value::Packet(_)))
        {
            return Ok(false);
        }
        let r = self.eval(rhs, ctx)?;
        let stacked = match ctx.scope.vars.borrow().get(name) {
            Some(cur) => super::packets::stack_onto(cur, &r)?,
            None => false,
        };
        if !stacked {
            // shared (or rebound while `rhs` ran): the ordinary operator
            let cur = self
                .lookup(name, ctx)
                .ok_or_else(|| self.name_error(name, ctx))?;
            let new = super::ops::binary_inplace(self, op, &cur, &r)?;
            self.store(name, new, ctx);
        }
        Ok(true)
    }

    fn aug_assign(&mut self, target: &Expr, op: BinOp, value: &Expr, ctx: &Ctx) -> R<()> {
        if let (ExprKind::Name(n), BinOp::Div) = (&target.kind, op) {
            if self.stack_in_place(n, op, value, ctx)? {
                return Ok(());
            }
        }
        match &target.kind {
            ExprKind::Attr(obj, name) => {
                let o = self.eval(obj, ctx)?;
                let cur = self.get_attr(&o, name)?;
                let rhs = self.eval(value, ctx)?;
                let new = super::ops::binary_inplace(self, op, &cur, &rhs)?;
                self.set_attr(&o, name, new)
            }
            ExprKind::Index(obj, idx) => {
                let o = self.eval(obj, ctx)?;
                let i = self.eval(idx, ctx)?;
                let cur = super::ops::get_item(self, &o, &i)?;
                let rhs = self.eval(value, ctx)?;
                let new = super::ops::binary_inplace(self, op, &cur, &rhs)?;
                super::ops::set_item(self, &o, &i, new)
            }
            _ => {
                let cur = self.eval(target, ctx)?;
                let rhs = self.eval(value, ctx)?;
                let new = super::ops::binary_inplace(self, op, &cur, &rhs)?;
                self.assign(target, new, ctx)
            }
        }
    }

    fn delete(&mut self, target: &Expr, ctx: &Ctx) -> R<()> {
        match &target.kind {
            ExprKind::Name(n) => {
                if ctx.scope.vars.borrow_mut().remove(&**n).is_none()
                    && ctx.globals.vars.borrow_mut().remove(&**n).is_none()
                {
                    return Err(self.name_error(n, ctx));
                }
                Ok(())
            }
            ExprKind::Attr(obj, name) => {
                let o = self.eval(obj, ctx)?;
                super::attrs::del_attr(self, &o, name)
            }
            ExprKind::Index(obj, idx) => {
                let o = self.eval(obj, ctx)?;
                let i = self.eval(idx, ctx)?;
                super::ops::del_item(self, &o, &i)
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete(i, ctx)?;
                }
                Ok(())
            }
            _ => Err(raise("SyntaxError", "cannot delete expression")),
        }
    }

    // ------------------------------------------------------------ expressions

    fn truthy(&mut self, e: &Expr, ctx: &Ctx) -> R<bool> {
        let v = self.eval(e, ctx)?;
        self.is_true(&v)
    }

    /// Truth value, honouring `__bool__`/`__len__` on instances.
    pub fn is_true(&mut self, v: &Value) -> R<bool> {
        if let Value::Instance(_) = v {
            if let Some(f) = self.method_opt(v, "__bool__")? {
                return Ok(self.call_value(&f, Args::new(vec![]))?.truthy());
            }
            if let Some(f) = self.method_opt(v, "__len__")? {
                return Ok(self.call_value(&f, Args::new(vec![]))?.truthy());
            }
        }
        Ok(v.truthy())
    }

    pub fn eval(&mut self, e: &Expr, ctx: &Ctx) -> R {
        super::limits::stack_guard("").map_err(|f| attach(f, e.span, ctx))?;
        self.eval_inner(e, ctx).map_err(|f| attach(f, e.span, ctx))
    }

    fn eval_inner(&mut self, e: &Expr, ctx: &Ctx) -> R {
        Ok(match &e.kind {
            ExprKind::None => Value::None,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Bytes(b) => Value::Bytes(b.clone()),
            ExprKind::Ellipsis => Value::None,
            ExprKind::FStr(parts) => Value::str(self.fstring(parts, ctx)?),
            ExprKind::Name(n) => match self.lookup(n, ctx) {
                Some(v) => v,
                None => return Err(self.name_error(n, ctx)),
            },
            ExprKind::List(items) => Value::list(self.eval_items(items, ctx)?),
            ExprKind::Tuple(items) => Value::tuple(self.eval_items(items, ctx)?),
            ExprKind::Set(items) => {
                let mut d = Dict::default();
                for v in self.eval_items(items, ctx)? {
                    d.insert(v, Value::None)?;
                }
                Value::Set(Rc::new(RefCell::new(d)))
            }
            ExprKind::Dict(items) => {
                let mut d = Dict::default();
                for (k, v) in items {
                    match k {
                        Some(k) => {
                            let k = self.eval(k, ctx)?;
                            let v = self.eval(v, ctx)?;
                            d.insert(k, v)?;
                        }
                        None => {
                            if let Value::Dict(other) = &self.eval(v, ctx)? {
                                for (k, v) in other.borrow().entries.iter() {
                                    d.entries.insert(k.clone(), v.clone());
                                }
                            }
                        }
                    }
                }
                Value::dict(d)
            }
            ExprKind::Attr(obj, name) => {
                let o = self.eval(obj, ctx)?;
                self.get_attr(&o, name)?
            }
            ExprKind::Index(obj, idx) => {
                let o = self.eval(obj, ctx)?;
                let i = self.eval(idx, ctx)?;
                super::ops::get_item(self, &o, &i)?
            }
            ExprKind::Slice(lo, hi, step) => {
                let mut get = |x: &Option<Box<Expr>>| -> R {
                    match x {
                        Some(e) => self.eval(e, ctx),
                        None => Ok(Value::None),
                    }
                };
                let (a, b, c) = (get(lo)?, get(hi)?, get(step)?);
                Value::Native(Rc::new(super::ops::SliceVal(a, b, c)))
            }
            ExprKind::Call(f, args) => {
                if let ExprKind::Name(n) = &f.kind {
                    if &**n == "super" && args.is_empty() {
                        return super::attrs::make_super(ctx);
                    }
                }
                let fv = self.eval(f, ctx)?;
                let mut a = self.eval_args(args, ctx)?;
                a.span = e.span;
                self.call_value(&fv, a)?
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x, ctx)?;
                match op {
                    UnOp::Not => Value::Bool(!self.is_true(&v)?),
                    _ => super::ops::unary(*op, &v)?,
                }
            }
            ExprKind::Binary(op, l, r) => {
                let a = self.eval(l, ctx)?;
                let b = self.eval(r, ctx)?;
                super::ops::binary(self, *op, &a, &b)?
            }
            ExprKind::Compare(first, rest) => {
                let mut left = self.eval(first, ctx)?;
                for (op, re) in rest {
                    let right = self.eval(re, ctx)?;
                    if !super::ops::compare(self, *op, &left, &right)? {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            ExprKind::And(l, r) => {
                let a = self.eval(l, ctx)?;
                if !self.is_true(&a)? {
                    a
                } else {
                    self.eval(r, ctx)?
                }
            }
            ExprKind::Or(l, r) => {
                let a = self.eval(l, ctx)?;
                if self.is_true(&a)? {
                    a
                } else {
                    self.eval(r, ctx)?
                }
            }
            ExprKind::IfElse(c, a, b) => {
                if self.truthy(c, ctx)? {
                    self.eval(a, ctx)?
                } else {
                    self.eval(b, ctx)?
                }
            }
            ExprKind::Lambda(def) => self.make_function(def, ctx)?,
            ExprKind::ListComp(elt, comps) | ExprKind::GenExp(elt, comps) => {
                let mut out = Vec::new();
                let cctx = self.comp_ctx(ctx);
                self.comprehension(comps, 0, &cctx, &mut |me, c| {
                    out.push(me.eval(elt, c)?);
                    Ok(())
                })?;
                if matches!(e.kind, ExprKind::GenExp(..)) {
                    Value::iter(out.into_iter().map(Ok))
                } else {
                    Value::list(out)
                }
            }
            ExprKind::SetComp(elt, comps) => {
                let mut d = Dict::default();
                let cctx = self.comp_ctx(ctx);
                self.comprehension(comps, 0, &cctx, &mut |me, c| {
                    let v = me.eval(elt, c)?;
                    d.insert(v, Value::None)
                })?;
                Value::Set(Rc::new(RefCell::new(d)))
            }
            ExprKind::DictComp(k, v, comps) => {
                let mut d = Dict::default();
                let cctx = self.comp_ctx(ctx);
                self.comprehension(comps, 0, &cctx, &mut |me, c| {
                    let kv = me.eval(k, c)?;
                    let vv = me.eval(v, c)?;
                    d.insert(kv, vv)
                })?;
                Value::dict(d)
            }
            ExprKind::Starred(_) => {
                return Err(raise("SyntaxError", "can't use starred expression here"))
            }
            ExprKind::Walrus(n, v) => {
                let val = self.eval(v, ctx)?;
                self.store(n, val.clone(), ctx);
                val
            }
            ExprKind::Yield(_) => return Err(raise(
                "NotImplementedError",
                "generator functions (yield) are not supported; build and return a list instead",
            )),
        })
    }

    /// Comprehensions get their own scope for their loop variables.
    fn comp_ctx(&self, ctx: &Ctx) -> Ctx {
        Ctx {
            scope: Scope::new(Some(ctx.scope.clone())),
            ..ctx.clone()
        }
    }

    fn comprehension(
        &mut self,
        comps: &[Comp],
        i: usize,
        ctx: &Ctx,
        f: &mut dyn FnMut(&mut Interp, &Ctx) -> R<()>,
    ) -> R<()> {
        let Some(c) = comps.get(i) else {
            return f(self, ctx);
        };
        let it = self.eval(&c.iter, ctx)?;
        let it = self.iterate(&it)?;
        'items: for v in it {
            check_interrupt()?;
            self.assign(&c.target, v?, ctx)?;
            for cond in &c.conds {
                if !self.truthy(cond, ctx)? {
                    continue 'items;
                }
            }
            self.comprehension(comps, i + 1, ctx, f)?;
        }
        Ok(())
    }

    fn eval_items(&mut self, items: &[Expr], ctx: &Ctx) -> R<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            if let ExprKind::Starred(inner) = &i.kind {
                let v = self.eval(inner, ctx)?;
                for x in self.iterate(&v)? {
                    out.push(x?);
                }
            } else {
                out.push(self.eval(i, ctx)?);
            }
        }
        Ok(out)
    }

    fn eval_args(&mut self, args: &[Arg], ctx: &Ctx) -> R<Args> {
        let mut a = Args {
            pos: Vec::with_capacity(args.len()),
            kw: Vec::new(),
            span: Span::default(),
        };
        for arg in args {
            match arg {
                Arg::Pos(e) => a.pos.push(self.eval(e, ctx)?),
                Arg::Kw(n, e) => {
                    let v = self.eval(e, ctx)?;
                    if a.kw.iter().any(|(k, _)| k == n) {
                        return Err(raise(
                            "SyntaxError",
                            format!("keyword argument repeated: {n}"),
                        ));
                    }
                    a.kw.push((n.clone(), v));
                }
                Arg::Star(e) => {
                    let v = self.eval(e, ctx)?;
                    for x in self.iterate(&v)? {
                        a.pos.push(x?);
                    }
                }
                Arg::StarStar(e) => match &self.eval(e, ctx)? {
                    Value::Dict(d) => {
                        for (k, v) in d.borrow().entries.iter() {
                            let k = k.0.text("keywords")?;
                            a.kw.push((k, v.clone()));
                        }
                    }
                    other => {
                        return Err(raise(
                            "TypeError",
                            format!(
                                "argument after ** must be a mapping, not {}",
                                other.type_name()
                            ),
                        ))
                    }
                },
            }
        }
        Ok(a)
    }

    fn fstring(&mut self, parts: &[FPart], ctx: &Ctx) -> R<String> {
        let mut s = String::new();
        for p in parts {
            match p {
                FPart::Lit(l) => s.push_str(l),
                FPart::Hole {
                    expr,
                    conv,
                    spec,
                    debug_text,
                } => {
                    let v = self.eval(expr, ctx)?;
                    if let Some(t) = debug_text {
                        s.push_str(t);
                    }
                    let spec_s = self.fstring(spec, ctx)?;
                    let conv = if debug_text.is_some() && conv.is_none() && spec_s.is_empty() {
                        Some('r')
                    } else {
                        *conv
                    };
                    let v = match conv {
                        Some('r') | Some('a') => Value::str(self.repr(&v)?),
                        Some('s') => Value::str(self.to_str(&v)?),
                        _ => v,
                    };
                    s.push_str(&super::format::format_value(self, &v, &spec_s)?);
                }
            }
        }
        Ok(s)
    }

    // ------------------------------------------------------------ calls

    /// Calls any callable value.
    pub fn call_value(&mut self, f: &Value, args: Args) -> R {
        match f {
            Value::Builtin(b) => (b.f)(self, args),
            Value::Func(func) => self.call_function(func, args, None),
            Value::Bound(b) => {
                let (this, func) = (&b.0, &b.1);
                match func {
                    Value::Func(fun) => self.call_function(fun, args, Some(this.clone())),
                    other => {
                        let mut a = args;
                        a.pos.insert(0, this.clone());
                        self.call_value(other, a)
                    }
                }
            }
            Value::Method(m) => super::attrs::call_method(self, &m.0, &m.1, args),
            Value::Class(c) => self.instantiate(c, args),
            Value::Layer(def, quoted) => super::packets::construct(self, def, *quoted, args),
            Value::Native(n) => match n.call(self, args) {
                Some(r) => r,
                None => Err(raise(
                    "TypeError",
                    format!("'{}' object is not callable", n.type_name()),
                )),
            },
            other => Err(raise(
                "TypeError",
                format!("'{}' object is not callable", other.type_name()),
            )),
        }
    }

    fn instantiate(&mut self, c: &Rc<Class>, args: Args) -> R {
        let is_exc = exc_class("BaseException").is_some_and(|b| c.is_sub(&b));
        let inst = if is_exc {
            exc_instance(c.clone(), args.pos.clone())
        } else {
            Value::Instance(Rc::new(Instance {
                class: c.clone(),
                attrs: RefCell::new(HashMap::new()),
            }))
        };
        match c.lookup("__init__") {
            Some(init @ Value::Func(_)) => {
                let bound = Value::Bound(Rc::new((inst.clone(), init)));
                self.call_value(&bound, args)?;
            }
            _ if !is_exc && (!args.pos.is_empty() || !args.kw.is_empty()) => {
                return Err(raise(
                    "TypeError",
                    format!("{}() takes no arguments", c.name),
                ));
            }
            _ => {}
        }
        Ok(inst)
    }

    pub fn call_function(&mut self, f: &Rc<Function>, mut args: Args, this: Option<Value>) -> R {
        if self.depth >= MAX_DEPTH {
            return Err(raise("RecursionError", "maximum recursion depth exceeded"));
        }
        super::limits::stack_guard("")?;
        check_interrupt()?;
        let def = &f.def;
        let scope = Scope::new(f.closure.clone());
        if let Some(t) = &this {
            args.pos.insert(0, t.clone());
        }
        self.bind_params(f, args, &scope)?;
        let method_of = match (&this, f.def.params.first()) {
            (Some(t), Some(_)) => match t {
                Value::Instance(i) => Some((i.class.clone(), t.clone())),
                _ => None,
            },
            _ => None,
        };
        let ctx = Ctx {
            scope,
            globals: f.globals.clone(),
            func: def.name.clone(),
            method_of,
            depth: self.depth + 1,
        };
        self.depth += 1;
        let r = self.exec_block(&def.body, &ctx);
        self.depth -= 1;
        match r {
            Ok(()) => Ok(Value::None),
            Err(Flow::Return(v)) => Ok(v),
            Err(Flow::Break | Flow::Continue) => Err(raise("SyntaxError", "'break' outside loop")),
            Err(e) => Err(e),
        }
    }

    fn bind_params(&mut self, f: &Rc<Function>, args: Args, scope: &ScopeRef) -> R<()> {
        let def = &f.def;
        let fname = &def.name;
        let mut pos = args.pos.into_iter();
        let mut kw = args.kw;
        let mut varargs = Vec::new();
        for (i, p) in def.params.iter().enumerate() {
            match p.kind {
                ParamKind::Normal => {
                    let v = match pos.next() {
                        Some(v) => {
                            if kw.iter().any(|(k, _)| *k == p.name) {
                                return Err(raise(
                                    "TypeError",
                                    format!(
                                        "{fname}() got multiple values for argument '{}'",
                                        p.name
                                    ),
                                ));
                            }
                            v
                        }
                        None => match kw.iter().position(|(k, _)| *k == p.name) {
                            Some(k) => kw.remove(k).1,
                            None => match &f.defaults[i] {
                                Some(d) => d.clone(),
                                None => {
                                    return Err(raise(
                                        "TypeError",
                                        format!(
                                            "{fname}() missing required positional argument: '{}'",
                                            p.name
                                        ),
                                    ))
                                }
                            },
                        },
                    };
                    scope.set(&p.name, v);
                }
                ParamKind::VarArgs => {
                    varargs.extend(pos.by_ref());
                    scope.set(&p.name, Value::tuple(std::mem::take(&mut varargs)));
                }
                ParamKind::KwOnly => {
                    let v = match kw.iter().position(|(k, _)| *k == p.name) {
                        Some(k) => kw.remove(k).1,
                        None => match &f.defaults[i] {
                            Some(d) => d.clone(),
                            None => {
                                return Err(raise(
                                    "TypeError",
                                    format!(
                                        "{fname}() missing required keyword-only argument: '{}'",
                                        p.name
                                    ),
                                ))
                            }
                        },
                    };
                    scope.set(&p.name, v);
                }
                ParamKind::VarKw => {
                    let mut d = Dict::default();
                    for (k, v) in kw.drain(..) {
                        d.insert(Value::Str(k), v)?;
                    }
                    scope.set(&p.name, Value::dict(d));
                }
            }
        }
        let extra: Vec<Value> = pos.collect();
        if !extra.is_empty() {
            let n = def
                .params
                .iter()
                .filter(|p| p.kind == ParamKind::Normal)
                .count();
            return Err(raise(
                "TypeError",
                format!(
                    "{fname}() takes {n} positional argument{} but {} were given",
                    if n == 1 { "" } else { "s" },
                    n + extra.len()
                ),
            ));
        }
        if let Some((k, _)) = kw.first() {
            let names: Vec<&str> = def.params.iter().map(|p| &*p.name).collect();
            return Err(raise_with_note(
                "TypeError",
                format!("{fname}() got an unexpected keyword argument '{k}'"),
                crate::suggest::closest(k, names).map(|s| format!("did you mean `{s}`?")),
            ));
        }
        Ok(())
    }

    // ------------------------------------------------------------ protocols

    /// Python's iteration protocol over any iterable value.
    pub fn iterate(&mut self, v: &Value) -> R<Box<dyn Iterator<Item = R>>> {
        super::ops::iterate(self, v)
    }

    pub fn get_attr(&mut self, o: &Value, name: &str) -> R {
        super::attrs::get_attr(self, o, name)
    }

    pub fn set_attr(&mut self, o: &Value, name: &str, v: Value) -> R<()> {
        super::attrs::set_attr(self, o, name, v)
    }

    /// An instance method if the value defines it (`__enter__`, `__str__`...).
    pub fn method_opt(&mut self, v: &Value, name: &str) -> R<Option<Value>> {
        match v {
            Value::Instance(i) => Ok(i
                .class
                .lookup(name)
                .map(|f| Value::Bound(Rc::new((v.clone(), f))))),
            Value::Native(_) => match super::attrs::get_attr(self, v, name) {
                Ok(f) => Ok(Some(f)),
                Err(_) => Ok(None),
            },
            _ => Ok(None),
        }
    }

    pub fn repr(&mut self, v: &Value) -> R<String> {
        if let Value::Instance(i) = v {
            if !exc_is(v, "BaseException") {
                if let Some(f) = self.method_opt(v, "__repr__")? {
                    return Ok(super::repr::to_str(
                        &self.call_value(&f, Args::new(vec![]))?,
                    ));
                }
                return Ok(format!("<{} object>", i.class.name));
            }
        }
        super::repr::try_repr(v)
    }

    /// Calls a native object's `__name__` hook, if it has one.
    pub fn native_dunder(&mut self, v: &Value, name: &str, args: Vec<Value>) -> Option<R> {
        match v {
            Value::Native(n) => n.clone().call_method(self, v, name, Args::new(args)),
            _ => None,
        }
    }

    pub fn to_str(&mut self, v: &Value) -> R<String> {
        if let Some(r) = self.native_dunder(v, "__str__", vec![]) {
            return Ok(super::repr::to_str(&r?));
        }
        if let Value::Instance(_) = v {
            if let Some(f) = self.method_opt(v, "__str__")? {
                return Ok(super::repr::to_str(
                    &self.call_value(&f, Args::new(vec![]))?,
                ));
            }
            if !exc_is(v, "BaseException") {
                return self.repr(v);
            }
        }
        super::repr::try_to_str(v)
    }
}

/// Records where an exception passed, once per call level.
fn attach(f: Flow, span: Span, ctx: &Ctx) -> Flow {
    match f {
        Flow::Raise(mut e) => {
            if e.trace.last().is_none_or(|fr| fr.depth != ctx.depth) {
                e.trace.push(Frame {
                    span,
                    func: ctx.func.clone(),
                    depth: ctx.depth,
                });
            }
            Flow::Raise(e)
        }
        other => other,
    }
}

pub fn to_exc(f: Flow) -> Box<Exc> {
    match f {
        Flow::Raise(e) => e,
        _ => Box::new(Exc {
            value: Value::None,
            trace: Vec::new(),
        }),
    }
}

/// Whether an exception value matches an `except` clause's class (or tuple).
fn exception_matches(exc: &Value, kind: &Value) -> R<bool> {
    match kind {
        Value::Class(c) => Ok(match exc {
            Value::Instance(i) => i.class.is_sub(c),
            _ => false,
        }),
        Value::Tuple(items) => {
            for k in items.iter() {
                if exception_matches(exc, k)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        other => Err(raise(
            "TypeError",
            format!(
                "catching classes that do not inherit from BaseException is not allowed (got {})",
                other.type_name()
            ),
        )),
    }
}
