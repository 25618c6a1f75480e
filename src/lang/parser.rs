//! Parser: tokens to syntax tree, following Python's grammar and precedence.
//! Every error names what was found, where, and what was expected.

use super::ast::*;
use super::error::SyntaxError;
use super::lexer::{tokenize, FPiece, Tok, Token};
use std::rc::Rc;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Parses a whole program (a script, a `-c` string or a REPL entry).
pub fn parse_program(src: &str, file: u32) -> Result<Vec<Stmt>, SyntaxError> {
    let tokens = tokenize(src, file)?;
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    let mut out = Vec::new();
    while !p.at_eof() {
        if p.eat_tok(&Tok::Newline) {
            continue;
        }
        out.extend(p.statement()?);
    }
    check_context(&out, false, false)?;
    Ok(out)
}

/// `return` outside a function and `break`/`continue` outside a loop are
/// syntax errors, found before anything runs (as Python finds them).
fn check_context(body: &[Stmt], in_func: bool, in_loop: bool) -> Result<(), SyntaxError> {
    for st in body {
        let bad = match &st.kind {
            StmtKind::Return(_) if !in_func => Some("'return' outside function"),
            StmtKind::Break if !in_loop => Some("'break' outside loop"),
            StmtKind::Continue if !in_loop => Some("'continue' not properly in loop"),
            _ => None,
        };
        if let Some(msg) = bad {
            return Err(SyntaxError::new(st.span, msg, "a statement allowed here"));
        }
        match &st.kind {
            StmtKind::If(arms, other) => {
                for (_, b) in arms {
                    check_context(b, in_func, in_loop)?;
                }
                if let Some(b) = other {
                    check_context(b, in_func, in_loop)?;
                }
            }
            StmtKind::While(_, b, other) | StmtKind::For(_, _, b, other) => {
                check_context(b, in_func, true)?;
                if let Some(b) = other {
                    check_context(b, in_func, in_loop)?;
                }
            }
            StmtKind::Def(f) => check_context(&f.body, true, false)?,
            StmtKind::Class(_, _, b) => check_context(b, false, false)?,
            StmtKind::Try(b, handlers, other, finally) => {
                check_context(b, in_func, in_loop)?;
                for h in handlers {
                    check_context(&h.body, in_func, in_loop)?;
                }
                for b in [other, finally].into_iter().flatten() {
                    check_context(b, in_func, in_loop)?;
                }
            }
            StmtKind::With(_, b) => check_context(b, in_func, in_loop)?,
            _ => {}
        }
    }
    Ok(())
}

/// Parses a single expression embedded at `base` in file `file` (f-string holes).
pub fn parse_embedded_expr(src: &str, file: u32, base: usize) -> Result<Expr, SyntaxError> {
    let wrapped = format!("({src})");
    let mut tokens = tokenize(&wrapped, file).map_err(|mut e| {
        e.span.start = (e.span.start as usize + base).saturating_sub(1) as u32;
        e.span.end = (e.span.end as usize + base).saturating_sub(1) as u32;
        e
    })?;
    for t in &mut tokens {
        t.span.start = (t.span.start as usize + base).saturating_sub(1) as u32;
        t.span.end = (t.span.end as usize + base).saturating_sub(1) as u32;
    }
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    let e = p.test_list()?;
    if !p.check_tok(&Tok::Newline) && !p.at_eof() {
        return Err(p.unexpected("the end of the expression"));
    }
    Ok(e)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Current expression nesting, bounded so hostile input cannot exhaust the stack.
    depth: usize,
}

/// Deepest expression nesting accepted.
const MAX_NESTING: usize = 100;

/// Longest left-associative chain (`1+1+...`, `a or b or ...`, `x.a.b...`,
/// `f()()...`) in one expression. Each link is a level of the tree that
/// evaluation and dropping recurse over; Python refuses such chains with
/// RecursionError during compilation, and so does this parser.
const MAX_CHAIN: usize = 3000;

