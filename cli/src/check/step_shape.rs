//! The shape of the step library, read from its source: how many steps are a single call to one
//! World method (a "one-line step"), the rest parsing or deciding in the step itself.
//!
//! `cargo test -p convsms-cli step_shape -- --nocapture` prints the figures and the other steps;
//! the test fails when a step is not a one-line step.
//!
//! A one-line step's body is one expression: `w.method(args)`, optionally `.await`ed, `?`ed or
//! wrapped in `Ok(…)`, whose arguments are plain values: variables, constants, literals, `&` of
//! those, field accesses. Any other call, closure, macro, `if` or `match` in the body means the
//! step does more than pass its words on.

use std::path::{Path, PathBuf};

use syn::{Expr, FnArg, Item, ItemFn, Pat, Stmt};

/// One step function: where, its name, whether it is a one-line step.
#[derive(Debug)]
struct StepFn {
    file: String,
    name: String,
    one_line: bool,
}

fn steps_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check/steps")
}

fn is_step(f: &ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        a.path()
            .get_ident()
            .is_some_and(|i| i == "given" || i == "when" || i == "then")
    })
}

/// The name of the World argument (the first).
fn world_arg(f: &ItemFn) -> Option<String> {
    match f.sig.inputs.first()? {
        FnArg::Typed(t) => match &*t.pat {
            Pat::Ident(i) => Some(i.ident.to_string()),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    }
}

/// A plain value: a variable, constant, literal, field, or a reference to one.
fn plain(e: &Expr) -> bool {
    match e {
        Expr::Path(_) | Expr::Lit(_) => true,
        Expr::Reference(r) => plain(&r.expr),
        Expr::Field(f) => plain(&f.base),
        Expr::Paren(p) => plain(&p.expr),
        _ => false,
    }
}

/// Whether `e` is `w.method(plain…)`, possibly awaited, `?`ed or in `Ok(…)`.
fn one_world_call(e: &Expr, world: &str) -> bool {
    match e {
        Expr::Await(a) => one_world_call(&a.base, world),
        Expr::Try(t) => one_world_call(&t.expr, world),
        Expr::Paren(p) => one_world_call(&p.expr, world),
        Expr::Call(c) if c.args.len() == 1 => {
            matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Ok"))
                && one_world_call(&c.args[0], world)
        }
        Expr::MethodCall(m) => {
            matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident(world))
                && m.args.iter().all(plain)
        }
        _ => false,
    }
}

fn one_line(f: &ItemFn) -> bool {
    let Some(world) = world_arg(f) else {
        return false;
    };
    match f.block.stmts.as_slice() {
        [Stmt::Expr(e, _)] => one_world_call(e, &world),
        _ => false,
    }
}

fn step_fns() -> Vec<StepFn> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(steps_dir())
        .expect("the steps folder")
        .map(|e| e.expect("a steps file").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut out = vec![];
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a readable steps file");
        let file = syn::parse_file(&text).expect("a steps file that parses");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for item in file.items {
            if let Item::Fn(f) = item {
                if is_step(&f) {
                    out.push(StepFn {
                        file: name.clone(),
                        name: f.sig.ident.to_string(),
                        one_line: one_line(&f),
                    });
                }
            }
        }
    }
    out
}

#[test]
fn step_shape() {
    let steps = step_fns();
    let one = steps.iter().filter(|s| s.one_line).count();
    println!("one-line steps: {one} of {} steps", steps.len());
    for s in steps.iter().filter(|s| !s.one_line) {
        println!("  not one line: {}::{}", s.file, s.name);
    }
    assert_eq!(
        steps.len(),
        super::registered_steps().len(),
        "every registered step is a function under steps/"
    );
    let others: Vec<String> = steps
        .iter()
        .filter(|s| !s.one_line)
        .map(|s| format!("{}::{}", s.file, s.name))
        .collect();
    assert!(
        others.is_empty(),
        "every step reads its words through typed parameters (check/params.rs) and calls one World \
         method with them; these do more: {}",
        others.join(", ")
    );
}
