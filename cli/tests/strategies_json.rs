//! `vertrouwen strategies --json`: one object per built-in strategy with its classifiers, which
//! equal Axelrod-Python 4.14.0's for every strategy we share with it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use vertrouwen_engine::Registry;

const KEYS: [&str; 7] = [
    "name",
    "description",
    "stochastic",
    "memory_depth",
    "makes_use_of",
    "params",
    "source",
];

fn strategies_json() -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_vertrouwen"))
        .args(["strategies", "--json"])
        .output()
        .expect("run vertrouwen");
    assert!(
        out.status.success(),
        "vertrouwen strategies --json failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
    doc.as_array().expect("a JSON array").clone()
}

fn catalogue() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("tests/fixtures/axelrod-4.14.0/strategy_catalog.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Python's json writes unbounded parameters as the bare token `Infinity` (not JSON).
    let text = text.replace(": Infinity", ": null");
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(doc["axelrod_version"], "4.14.0");
    doc["strategies"].as_array().expect("strategies").clone()
}

#[test]
fn strategies_json_lists_every_builtin_with_its_classifiers() {
    let list = strategies_json();
    let mut names = BTreeSet::new();
    for (i, s) in list.iter().enumerate() {
        let obj = s
            .as_object()
            .unwrap_or_else(|| panic!("entry {i} is not an object: {s}"));
        let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            KEYS.into_iter().collect(),
            "entry {i} has keys {keys:?}"
        );
        let name = s["name"]
            .as_str()
            .unwrap_or_else(|| panic!("entry {i}: name is not a string"));
        assert!(!name.trim().is_empty(), "entry {i}: empty name");
        assert!(names.insert(name.to_string()), "duplicate name {name:?}");
        assert!(s["description"].is_string(), "{name}: description");
        assert!(s["stochastic"].is_boolean(), "{name}: stochastic");
        assert!(
            s["memory_depth"].is_null() || s["memory_depth"].is_u64(),
            "{name}: memory_depth must be a count or null (unbounded), got {}",
            s["memory_depth"]
        );
        let uses = s["makes_use_of"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: makes_use_of"));
        for u in uses {
            assert!(
                u == "length" || u == "game",
                "{name}: makes_use_of holds {u}"
            );
        }
        assert!(s["params"].is_string(), "{name}: params");
        assert_eq!(s["source"], "builtin", "{name}: source");
    }

    // As many as the library exports, and the same names.
    let mut r = Registry::new();
    r.add_static(vertrouwen_strategies::plugin_library())
        .unwrap();
    assert_eq!(
        list.len(),
        r.entries().len(),
        "one object per built-in strategy"
    );
    let builtin: BTreeSet<String> = r.entries().iter().map(|e| e.name.clone()).collect();
    assert_eq!(names, builtin);

    // The classifiers shown are the ones declared.
    for s in &list {
        let e = r.resolve(s["name"].as_str().unwrap()).unwrap();
        let c = e.classifiers;
        assert_eq!(s["stochastic"], c.is_stochastic(), "{}", e.name);
        assert_eq!(
            s["memory_depth"].as_u64(),
            c.memory().map(u64::from),
            "{}",
            e.name
        );
        assert_eq!(s["params"], e.default_params.as_str(), "{}", e.name);
    }

    // Equal to Axelrod-Python's catalogue for every shared name.
    let mut shared = 0;
    let mut lacking = Vec::new();
    let mut wrong = Vec::new();
    for c in catalogue() {
        let name = c["name"].as_str().expect("catalogue name");
        let Some(ours) = list.iter().find(|s| s["name"] == name) else {
            lacking.push(name.to_string());
            continue;
        };
        shared += 1;
        let depth = match &c["memory_depth"] {
            Value::String(x) if x == "inf" => Value::Null,
            v => {
                assert!(v.is_u64(), "catalogue {name}: memory depth {v}");
                v.clone()
            }
        };
        let set = |v: &Value| -> BTreeSet<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect()
        };
        let mut diffs = Vec::new();
        if ours["stochastic"] != c["stochastic"] {
            diffs.push(format!(
                "stochastic {} (catalogue {})",
                ours["stochastic"], c["stochastic"]
            ));
        }
        if ours["memory_depth"] != depth {
            diffs.push(format!(
                "memory_depth {} (catalogue {})",
                ours["memory_depth"], c["memory_depth"]
            ));
        }
        if set(&ours["makes_use_of"]) != set(&c["makes_use_of"]) {
            diffs.push(format!(
                "makes_use_of {} (catalogue {})",
                ours["makes_use_of"], c["makes_use_of"]
            ));
        }
        if !diffs.is_empty() {
            wrong.push(format!("{name}: {}", diffs.join("; ")));
        }
    }
    eprintln!(
        "strategies --json: {} built-ins, {shared} shared with the Axelrod-Python 4.14.0 catalogue, {} differing",
        list.len(),
        wrong.len()
    );
    eprintln!(
        "  catalogue strategies we lack ({}): {lacking:?}",
        lacking.len()
    );
    assert!(shared > 0, "no name shared with the catalogue");
    assert!(
        wrong.is_empty(),
        "classifiers differ from Axelrod-Python's:\n{}",
        wrong.join("\n")
    );
}
