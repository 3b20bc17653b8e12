"""The generator behind the GitHub property tests is faithful to the description it was given."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import given, settings

from tests.properties.openapi import KEYWORDS, body, schema, subset
from tests.properties.profile import examples


def keywords(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for sub in value.values():
                    keywords(sub, found)
            else:
                found.add(key)
                keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            keywords(item, found)
    return found


def test_the_vendored_description_names_its_source_and_uses_only_keywords_the_generator_knows():
    source = subset()["source"]
    assert source["package"] == "@octokit/openapi" and source["version"]
    for name, endpoint in subset()["endpoints"].items():
        assert keywords(endpoint["schema"], set()) <= KEYWORDS, name


@pytest.mark.parametrize("name", sorted(subset()["endpoints"]))
def test_bodies_as_documented_validate_against_the_description(name):
    validator = jsonschema.Draft202012Validator(schema(name))

    @settings(max_examples=examples(0.1))
    @given(body(name))
    def check(drawn):
        errors = [e.message[:200] for e in validator.iter_errors(drawn)]
        assert not errors, errors

    check()
