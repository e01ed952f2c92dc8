//! A validator of requests and answers against an OpenAPI 3.0 document:
//! the path and method must be an operation of it, every query parameter
//! one it declares (with the type, enum and bounds it gives), the required
//! ones present, and a body valid against the operation's schema. Requests
//! are held stricter than the document's defaults: a property it does not
//! name, or one it marks read-only, is refused (Zendesk would ignore it,
//! and deskterm would believe it sent something). Answers may carry more
//! than the document names, as its objects allow, but nothing it marks
//! write-only.

use std::collections::BTreeSet;

use serde_json::Value;

/// Which way a body goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    Request,
    Answer,
}

pub struct Contract {
    doc: Value,
}

/// The operation a request was found to be.
#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub template: String,
    pub method: String,
    /// Path parameters by name.
    pub path_params: Vec<(String, String)>,
}

impl Contract {
    pub fn new(doc: Value) -> Self {
        Self { doc }
    }

    /// Zendesk's Support API, the part deskterm uses (tests/contract).
    pub fn zendesk() -> Self {
        let text = include_str!("../contract/zendesk-support.json");
        Self::new(serde_json::from_str(text).expect("the contract is JSON"))
    }

    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(reference) = schema["$ref"].as_str() else {
                return schema;
            };
            let pointer = reference.trim_start_matches('#');
            schema = self.doc.pointer(pointer).unwrap_or(&Value::Null);
        }
        schema
    }

    /// The operation for `method` and `path` (without its query).
    pub fn operation(&self, method: &str, path: &str) -> Result<Operation, String> {
        let method = method.to_lowercase();
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut best: Option<(usize, Operation)> = None;
        for (template, item) in self.doc["paths"].as_object().into_iter().flatten() {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut params = Vec::new();
            let mut literal = 0;
            let fits = parts.iter().zip(&segments).all(|(p, s)| {
                if p.starts_with('{') && p.ends_with('}') {
                    params.push((p[1..p.len() - 1].to_string(), s.to_string()));
                    true
                } else {
                    literal += 1;
                    p == s
                }
            });
            if !fits || !item[&method].is_object() {
                continue;
            }
            // A literal segment wins over a parameter (`/users/me`).
            if best.as_ref().is_none_or(|(l, _)| literal > *l) {
                best = Some((
                    literal,
                    Operation {
                        id: item[&method]["operationId"]
                            .as_str()
                            .unwrap_or("?")
                            .to_string(),
                        template: template.clone(),
                        method: method.clone(),
                        path_params: params,
                    },
                ));
            }
        }
        best.map(|(_, op)| op).ok_or_else(|| {
            format!(
                "{} {path} is no operation of the contract",
                method.to_uppercase()
            )
        })
    }

    fn op(&self, op: &Operation) -> &Value {
        &self.doc["paths"][&op.template][&op.method]
    }

    /// Every parameter the operation takes (the path's and its own).
    fn parameters(&self, op: &Operation) -> Vec<&Value> {
        let item = &self.doc["paths"][&op.template];
        item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(self.op(op)["parameters"].as_array().into_iter().flatten())
            .map(|p| self.resolve(p))
            .collect()
    }

    /// What is wrong with a request: its operation, path values, query
    /// (decoded pairs) and JSON body (`None` for none or not JSON).
    pub fn check_request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        has_body: bool,
    ) -> Result<Operation, Vec<String>> {
        let op = self.operation(method, path).map_err(|e| vec![e])?;
        let mut problems = Vec::new();
        let params = self.parameters(&op);
        let here = &op.id;
        for (name, value) in &op.path_params {
            if let Some(p) = params
                .iter()
                .find(|p| p["in"] == "path" && p["name"] == *name)
            {
                self.check_text(
                    value,
                    &p["schema"],
                    &format!("{here}: path {name}"),
                    &mut problems,
                );
            }
        }
        for (key, value) in query {
            let exact = params
                .iter()
                .find(|p| p["in"] == "query" && p["name"].as_str() == Some(key));
            if let Some(p) = exact {
                let schema = self.resolve(&p["schema"]);
                let item = match schema["type"].as_str() {
                    Some("array") => self.resolve(&schema["items"]),
                    _ => schema,
                };
                self.check_text(value, item, &format!("{here}: query {key}"), &mut problems);
                continue;
            }
            // `page[size]` of a deepObject parameter `page`.
            let deep = key.split_once('[').and_then(|(base, rest)| {
                let prop = rest.strip_suffix(']')?;
                let p = params.iter().find(|p| {
                    p["in"] == "query" && p["name"] == base && p["style"] == "deepObject"
                })?;
                Some((p, prop.to_string()))
            });
            match deep {
                Some((p, prop)) => match self.deep_property(&p["schema"], &prop) {
                    Some(schema) => self.check_text(
                        value,
                        schema,
                        &format!("{here}: query {key}"),
                        &mut problems,
                    ),
                    None => problems.push(format!("{here}: query {key}: no such property")),
                },
                None => problems.push(format!(
                    "{here}: query parameter {key:?} is not in the contract"
                )),
            }
        }
        for p in &params {
            let name = p["name"].as_str().unwrap_or_default();
            if p["in"] == "query" && p["required"] == true {
                let given = query.iter().any(|(k, _)| {
                    k == name || (p["style"] == "deepObject" && k.starts_with(&format!("{name}[")))
                });
                if !given {
                    problems.push(format!("{here}: required query parameter {name} missing"));
                }
            }
        }
        let declared = &self.op(&op)["requestBody"];
        match (declared.is_object(), body, has_body) {
            (true, Some(body), _) => {
                let schema = &declared["content"]["application/json"]["schema"];
                self.check(
                    body,
                    schema,
                    &format!("{here}: body"),
                    Way::Request,
                    &mut problems,
                );
            }
            (true, None, true) => problems.push(format!("{here}: the body is not JSON")),
            (true, None, false) if declared["required"] == true => {
                problems.push(format!("{here}: the required body is missing"));
            }
            (false, Some(_), _) => {
                problems.push(format!(
                    "{here}: a JSON body where the contract declares none"
                ));
            }
            _ => {}
        }
        match problems.is_empty() {
            true => Ok(op),
            false => Err(problems),
        }
    }

    /// What is wrong with an answer to `op`.
    pub fn check_answer(&self, op: &Operation, status: u16, body: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let responses = &self.op(op)["responses"];
        let declared = &responses[status.to_string()];
        let here = &op.id;
        if !declared.is_object() {
            // The document declares successes only: an error answer is
            // Zendesk's documented behaviour, outside it.
            if status < 400 {
                problems.push(format!("{here}: answer {status} is not in the contract"));
            }
            return problems;
        }
        let schema = &declared["content"]["application/json"]["schema"];
        if !schema.is_null() {
            self.check(
                body,
                schema,
                &format!("{here}: answer"),
                Way::Answer,
                &mut problems,
            );
        }
        problems
    }

    fn deep_property<'a>(&'a self, schema: &'a Value, prop: &str) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        if let Some(found) = schema["properties"].get(prop) {
            return Some(self.resolve(found));
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            for alt in schema[key].as_array().into_iter().flatten() {
                if let Some(found) = self.deep_property(alt, prop) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// A parameter's text against its schema.
    fn check_text(&self, text: &str, schema: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let alternatives: Vec<&Value> = match schema["oneOf"].as_array() {
            Some(alts) => alts.iter().map(|a| self.resolve(a)).collect(),
            None => vec![schema],
        };
        let fits = alternatives.iter().any(|s| {
            let typed = match s["type"].as_str() {
                Some("integer") => text
                    .parse::<i64>()
                    .ok()
                    .filter(|n| s["minimum"].as_i64().is_none_or(|m| *n >= m))
                    .map(Value::from),
                Some("number") => text.parse::<f64>().ok().map(Value::from),
                Some("boolean") => match text {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                },
                _ => Some(Value::String(text.to_string())),
            };
            typed.is_some_and(|v| s["enum"].as_array().is_none_or(|e| e.contains(&v)))
        });
        if !fits {
            problems.push(format!("{at}: {text:?} does not fit {schema}"));
        }
    }

    /// The property names an object schema names, through `allOf`.
    fn named(&self, schema: &Value, names: &mut BTreeSet<String>) -> bool {
        let schema = self.resolve(schema);
        let mut open =
            schema["additionalProperties"] == true || schema["additionalProperties"].is_object();
        for name in schema["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            names.insert(name.clone());
        }
        for part in schema["allOf"].as_array().into_iter().flatten() {
            open |= self.named(part, names);
        }
        open
    }

    /// A value against a schema; the problems go to `problems`.
    pub fn check(
        &self,
        value: &Value,
        schema: &Value,
        at: &str,
        way: Way,
        problems: &mut Vec<String>,
    ) {
        let schema = self.resolve(schema);
        if value.is_null() {
            // Null only where the schema says nullable (an empty schema
            // takes anything).
            let anything = schema.as_object().is_none_or(|s| s.is_empty());
            if schema["nullable"] != true && !anything {
                problems.push(format!("{at}: null where the contract allows none"));
            }
            return;
        }
        for part in schema["allOf"].as_array().into_iter().flatten() {
            self.check_shape(value, part, at, way, problems);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = schema[key].as_array() {
                let fits = alts.iter().any(|alt| {
                    let mut mine = Vec::new();
                    self.check(value, alt, at, way, &mut mine);
                    mine.is_empty()
                });
                if !fits {
                    problems.push(format!("{at}: {} fits none of its {key}", short(value)));
                }
            }
        }
        self.check_shape(value, schema, at, way, problems);
        // Properties no part names: refused in a request.
        if way == Way::Request
            && let Value::Object(map) = value
            && (schema["properties"].is_object() || schema["allOf"].is_array())
        {
            let mut names = BTreeSet::new();
            if !self.named(schema, &mut names) {
                for key in map.keys().filter(|k| !names.contains(*k)) {
                    problems.push(format!(
                        "{at}: {key:?} is not a property the contract names"
                    ));
                }
            }
        }
    }

    /// Type, enum, format, required and each property and item: one
    /// schema's own word on the value (not its `allOf`/`oneOf`).
    fn check_shape(
        &self,
        value: &Value,
        schema: &Value,
        at: &str,
        way: Way,
        problems: &mut Vec<String>,
    ) {
        let schema = self.resolve(schema);
        if let Some(kind) = schema["type"].as_str() {
            let fits = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => true,
            };
            if !fits {
                problems.push(format!("{at}: {} is not {kind}", short(value)));
                return;
            }
        }
        if let Some(allowed) = schema["enum"].as_array()
            && !allowed.contains(value)
        {
            problems.push(format!("{at}: {} is not one of {allowed:?}", short(value)));
        }
        if let Some(text) = value.as_str() {
            match schema["format"].as_str() {
                Some("date-time") if text.parse::<jiff::Timestamp>().is_err() => {
                    problems.push(format!("{at}: {text:?} is not a date-time"));
                }
                Some("email") if !text.contains('@') => {
                    problems.push(format!("{at}: {text:?} is not an email address"));
                }
                _ => {}
            }
        }
        if let Some(n) = value.as_i64()
            && let Some(min) = schema["minimum"].as_i64()
            && n < min
        {
            problems.push(format!("{at}: {n} is below {min}"));
        }
        if let Value::Object(map) = value {
            for name in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(name) {
                    problems.push(format!("{at}: the required {name:?} is missing"));
                }
            }
            let properties = schema["properties"].as_object();
            for (key, item) in map {
                let Some(declared) = properties.and_then(|p| p.get(key)) else {
                    continue;
                };
                let declared_here = self.resolve(declared);
                let flag = |name: &str| declared[name] == true || declared_here[name] == true;
                match way {
                    Way::Request if flag("readOnly") => {
                        problems.push(format!("{at}.{key}: read-only, not to be sent"));
                    }
                    Way::Answer if flag("writeOnly") => {
                        problems.push(format!("{at}.{key}: write-only, not to be answered"));
                    }
                    _ => {}
                }
                self.check(item, declared, &format!("{at}.{key}"), way, problems);
            }
        }
        if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
            for (i, item) in items.iter().enumerate() {
                self.check(item, item_schema, &format!("{at}[{i}]"), way, problems);
            }
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}