fn chain_too_long(span: Span) -> SyntaxError {
    SyntaxError::new(
        span,
        "maximum recursion depth exceeded during compilation",
        format!("a chain of at most {MAX_CHAIN} operators (split it with variables)"),
    )
    .kind("RecursionError")
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("`{n}`"),
        Tok::Int(i) => format!("number `{i}`"),
        Tok::Float(f) => format!("number `{f}`"),
        Tok::Str(_) | Tok::FStr(_) => "a string".into(),
        Tok::Bytes(_) => "a bytes literal".into(),
        Tok::Op(o) => format!("`{o}`"),
        Tok::Newline => "end of line".into(),
        Tok::Indent => "an indented block".into(),
        Tok::Dedent => "the end of the block".into(),
        Tok::Eof => "end of input".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].tok
    }
    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }
    fn span(&self) -> Span {
        self.toks[self.pos.min(self.toks.len() - 1)].span
    }
    fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }
    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }
    fn advance(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn check_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn check_tok(&self, t: &Tok) -> bool {
        self.peek() == t
    }
    fn check_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if &**n == kw)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.check_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.check_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }
    fn eat_tok(&mut self, t: &Tok) -> bool {
        if self.check_tok(t) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        let found = describe(self.peek());
        SyntaxError::new(
            self.span(),
            format!("invalid syntax: unexpected {found}"),
            expected,
        )
    }

    fn expect_op(&mut self, op: &str, context: &str) -> Result<Span, SyntaxError> {
        if self.check_op(op) {
            return Ok(self.advance().span);
        }
        let mut e = SyntaxError::new(
            self.span(),
            format!("expected `{op}` {context}, found {}", describe(self.peek())),
            format!("`{op}`"),
        );
        if op == ":" && self.check_op("=") {
            e.help = Some("to compare, use `==`".into());
        }
        Err(e)
    }

    fn expect_newline(&mut self) -> Result<(), SyntaxError> {
        if self.eat_tok(&Tok::Newline) || self.at_eof() || self.check_tok(&Tok::Dedent) {
            return Ok(());
        }
        let mut e = SyntaxError::new(
            self.span(),
            format!(
                "invalid syntax: unexpected {} after the statement",
                describe(self.peek())
            ),
            "the end of the line or `;`",
        );
        if matches!(self.peek(), Tok::Name(_) | Tok::Int(_) | Tok::Str(_)) {
            e.help = Some("perhaps you forgot a comma or an operator".into());
        }
        Err(e)
    }

    fn name(&mut self, what: &str) -> Result<(Rc<str>, Span), SyntaxError> {
        match self.peek().clone() {
            Tok::Name(n) if !KEYWORDS.contains(&&*n) => {
                let s = self.advance().span;
                Ok((n, s))
            }
            Tok::Name(n) => Err(SyntaxError::new(
                self.span(),
                format!("`{n}` is a keyword and cannot be used as {what}"),
                what,
            )),
            _ => Err(self.unexpected(what)),
        }
    }

    // ------------------------------------------------------------ statements

    fn statement(&mut self) -> Result<Vec<Stmt>, SyntaxError> {
        let start = self.span();
        let kw = match self.peek() {
            Tok::Name(n) => n.clone(),
            Tok::Indent => {
                return Err(SyntaxError::new(
                    start,
                    "unexpected indent",
                    "a statement at the margin",
                )
                .kind("IndentationError"))
            }
            _ => Rc::from(""),
        };
        let stmt = match &*kw {
            "if" => self.if_stmt()?,
            "while" => {
                self.advance();
                let cond = self.named_test()?;
                self.expect_op(":", "after the `while` condition")?;
                let body = self.block()?;
                let orelse = self.else_block()?;
                StmtKind::While(cond, body, orelse)
            }
            "for" => {
                self.advance();
                let target = self.target_list()?;
                if !self.eat_kw("in") {
                    return Err(self.unexpected("`in` after the `for` target"));
                }
                let iter = self.test_list()?;
                self.expect_op(":", "after the `for` clause")?;
                let body = self.block()?;
                let orelse = self.else_block()?;
                StmtKind::For(target, iter, body, orelse)
            }
            "def" => StmtKind::Def(self.def_stmt()?),
            "class" => self.class_stmt()?,
            "try" => self.try_stmt()?,
            "with" => {
                self.advance();
                let mut items = Vec::new();
                loop {
                    let e = self.test()?;
                    let t = if self.eat_kw("as") {
                        Some(self.target()?)
                    } else {
                        None
                    };
                    items.push((e, t));
                    if !self.eat_op(",") {
                        break;
                    }
                }
                self.expect_op(":", "after the `with` items")?;
                StmtKind::With(items, self.block()?)
            }
            "@" => {
                return Err(SyntaxError::new(
                    start,
                    "decorators are not supported",
                    "a statement",
                ));
            }
            _ => return self.simple_line(),
        };
        Ok(vec![Stmt {
            kind: stmt,
            span: start.to(self.prev_span()),
        }])
    }

    fn else_block(&mut self) -> Result<Option<Vec<Stmt>>, SyntaxError> {
        if self.eat_kw("else") {
            self.expect_op(":", "after `else`")?;
            Ok(Some(self.block()?))
        } else {
            Ok(None)
        }
    }

    fn if_stmt(&mut self) -> Result<StmtKind, SyntaxError> {
        self.advance();
        let mut branches = Vec::new();
        let cond = self.named_test()?;
        self.expect_op(":", "after the `if` condition")?;
        branches.push((cond, self.block()?));
        let mut orelse = None;
        loop {
            if self.eat_kw("elif") {
                let c = self.named_test()?;
                self.expect_op(":", "after the `elif` condition")?;
                branches.push((c, self.block()?));
            } else if self.eat_kw("else") {
                self.expect_op(":", "after `else`")?;
                orelse = Some(self.block()?);
                break;
            } else {
                break;
            }
        }
        Ok(StmtKind::If(branches, orelse))
    }

    fn try_stmt(&mut self) -> Result<StmtKind, SyntaxError> {
        self.advance();
        self.expect_op(":", "after `try`")?;
        let body = self.block()?;
        let mut handlers = Vec::new();
        while self.check_kw("except") {
            let hs = self.advance().span;
            let mut kind = None;
            let mut name = None;
            if !self.check_op(":") {
                kind = Some(self.test()?);
                if self.eat_kw("as") {
                    name = Some(self.name("an exception name")?.0);
                } else if self.eat_op(",") {
                    return Err(SyntaxError::new(
                        self.prev_span(),
                        "multiple exception types must be parenthesized",
                        "`except (A, B) as e:`",
                    ));
                }
            }
            self.expect_op(":", "after the `except` clause")?;
            let hbody = self.block()?;
            handlers.push(Handler {
                kind,
                name,
                body: hbody,
                span: hs,
            });
        }
        let orelse = if !handlers.is_empty() {
            self.else_block()?
        } else {
            None
        };
        let finally = if self.eat_kw("finally") {
            self.expect_op(":", "after `finally`")?;
            Some(self.block()?)
        } else {
            None
        };
        if handlers.is_empty() && finally.is_none() {
            return Err(self.unexpected("`except` or `finally` after the `try` block"));
        }
        Ok(StmtKind::Try(body, handlers, orelse, finally))
    }

    fn class_stmt(&mut self) -> Result<StmtKind, SyntaxError> {
        self.advance();
        let (name, _) = self.name("a class name")?;
        let mut bases = Vec::new();
        if self.eat_op("(") {
            while !self.check_op(")") {
                bases.push(self.test()?);
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")", "to close the base class list")?;
        }
        self.expect_op(":", "after the class header")?;
        Ok(StmtKind::Class(name, bases, self.block()?))
    }

    fn def_stmt(&mut self) -> Result<Rc<FuncDef>, SyntaxError> {
        let start = self.advance().span;
        let (name, _) = self.name("a function name")?;
        self.expect_op("(", "after the function name")?;
        let params = self.params(")")?;
        self.expect_op(")", "to close the parameter list")?;
        if self.eat_op("->") {
            self.test()?;
        }
        self.expect_op(":", "after the function header")?;
        let body = self.block()?;
        let doc = match body.first().map(|s| &s.kind) {
            Some(StmtKind::Expr(Expr {
                kind: ExprKind::Str(s),
                ..
            })) => Some(s.clone()),
            _ => None,
        };
        Ok(Rc::new(FuncDef {
            name,
            params,
            body,
            doc,
            is_lambda: false,
            span: start.to(self.prev_span()),
        }))
    }

    fn params(&mut self, close: &str) -> Result<Vec<Param>, SyntaxError> {
        let mut params: Vec<Param> = Vec::new();
        let mut kw_only = false;
        while !self.check_op(close) {
            let span = self.span();
            if self.eat_op("**") {
                let (n, _) = self.name("a parameter name")?;
                params.push(Param {
                    name: n,
                    default: None,
                    kind: ParamKind::VarKw,
                    span,
                });
            } else if self.eat_op("*") {
                kw_only = true;
                if !self.check_op(",") && !self.check_op(close) {
                    let (n, _) = self.name("a parameter name")?;
                    params.push(Param {
                        name: n,
                        default: None,
                        kind: ParamKind::VarArgs,
                        span,
                    });
                }
            } else if self.eat_op("/") {
                // positional-only marker: accepted and ignored
            } else {
                let (n, _) = self.name("a parameter name")?;
                if close == ")" && self.eat_op(":") {
                    self.test()?;
                }
                let default = if self.eat_op("=") {
                    Some(self.test()?)
                } else {
                    None
                };
                if default.is_none()
                    && !kw_only
                    && params
                        .iter()
                        .any(|p| p.default.is_some() && p.kind == ParamKind::Normal)
                {
                    return Err(SyntaxError::new(
                        span,
                        "parameter without a default follows parameter with a default",
                        "a default value",
                    ));
                }
                if params.iter().any(|p| p.name == n) {
                    return Err(SyntaxError::new(
                        span,
                        format!("duplicate argument '{n}' in function definition"),
                        "distinct names",
                    ));
                }
                let kind = if kw_only {
                    ParamKind::KwOnly
                } else {
                    ParamKind::Normal
                };
                params.push(Param {
                    name: n,
                    default,
                    kind,
                    span,
                });
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok(params)
    }

    /// A suite: either statements on the same line or an indented block.
    fn block(&mut self) -> Result<Vec<Stmt>, SyntaxError> {
        self.depth += 1;
        let r = if self.depth > MAX_NESTING {
            Err(SyntaxError::new(
                self.span(),
                "blocks nested too deeply",
                "fewer nested blocks",
            ))
        } else {
            self.block_inner()
        };
        self.depth -= 1;
        r
    }

    fn block_inner(&mut self) -> Result<Vec<Stmt>, SyntaxError> {
        if self.eat_tok(&Tok::Newline) {
            if !self.eat_tok(&Tok::Indent) {
                return Err(SyntaxError::new(
                    self.span(),
                    "expected an indented block",
                    "an indented block",
                )
                .kind("IndentationError"));
            }
            let mut body = Vec::new();
            while !self.check_tok(&Tok::Dedent) && !self.at_eof() {
                if self.eat_tok(&Tok::Newline) {
                    continue;
                }
                body.extend(self.statement()?);
            }
            self.eat_tok(&Tok::Dedent);
            Ok(body)
        } else {
            self.simple_line()
        }
    }

    fn simple_line(&mut self) -> Result<Vec<Stmt>, SyntaxError> {
        let mut out = vec![self.simple()?];
        while self.eat_op(";") {
            if self.check_tok(&Tok::Newline) || self.at_eof() {
                break;
            }
            out.push(self.simple()?);
        }
        self.expect_newline()?;
        Ok(out)
    }

    fn simple(&mut self) -> Result<Stmt, SyntaxError> {
        let start = self.span();
        let kw: Rc<str> = match self.peek() {
            Tok::Name(n) => n.clone(),
            _ => Rc::from(""),
        };
        let kind = match &*kw {
            "pass" => {
                self.advance();
                StmtKind::Pass
            }
            "break" => {
                self.advance();
                StmtKind::Break
            }
            "continue" => {
                self.advance();
                StmtKind::Continue
            }
            "return" => {
                self.advance();
                if self.at_stmt_end() {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.test_list_star()?))
                }
            }
            "raise" => {
                self.advance();
                if self.at_stmt_end() {
                    StmtKind::Raise(None, None)
                } else {
                    let e = self.test()?;
                    let cause = if self.eat_kw("from") {
                        Some(self.test()?)
                    } else {
                        None
                    };
                    StmtKind::Raise(Some(e), cause)
                }
            }
            "global" | "nonlocal" => {
                self.advance();
                let mut names = vec![self.name("a name")?.0];
                while self.eat_op(",") {
                    names.push(self.name("a name")?.0);
                }
                if &*kw == "global" {
                    StmtKind::Global(names)
                } else {
                    StmtKind::Nonlocal(names)
                }
            }
            "del" => {
                self.advance();
                let mut targets = vec![self.target()?];
                while self.eat_op(",") {
                    targets.push(self.target()?);
                }
                StmtKind::Del(targets)
            }
            "assert" => {
                self.advance();
                let t = self.test()?;
                let msg = if self.eat_op(",") {
                    Some(self.test()?)
                } else {
                    None
                };
                StmtKind::Assert(t, msg)
            }
            "import" => {
                self.advance();
                let mut names = Vec::new();
                loop {
                    let s = self.span();
                    let path = self.dotted()?;
                    let alias = if self.eat_kw("as") {
                        Some(self.name("an alias")?.0)
                    } else {
                        None
                    };
                    names.push(ImportName {
                        path,
                        alias,
                        span: s.to(self.prev_span()),
                    });
                    if !self.eat_op(",") {
                        break;
                    }
                }
                StmtKind::Import(names)
            }
            "from" => {
                self.advance();
                while self.eat_op(".") || self.eat_op("...") {}
                let module = self.dotted()?;
                if !self.eat_kw("import") {
                    return Err(self.unexpected("`import` after the module name"));
                }
                if self.eat_op("*") {
                    StmtKind::From(module, None)
                } else {
                    let paren = self.eat_op("(");
                    let mut names = Vec::new();
                    loop {
                        if paren && self.check_op(")") {
                            break;
                        }
                        let s = self.span();
                        let (n, _) = self.name("a name to import")?;
                        let alias = if self.eat_kw("as") {
                            Some(self.name("an alias")?.0)
                        } else {
                            None
                        };
                        names.push(ImportName {
                            path: vec![n],
                            alias,
                            span: s.to(self.prev_span()),
                        });
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")", "to close the import list")?;
                    }
                    StmtKind::From(module, Some(names))
                }
            }
            "print" if self.python2_print() => {
                return Err(SyntaxError {
                    kind: "SyntaxError",
                    span: start,
                    message: "Missing parentheses in call to 'print'".into(),
                    expected: "print(...)".into(),
                    help: Some("this is Python 2 syntax; write print(...)".into()),
                });
            }
            _ => return self.expr_stmt(),
        };
        Ok(Stmt {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn python2_print(&self) -> bool {
        matches!(
            self.peek_at(1),
            Tok::Name(_) | Tok::Str(_) | Tok::Int(_) | Tok::FStr(_)
        )
    }

    fn at_stmt_end(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Eof | Tok::Dedent) || self.check_op(";")
    }

    fn dotted(&mut self) -> Result<Vec<Rc<str>>, SyntaxError> {
        let mut path = vec![self.name("a module name")?.0];
        while self.eat_op(".") {
            path.push(self.name("a module name")?.0);
        }
        Ok(path)
    }

    fn expr_stmt(&mut self) -> Result<Stmt, SyntaxError> {
        let start = self.span();
        let first = self.test_list_star()?;
        let aug = match self.peek() {
            Tok::Op(op) => match *op {
                "+=" => Some(BinOp::Add),
                "-=" => Some(BinOp::Sub),
                "*=" => Some(BinOp::Mul),
                "/=" => Some(BinOp::Div),
                "//=" => Some(BinOp::FloorDiv),
                "%=" => Some(BinOp::Mod),
                "**=" => Some(BinOp::Pow),
                "<<=" => Some(BinOp::LShift),
                ">>=" => Some(BinOp::RShift),
                "&=" => Some(BinOp::BitAnd),
                "|=" => Some(BinOp::BitOr),
                "^=" => Some(BinOp::BitXor),
                "@=" => Some(BinOp::MatMul),
                _ => None,
            },
            _ => None,
        };
        if let Some(op) = aug {
            self.advance();
            check_target(&first, false)?;
            let value = self.test_list()?;
            return Ok(Stmt {
                kind: StmtKind::AugAssign(first, op, value),
                span: start.to(self.prev_span()),
            });
        }
        if self.check_op(":") {
            self.advance();
            self.test()?;
            check_target(&first, false)?;
            let value = if self.eat_op("=") {
                Some(self.test_list_star()?)
            } else {
                None
            };
            return Ok(Stmt {
                kind: StmtKind::AnnAssign(first, value),
                span: start.to(self.prev_span()),
            });
        }
        if self.check_op("=") {
            let mut targets = vec![first];
            let mut value;
            loop {
                self.advance();
                value = self.test_list_star()?;
                if !self.check_op("=") {
                    break;
                }
                targets.push(value.clone());
            }
            for t in &targets {
                check_target(t, true)?;
            }
            return Ok(Stmt {
                kind: StmtKind::Assign(targets, value),
                span: start.to(self.prev_span()),
            });
        }
        Ok(Stmt {
            span: start.to(self.prev_span()),
            kind: StmtKind::Expr(first),
        })
    }

    // ------------------------------------------------------------ expressions

    fn target(&mut self) -> Result<Expr, SyntaxError> {
        let e = self.or_expr()?;
        check_target(&e, true)?;
        Ok(e)
    }

    /// `for` targets: `x`, `a, b`, `(a, b)`.
    fn target_list(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.span();
        let mut items = vec![self.star_or(Self::or_expr)?];
        let mut tuple = false;
        while self.eat_op(",") {
            tuple = true;
            if self.check_kw("in") {
                break;
            }
            items.push(self.star_or(Self::or_expr)?);
        }
        let e = if tuple {
            Expr {
                kind: ExprKind::Tuple(items),
                span: start.to(self.prev_span()),
            }
        } else {
            items.pop().unwrap_or(Expr {
                kind: ExprKind::None,
                span: start,
            })
        };
        check_target(&e, true)?;
        Ok(e)
    }

    fn star_or(
        &mut self,
        f: fn(&mut Parser) -> Result<Expr, SyntaxError>,
    ) -> Result<Expr, SyntaxError> {
        let start = self.span();
        if self.eat_op("*") {
            let e = self.or_expr()?;
            return Ok(Expr {
                span: start.to(e.span),
                kind: ExprKind::Starred(Box::new(e)),
            });
        }
        f(self)
    }

    /// Comma-separated tests forming a tuple when there is a comma.
    fn test_list(&mut self) -> Result<Expr, SyntaxError> {
        self.list_of(Self::test)
    }

    fn test_list_star(&mut self) -> Result<Expr, SyntaxError> {
        self.list_of(|p| p.star_or(Self::test))
    }

    fn list_of(
        &mut self,
        f: fn(&mut Parser) -> Result<Expr, SyntaxError>,
    ) -> Result<Expr, SyntaxError> {
        let start = self.span();
        let first = f(self)?;
        if !self.check_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_stmt_end() || self.check_op("=") || self.check_op(")") || self.check_op(":")
            {
                break;
            }
            items.push(f(self)?);
        }
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span: start.to(self.prev_span()),
        })
    }

    fn named_test(&mut self) -> Result<Expr, SyntaxError> {
        if let (Tok::Name(n), Tok::Op(":=")) = (self.peek().clone(), self.peek_at(1).clone()) {
            let start = self.advance().span;
            self.advance();
            let v = self.test()?;
            return Ok(Expr {
                span: start.to(v.span),
                kind: ExprKind::Walrus(n, Box::new(v)),
            });
        }
        self.test()
    }

    fn test(&mut self) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        let r = if self.depth > MAX_NESTING {
            Err(SyntaxError::new(
                self.span(),
                format!("expression nested too deeply (more than {MAX_NESTING} levels)"),
                "a simpler expression",
            ))
        } else {
            self.test_inner()
        };
        self.depth -= 1;
        r
    }

    fn test_inner(&mut self) -> Result<Expr, SyntaxError> {
        if self.check_kw("lambda") {
            return self.lambda();
        }
        if self.check_kw("yield") {
            let start = self.advance().span;
            let v = if self.at_stmt_end() || self.check_op(")") {
                None
            } else {
                Some(Box::new(self.test_list()?))
            };
            return Ok(Expr {
                kind: ExprKind::Yield(v),
                span: start.to(self.prev_span()),
            });
        }
        let cond = self.or_test()?;
        if self.check_kw("if") {
            self.advance();
            let test = self.or_test()?;
            if !self.eat_kw("else") {
                return Err(self.unexpected("`else` in the conditional expression"));
            }
            let other = self.test()?;
            let span = cond.span.to(other.span);
            return Ok(Expr {
                kind: ExprKind::IfElse(Box::new(test), Box::new(cond), Box::new(other)),
                span,
            });
        }
        Ok(cond)
    }

    fn test_nocond(&mut self) -> Result<Expr, SyntaxError> {
        if self.check_kw("lambda") {
            return self.lambda();
        }
        self.or_test()
    }

    fn lambda(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.advance().span;
        let params = self.params(":")?;
        self.expect_op(":", "after the lambda parameters")?;
        let body = self.test()?;
        let span = start.to(body.span);
        let ret = Stmt {
            span: body.span,
            kind: StmtKind::Return(Some(body)),
        };
        Ok(Expr {
            kind: ExprKind::Lambda(Rc::new(FuncDef {
                name: Rc::from("<lambda>"),
                params,
                body: vec![ret],
                doc: None,
                is_lambda: true,
                span,
            })),
            span,
        })
    }

    fn or_test(&mut self) -> Result<Expr, SyntaxError> {
        self.bool_chain("or", Self::and_test, ExprKind::Or)
    }

    fn and_test(&mut self) -> Result<Expr, SyntaxError> {
        self.bool_chain("and", Self::not_test, ExprKind::And)
    }

    /// Counts one more link of a left-associative chain; RecursionError
    /// past MAX_CHAIN.
    fn link(&self, links: &mut usize) -> Result<(), SyntaxError> {
        *links += 1;
        if *links > MAX_CHAIN {
            return Err(chain_too_long(self.span()));
        }
        Ok(())
    }

    /// `next (kw next)*`, left-associative, at most MAX_CHAIN links.
    fn bool_chain(
        &mut self,
        kw: &str,
        next: fn(&mut Parser) -> Result<Expr, SyntaxError>,
        make: fn(Box<Expr>, Box<Expr>) -> ExprKind,
    ) -> Result<Expr, SyntaxError> {
        let mut left = next(self)?;
        let mut links = 0;
        while self.check_kw(kw) {
            self.link(&mut links)?;
            self.advance();
            let right = next(self)?;
            let span = left.span.to(right.span);
            left = Expr {
                kind: make(Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn not_test(&mut self) -> Result<Expr, SyntaxError> {
        if self.check_kw("not") {
            let start = self.advance().span;
            self.depth += 1;
            let e = if self.depth > MAX_NESTING {
                Err(SyntaxError::new(
                    start,
                    "expression nested too deeply",
                    "a simpler expression",
                ))
            } else {
                self.not_test()
            };
            self.depth -= 1;
            let e = e?;
            let span = start.to(e.span);
            return Ok(Expr {
                kind: ExprKind::Unary(UnOp::Not, Box::new(e)),
                span,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.or_expr()?;
        let mut ops = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Name(n) if &**n == "in" => CmpOp::In,
                Tok::Name(n) if &**n == "is" => {
                    if matches!(self.peek_at(1), Tok::Name(m) if &**m == "not") {
                        self.advance();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                Tok::Name(n)
                    if &**n == "not" && matches!(self.peek_at(1), Tok::Name(m) if &**m == "in") =>
                {
                    self.advance();
                    CmpOp::NotIn
                }
                _ => break,
            };
            self.advance();
            ops.push((op, self.or_expr()?));
        }
        if ops.is_empty() {
            return Ok(left);
        }
        let span = left
            .span
            .to(ops.last().map(|o| o.1.span).unwrap_or(left.span));
        Ok(Expr {
            kind: ExprKind::Compare(Box::new(left), ops),
            span,
        })
    }

    fn binary_level(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Parser) -> Result<Expr, SyntaxError>,
    ) -> Result<Expr, SyntaxError> {
        let mut left = next(self)?;
        let mut links = 0;
        'outer: loop {
            for (sym, op) in ops {
                if self.check_op(sym) {
                    self.link(&mut links)?;
                    self.advance();
                    let right = next(self)?;
                    let span = left.span.to(right.span);
                    left = Expr {
                        kind: ExprKind::Binary(*op, Box::new(left), Box::new(right)),
                        span,
                    };
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn or_expr(&mut self) -> Result<Expr, SyntaxError> {
        self.binary_level(&[("|", BinOp::BitOr)], Self::xor_expr)
    }
    fn xor_expr(&mut self) -> Result<Expr, SyntaxError> {
        self.binary_level(&[("^", BinOp::BitXor)], Self::and_expr)
    }
    fn and_expr(&mut self) -> Result<Expr, SyntaxError> {
        self.binary_level(&[("&", BinOp::BitAnd)], Self::shift_expr)
    }
    fn shift_expr(&mut self) -> Result<Expr, SyntaxError> {
        self.binary_level(&[("<<", BinOp::LShift), (">>", BinOp::RShift)], Self::arith)
    }
    fn arith(&mut self) -> Result<Expr, SyntaxError> {
        self.binary_level(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::term)
    }
    fn term(&mut self) -> Result<Expr, SyntaxError> {
        self.binary_level(
            &[
                ("*", BinOp::Mul),
                ("/", BinOp::Div),
                ("//", BinOp::FloorDiv),
                ("%", BinOp::Mod),
                ("@", BinOp::MatMul),
            ],
            Self::factor,
        )
    }

    fn factor(&mut self) -> Result<Expr, SyntaxError> {
        if !matches!(self.peek(), Tok::Op("-" | "+" | "~")) {
            return self.factor_inner();
        }
        self.depth += 1;
        let r = if self.depth > MAX_NESTING {
            Err(SyntaxError::new(
                self.span(),
                format!("expression nested too deeply (more than {MAX_NESTING} levels)"),
                "a simpler expression",
            ))
        } else {
            self.factor_inner()
        };
        self.depth -= 1;
        r
    }

    fn factor_inner(&mut self) -> Result<Expr, SyntaxError> {
        let op = match self.peek() {
            Tok::Op("-") => Some(UnOp::Neg),
            Tok::Op("+") => Some(UnOp::Pos),
            Tok::Op("~") => Some(UnOp::Invert),
            _ => None,
        };
        if let Some(op) = op {
            let start = self.advance().span;
            let e = self.factor()?;
            let span = start.to(e.span);
            // fold negative literals so -9223372036854775808 works
            if let (UnOp::Neg, ExprKind::Int(i)) = (op, &e.kind) {
                return Ok(Expr {
                    kind: ExprKind::Int(-i),
                    span,
                });
            }
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(e)),
                span,
            });
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, SyntaxError> {
        let base = self.atom_expr()?;
        if self.eat_op("**") {
            let exp = self.factor()?;
            let span = base.span.to(exp.span);
            return Ok(Expr {
                kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exp)),
                span,
            });
        }
        Ok(base)
    }

    fn atom_expr(&mut self) -> Result<Expr, SyntaxError> {
        let mut e = self.atom()?;
        let mut links = 0;
        loop {
            if self.check_op("(") || self.check_op("[") || self.check_op(".") {
                self.link(&mut links)?;
            }
            if self.check_op("(") {
                let open = self.advance().span;
                let args = self.call_args()?;
                self.expect_op(
                    ")",
                    &format!(
                        "to close the call opened at {}",
                        super::error::location(open)
                    ),
                )?;
                let span = e.span.to(self.prev_span());
                e = Expr {
                    kind: ExprKind::Call(Box::new(e), args),
                    span,
                };
            } else if self.check_op("[") {
                self.advance();
                let idx = self.subscript()?;
                self.expect_op("]", "to close the subscript")?;
                let span = e.span.to(self.prev_span());
                e = Expr {
                    kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                    span,
                };
            } else if self.check_op(".") {
                self.advance();
                let (n, ns) = match self.peek().clone() {
                    Tok::Name(n) => {
                        let s = self.advance().span;
                        (n, s)
                    }
                    _ => return Err(self.unexpected("an attribute name after `.`")),
                };
                let span = e.span.to(ns);
                e = Expr {
                    kind: ExprKind::Attr(Box::new(e), n),
                    span,
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn call_args(&mut self) -> Result<Vec<Arg>, SyntaxError> {
        let mut args = Vec::new();
        let mut seen_kw = false;
        while !self.check_op(")") {
            if self.eat_op("**") {
                args.push(Arg::StarStar(self.test()?));
                seen_kw = true;
            } else if self.eat_op("*") {
                args.push(Arg::Star(self.test()?));
            } else if let (Tok::Name(n), Tok::Op("=")) =
                (self.peek().clone(), self.peek_at(1).clone())
            {
                let s = self.advance().span;
                if KEYWORDS.contains(&&*n) {
                    return Err(SyntaxError::new(
                        s,
                        format!("`{n}` is a keyword and cannot be an argument name"),
                        "an argument name",
                    ));
                }
                self.advance();
                args.push(Arg::Kw(n, self.test()?));
                seen_kw = true;
            } else {
                let s = self.span();
                let e = self.named_test()?;
                if self.check_kw("for") {
                    let comps = self.comp_for()?;
                    let span = s.to(self.prev_span());
                    args.push(Arg::Pos(Expr {
                        kind: ExprKind::GenExp(Box::new(e), comps),
                        span,
                    }));
                } else {
                    if seen_kw {
                        return Err(SyntaxError::new(
                            s,
                            "positional argument follows keyword argument",
                            "a keyword argument (name=value)",
                        ));
                    }
                    args.push(Arg::Pos(e));
                }
            }
            if !self.eat_op(",") {
                if !self.check_op(")") {
                    let mut e = self.unexpected("`,` or `)` in the argument list");
                    if self.check_op("=") {
                        e.help = Some(
                            "keyword arguments are written name=value; to compare, use `==`".into(),
                        );
                    } else {
                        e.help = Some("perhaps you forgot a comma".into());
                    }
                    return Err(e);
                }
                break;
            }
        }
        Ok(args)
    }

    fn subscript(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.span();
        let first = self.slice_item()?;
        if self.check_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.check_op("]") {
                    break;
                }
                items.push(self.slice_item()?);
            }
            return Ok(Expr {
                kind: ExprKind::Tuple(items),
                span: start.to(self.prev_span()),
            });
        }
        Ok(first)
    }

    fn slice_item(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.span();
        let lo = if self.check_op(":") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        if !self.eat_op(":") {
            return lo.map(|b| *b).ok_or_else(|| self.unexpected("an index"));
        }
        let hi = if self.check_op(":") || self.check_op("]") || self.check_op(",") {
            None
        } else {
            Some(Box::new(self.test()?))
        };
        let step = if self.eat_op(":") && !self.check_op("]") && !self.check_op(",") {
            Some(Box::new(self.test()?))
        } else {
            None
        };
        Ok(Expr {
            kind: ExprKind::Slice(lo, hi, step),
            span: start.to(self.prev_span()),
        })
    }

    fn comp_for(&mut self) -> Result<Vec<Comp>, SyntaxError> {
        let mut comps = Vec::new();
        while self.eat_kw("for") {
            let target = self.target_list()?;
            if !self.eat_kw("in") {
                return Err(self.unexpected("`in` in the comprehension"));
            }
            let iter = self.or_test()?;
            let mut conds = Vec::new();
            while self.eat_kw("if") {
                conds.push(self.test_nocond()?);
            }
            comps.push(Comp {
                target,
                iter,
                conds,
            });
        }
        Ok(comps)
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.span();
        let tok = self.peek().clone();
        let kind = match tok {
            Tok::Int(i) => {
                self.advance();
                ExprKind::Int(i)
            }
            Tok::Float(f) => {
                self.advance();
                ExprKind::Float(f)
            }
            Tok::Str(_) | Tok::FStr(_) => return self.strings(),
            Tok::Bytes(_) => {
                let mut all = Vec::new();
                while let Tok::Bytes(b) = self.peek().clone() {
                    self.advance();
                    all.extend(b);
                }
                if matches!(self.peek(), Tok::Str(_) | Tok::FStr(_)) {
                    return Err(SyntaxError::new(
                        self.span(),
                        "cannot mix bytes and nonbytes literals",
                        "a bytes literal",
                    ));
                }
                ExprKind::Bytes(all.into())
            }
            Tok::Name(n) => {
                self.advance();
                match &*n {
                    "None" => ExprKind::None,
                    "True" => ExprKind::Bool(true),
                    "False" => ExprKind::Bool(false),
                    k if KEYWORDS.contains(&k) => {
                        return Err(SyntaxError::new(
                            start,
                            format!("invalid syntax: unexpected keyword `{k}`"),
                            "an expression",
                        ));
                    }
                    _ => ExprKind::Name(n),
                }
            }
            Tok::Op("...") => {
                self.advance();
                ExprKind::Ellipsis
            }
            Tok::Op("(") => {
                self.advance();
                if self.eat_op(")") {
                    ExprKind::Tuple(Vec::new())
                } else {
                    let first = self.star_or(Self::named_test)?;
                    if self.check_kw("for") {
                        let comps = self.comp_for()?;
                        self.expect_op(")", "to close the generator expression")?;
                        ExprKind::GenExp(Box::new(first), comps)
                    } else if self.check_op(",") {
                        let mut items = vec![first];
                        while self.eat_op(",") {
                            if self.check_op(")") {
                                break;
                            }
                            items.push(self.star_or(Self::test)?);
                        }
                        self.expect_op(")", "to close the tuple")?;
                        ExprKind::Tuple(items)
                    } else {
                        self.expect_op(")", "to close the parenthesis")?;
                        let mut e = first;
                        e.span = start.to(self.prev_span());
                        return Ok(e);
                    }
                }
            }
            Tok::Op("[") => {
                self.advance();
                if self.eat_op("]") {
                    ExprKind::List(Vec::new())
                } else {
                    let first = self.star_or(Self::named_test)?;
                    if self.check_kw("for") {
                        let comps = self.comp_for()?;
                        self.expect_op("]", "to close the list comprehension")?;
                        ExprKind::ListComp(Box::new(first), comps)
                    } else {
                        let mut items = vec![first];
                        while self.eat_op(",") {
                            if self.check_op("]") {
                                break;
                            }
                            items.push(self.star_or(Self::test)?);
                        }
                        self.expect_op("]", "to close the list")?;
                        ExprKind::List(items)
                    }
                }
            }
            Tok::Op("{") => {
                self.advance();
                self.dict_or_set()?
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(Expr {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn dict_or_set(&mut self) -> Result<ExprKind, SyntaxError> {
        if self.eat_op("}") {
            return Ok(ExprKind::Dict(Vec::new()));
        }
        if self.eat_op("**") {
            let e = self.or_expr()?;
            let mut items = vec![(None, e)];
            self.dict_rest(&mut items)?;
            return Ok(ExprKind::Dict(items));
        }
        let first = self.test()?;
        if self.eat_op(":") {
            let v = self.test()?;
            if self.check_kw("for") {
                let comps = self.comp_for()?;
                self.expect_op("}", "to close the dict comprehension")?;
                return Ok(ExprKind::DictComp(Box::new(first), Box::new(v), comps));
            }
            let mut items = vec![(Some(first), v)];
            self.dict_rest(&mut items)?;
            return Ok(ExprKind::Dict(items));
        }
        if self.check_kw("for") {
            let comps = self.comp_for()?;
            self.expect_op("}", "to close the set comprehension")?;
            return Ok(ExprKind::SetComp(Box::new(first), comps));
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.check_op("}") {
                break;
            }
            items.push(self.test()?);
        }
        self.expect_op("}", "to close the set")?;
        Ok(ExprKind::Set(items))
    }

    fn dict_rest(&mut self, items: &mut Vec<(Option<Expr>, Expr)>) -> Result<(), SyntaxError> {
        while self.eat_op(",") {
            if self.check_op("}") {
                break;
            }
            if self.eat_op("**") {
                items.push((None, self.or_expr()?));
                continue;
            }
            let k = self.test()?;
            self.expect_op(":", "between a dict key and its value")?;
            items.push((Some(k), self.test()?));
        }
        self.expect_op("}", "to close the dict")?;
        Ok(())
    }

    /// Adjacent string literals concatenate; f-strings become holes.
    fn strings(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.span();
        let mut parts: Vec<FPart> = Vec::new();
        let mut any_f = false;
        let file = start.file;
        loop {
            match self.peek().clone() {
                Tok::Str(s) => {
                    self.advance();
                    parts.push(FPart::Lit(s));
                }
                Tok::FStr(pieces) => {
                    self.advance();
                    any_f = true;
                    for p in pieces {
                        parts.push(fpart(p, file)?);
                    }
                }
                Tok::Bytes(_) => {
                    return Err(SyntaxError::new(
                        self.span(),
                        "cannot mix bytes and nonbytes literals",
                        "a string literal",
                    ));
                }
                _ => break,
            }
        }
        let span = start.to(self.prev_span());
        if !any_f {
            let s: String = parts
                .into_iter()
                .map(|p| match p {
                    FPart::Lit(s) => s,
                    FPart::Hole { .. } => String::new(),
                })
                .collect();
            return Ok(Expr {
                kind: ExprKind::Str(Rc::from(s)),
                span,
            });
        }
        Ok(Expr {
            kind: ExprKind::FStr(parts),
            span,
        })
    }
}

fn fpart(p: FPiece, file: u32) -> Result<FPart, SyntaxError> {
    Ok(match p {
        FPiece::Lit(s) => FPart::Lit(s),
        FPiece::Hole {
            expr,
            offset,
            conv,
            spec,
            debug,
        } => {
            let e = parse_embedded_expr(&expr, file, offset)?;
            FPart::Hole {
                expr: Box::new(e),
                conv,
                spec: spec
                    .into_iter()
                    .map(|p| fpart(p, file))
                    .collect::<Result<_, _>>()?,
                debug_text: debug.then(|| format!("{expr}=")),
            }
        }
    })
}

/// Checks that an expression can be assigned to (or deleted).
fn check_target(e: &Expr, allow_tuple: bool) -> Result<(), SyntaxError> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Index(..) => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) if allow_tuple => {
            items.iter().try_for_each(|i| check_target(i, true))
        }
        ExprKind::Starred(inner) if allow_tuple => check_target(inner, false),
        ExprKind::Call(..) => Err(SyntaxError::new(
            e.span,
            "cannot assign to function call",
            "a name, attribute or subscript",
        )),
        ExprKind::Compare(..) => Err(SyntaxError {
            kind: "SyntaxError",
            span: e.span,
            message: "cannot assign to comparison".into(),
            expected: "a name, attribute or subscript".into(),
            help: Some("to compare, use `==`".into()),
        }),
        _ => Err(SyntaxError::new(
            e.span,
            "cannot assign to this expression",
            "a name, attribute or subscript",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Vec<Stmt> {
        parse_program(s, 0).unwrap()
    }

    fn err(s: &str) -> SyntaxError {
        parse_program(s, 0).unwrap_err()
    }

    #[test]
    fn layering_expression() {
        let p = parse("IP(dst=\"198.19.0.1\")/ICMP(type=13)\n");
        assert!(matches!(
            &p[0].kind,
            StmtKind::Expr(Expr {
                kind: ExprKind::Binary(BinOp::Div, ..),
                ..
            })
        ));
    }

    #[test]
    fn one_line_for() {
        let p = parse("for p in IP(ttl=(1,3)): print(bytes(p).hex())");
        assert!(matches!(&p[0].kind, StmtKind::For(..)));
    }

    #[test]
    fn blocks_and_tuple_assignment() {
        let p = parse(
            "ans, unans = sr(x)\nif ans:\n    print(1)\nelif x:\n    pass\nelse:\n    y = 2\n",
        );
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn precedence() {
        let p = parse("1 + 2 * 3 ** 2\n");
        match &p[0].kind {
            StmtKind::Expr(Expr {
                kind: ExprKind::Binary(BinOp::Add, _, r),
                ..
            }) => {
                assert!(matches!(r.kind, ExprKind::Binary(BinOp::Mul, ..)))
            }
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn error_positions() {
        let e = err("x = (1, 2\n");
        assert_eq!(e.span.start, 4);
        let e = err("if x = 3:\n    pass\n");
        assert_eq!(e.span.start, 5);
        assert!(e.help.unwrap().contains("=="));
        let e = err("print 'hi'\n");
        assert!(e.message.contains("parentheses"));
        let e = err("f(a=1, 2)\n");
        assert!(e.message.contains("positional argument follows keyword"));
        let e = err("1 = x\n");
        assert_eq!(e.span.start, 0);
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_crash() {
        // as deep as a default 8 MiB main-thread stack allows in a debug build
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(nesting_cases)
            .expect("thread")
            .join()
            .expect("no stack overflow");
    }

    fn nesting_cases() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(err(&deep).message.contains("nested too deeply"));
        assert!(err(&format!("{}1\n", "-".repeat(100_000)))
            .message
            .contains("nested too deeply"));
        assert!(err(&format!("{}1\n", "not ".repeat(100_000)))
            .message
            .contains("nested too deeply"));
        let ok = format!("x = {}1{}\n", "(".repeat(90), ")".repeat(90));
        assert!(parse_program(&ok, 0).is_ok());
    }

    #[test]
    fn comprehensions_lambda_fstring() {
        parse("[x for x in range(3) if x]\n");
        parse("{k: v for k, v in d.items()}\n");
        parse("sum(1 for x in y)\n");
        parse("f = lambda s, r: r.sprintf('%IP.src%')\n");
        parse("print(f'{x!r:>10} {y}')\n");
    }

    #[test]
    fn try_def_with() {
        parse("try:\n    x()\nexcept (ValueError, KeyError) as e:\n    print(e)\nelse:\n    pass\nfinally:\n    y()\n");
        parse("def f(a, b=2, *args, c=3, **kw):\n    \"doc\"\n    return a\n");
        parse("with open('x') as f:\n    f.read()\n");
    }
}
