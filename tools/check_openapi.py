#!/usr/bin/python3
"""Checks docs/openapi.yaml, the OpenAPI document of the http adapter's unit API.

    /usr/bin/python3 tools/check_openapi.py docs/openapi.yaml adapters/http/unit_api.cc [SCHEMA.json]

Three checks, each problem printed on its own line (exit 1 when there is any):

1. The document is valid OpenAPI 3.0, by the JSON schema Debian's package
   openapi-specification installs (SCHEMA.json, default below). The path item
   under the extension `x-webhooks` is checked as a path item too.
2. Its paths and methods are exactly the routes unit_api.cc registers: the
   router.add(...) and router.add_sync(...) calls with a literal method and path,
   and the one registered per action of the `for (const char* action : {...})`
   list, whose path is a literal followed by `+ action`.
3. Every example (a media type's `example` or `examples`, a parameter's
   `example`) is valid against its own schema, with `$ref`s resolved in the
   document.

Needs Debian's python3-yaml and python3-jsonschema (scripts/setup-deps).
"""

import re
import sys
from pathlib import Path

import jsonschema
import yaml

DEFAULT_SCHEMA = "/usr/share/openapi-specification/schemas/v3.0/schema.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

ADD_CALL = re.compile(r'router\.add(?:_sync)?\(\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*[,)]')
ACTION_LOOP = re.compile(r'for\s*\(\s*const\s+char\s*\*\s*action\s*:\s*\{([^}]*)\}\s*\)(.*?);', re.S)
ACTION_ADD = re.compile(r'router\.add(?:_sync)?\(\s*"([A-Z]+)"\s*,\s*std::string\(\s*"([^"]+)"\s*\)\s*\+\s*action')


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def routes_of(source_text):
    """The (METHOD, path) pairs unit_api.cc registers."""
    routes = {(m, p) for m, p in ADD_CALL.findall(source_text)}
    for names, body in ACTION_LOOP.findall(source_text):
        actions = re.findall(r'"([^"]+)"', names)
        for method, prefix in ACTION_ADD.findall(body):
            routes.update((method, prefix + a) for a in actions)
    return routes


def document_routes(document):
    routes = set()
    for path, item in (document.get("paths") or {}).items():
        if isinstance(item, dict):
            routes.update((m.upper(), path) for m in item if m in METHODS)
    return routes


def check_schema(document, schema):
    """Problems of the document against the OpenAPI 3.0 JSON schema."""
    problems = []
    validator = jsonschema.Draft4Validator(schema)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"OpenAPI 3.0 schema: at {where}: {error.message[:300]}")
    webhooks = document.get("x-webhooks")
    if webhooks is not None:
        if not isinstance(webhooks, dict) or not webhooks:
            problems.append("x-webhooks must map names to path items")
        else:
            probe = {"openapi": document.get("openapi", "3.0.3"), "info": {"title": "x", "version": "1"},
                     "paths": {"/" + name: item for name, item in webhooks.items()},
                     "components": document.get("components", {})}
            for error in validator.iter_errors(probe):
                where = "/".join(str(p) for p in error.absolute_path)
                problems.append(f"x-webhooks: at {where}: {error.message[:300]}")
    return problems


def check_routes(document, source_text):
    """Problems where the document's operations and the registered routes differ."""
    registered = routes_of(source_text)
    if not registered:
        return ["no route found in the source (router.add(\"METHOD\", \"/path\", ...) calls)"]
    documented = document_routes(document)
    problems = [f"route {m} {p} is registered but not documented" for m, p in sorted(registered - documented)]
    problems += [f"operation {m} {p} is documented but not registered" for m, p in sorted(documented - registered)]
    return problems


def examples_with_schemas(node, where):
    """(where, example, schema, is_example_object) for every example in the document: beside a
    schema (media types, parameters, headers: `example`, or `examples` of Example Objects) or inside
    a schema object (its own `example`)."""
    if isinstance(node, dict):
        schema = node.get("schema")
        beside = isinstance(schema, dict)
        if beside:
            if "example" in node:
                yield f"{where}/example", node["example"], schema, False
            for name, example in (node.get("examples") or {}).items():
                yield f"{where}/examples/{name}", example, schema, True
        elif "example" in node and any(k in node for k in ("type", "$ref", "oneOf", "allOf", "anyOf", "enum")):
            yield f"{where}/example", node["example"], {k: v for k, v in node.items() if k != "example"}, False
        for key, value in node.items():
            if key in ("examples", "example"):
                continue
            yield from examples_with_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from examples_with_schemas(value, f"{where}/{i}")


def resolve(document, value):
    """Follows a local $ref ("#/a/b") once or more; returns the target."""
    seen = 0
    while isinstance(value, dict) and "$ref" in value:
        ref = value["$ref"]
        if not ref.startswith("#/") or seen > 20:
            raise KeyError(ref)
        target = document
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        value, seen = target, seen + 1
    return value


def schema_validator(document, schema):
    """A validator of values against `schema`, a schema of the document: OpenAPI 3.0's schema
    objects are read as JSON Schema draft 4 (what they are based on), their local `$ref`s
    resolved in the document. Its own members (`format: binary`, `example`, ...) are annotations
    there and check nothing."""
    return jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver.from_schema(document))


def check_examples(document):
    """Problems of examples that do not validate against their schemas."""
    problems = []
    count = 0
    for where, example, schema, is_example_object in examples_with_schemas(document, "#"):
        value = example
        if is_example_object:
            try:
                example = resolve(document, example)
            except KeyError as e:
                problems.append(f"{where}: unresolvable $ref {e}")
                continue
            if not isinstance(example, dict) or "value" not in example:
                problems.append(f"{where}: an Example Object needs a `value` (externalValue is not checked here)")
                continue
            value = example["value"]
        for error in schema_validator(document, schema).iter_errors(value):
            at = "/".join(str(p) for p in error.absolute_path) or "(top)"
            problems.append(f"{where}: at {at}: {error.message[:300]}")
        count += 1
    if count == 0:
        problems.append("the document has no example to check")
    return problems


def check(document_path, source_path, schema_path=DEFAULT_SCHEMA):
    """Every problem found, as lines."""
    try:
        document = load_yaml(document_path)
    except (OSError, yaml.YAMLError) as e:
        return [f"{document_path}: cannot read it as YAML: {e}"]
    if not isinstance(document, dict):
        return [f"{document_path}: not a YAML map"]
    import json
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    source_text = Path(source_path).read_text(encoding="utf-8")
    return check_schema(document, schema) + check_routes(document, source_text) + check_examples(document)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    problems = check(*argv[1:])
    for p in problems:
        print(f"{argv[1]}: {p}")
    if problems:
        print(f"check_openapi: {len(problems)} problem(s)")
        return 1
    print(f"check_openapi: {argv[1]} is valid OpenAPI 3.0, documents exactly the routes of {argv[2]}, "
          "and every example fits its schema")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
