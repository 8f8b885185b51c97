"""MCP tools become OpenAI ``tools`` the API accepts, and results become ``tool`` messages that
stay small whatever a server returns."""

from __future__ import annotations

import json
import re

import pytest

from nebula_desktop.tools.convert import (
    MAX_FUNCTION_NAME,
    MAX_RESULT_CHARS,
    MAX_TOOLS,
    build_catalog,
    denied_message,
    parse_arguments,
    result_attachments,
    tool_message,
)
from nebula_desktop.tools.errors import BadArguments
from nebula_desktop.tools.model import ToolImage, ToolResult, ToolSpec

VALID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _spec(server: str, name: str, **kw: object) -> ToolSpec:
    schema = kw.pop("schema", {"type": "object", "properties": {"q": {"type": "string"}}})
    return ToolSpec(server_id=server, name=name, input_schema=schema, **kw)  # type: ignore[arg-type]


def test_function_names_are_valid_unique_and_map_back_to_their_server() -> None:
    long_tool = "get_" + "very_" * 30 + "long_name"
    specs = [
        ("GitHub", [_spec("github", "search"), _spec("github", "search.code")]),
        (
            "Files",
            [_spec("files", "search"), _spec("files", "read file"), _spec("files", long_tool)],
        ),
        ("Files 2", [_spec("files", "read_file"), _spec("files-2", "x" * 200)]),
    ]
    catalog = build_catalog(specs)
    names = [t["function"]["name"] for t in catalog.tools]
    assert names[:2] == ["github__search", "github__search_code"]
    assert len(set(names)) == len(names) == 7
    assert all(VALID.match(n) and len(n) <= MAX_FUNCTION_NAME for n in names), names
    pairs = [catalog.lookup(n) for n in names]
    assert pairs == [
        ("github", "search"),
        ("github", "search.code"),
        ("files", "search"),
        ("files", "read file"),
        ("files", long_tool),
        ("files", "read_file"),
        ("files-2", "x" * 200),
    ]
    # "read file" and "read_file" would both be files__read_file: the second gets a hash.
    assert names[3] == "files__read_file" and names[5].startswith("files__read_file_")
    assert catalog.lookup("no_such_function") is None
    first = catalog.tools[0]
    assert first["type"] == "function"
    assert first["function"]["description"].startswith("[GitHub] ")
    assert first["function"]["parameters"]["properties"] == {"q": {"type": "string"}}


def test_schemas_the_api_would_refuse_are_replaced_and_the_tool_count_is_capped() -> None:
    huge = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(5000)}}
    specs = [
        _spec("s", "no_type", schema={"properties": {"a": {"type": "integer"}}}),
        _spec("s", "huge", schema=huge),
        *[_spec("s", f"t{i}") for i in range(MAX_TOOLS + 5)],
    ]
    catalog = build_catalog([("Server", specs)])
    assert len(catalog.tools) == MAX_TOOLS
    assert catalog.tools[0]["function"]["parameters"]["type"] == "object"
    assert catalog.tools[0]["function"]["parameters"]["properties"] == {"a": {"type": "integer"}}
    assert catalog.tools[1]["function"]["parameters"] == {"type": "object", "properties": {}}
    assert catalog.notices == [
        "The tool huge of “Server” is offered without its parameters: its input schema is "
        "too large.",
        f"7 tools were left out: a request can offer at most {MAX_TOOLS} tools.",
    ]
    assert len(json.dumps(catalog.tools)) < 200_000


def test_a_long_result_is_cut_with_a_line_saying_what_was_cut() -> None:
    text = "".join(f"line {i}\n" for i in range(40_000))  # ~310 K characters
    result = ToolResult("files", "read", text=text, cut_chars=1000)
    message = tool_message("call_1", result)
    assert message["role"] == "tool" and message["tool_call_id"] == "call_1"
    body, _, last = message["content"].rpartition("\n")
    assert body == text[:MAX_RESULT_CHARS]
    cut = len(text) - MAX_RESULT_CHARS + 1000
    assert last == (
        f"[… cut: {cut:,} more characters of this tool's output were not sent "
        f"({len(text) + 1000:,} in all)]"
    )
    short = tool_message("call_2", ToolResult("files", "read", text="hello"))
    assert short["content"] == "hello"


def test_images_stay_for_the_user_and_the_model_is_told() -> None:
    image = ToolImage("image/png", "iVBORw0KGgo" * 300)
    result = ToolResult("box", "picture", images=[image], size=image.size)
    assert tool_message("c", result)["content"] == (
        f"[image 1: image/png, {image.size * 1 // 1024} KB, shown to the user]"
    )
    [attachment] = result_attachments(result)
    assert attachment == {
        "name": "picture-1.png",
        "mime": "image/png",
        "data": image.data,
        "width": 0,
        "height": 0,
    }


def test_failures_read_as_errors_to_the_model() -> None:
    failed = ToolResult("box", "boom", text="the tool failed", is_error=True)
    assert tool_message("c", failed)["content"] == "Error: the tool failed"
    empty = ToolResult("box", "quiet")
    assert tool_message("c", empty)["content"] == "(the tool returned nothing)"
    assert denied_message("c")["content"].startswith("Error: the user denied this tool call.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", {}), (None, {}), ('{"q": "x", "n": 2}', {"q": "x", "n": 2})],
)
def test_arguments_from_the_model_are_read(text: str | None, expected: dict[str, object]) -> None:
    assert parse_arguments(text) == expected


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ('{"q": ', "The tool arguments are not valid JSON"),
        ("[1, 2]", "The tool arguments must be a JSON object."),
        ("[" * 100_000, "The tool arguments are not valid JSON"),
        ('{"a": "' + "x" * 1_100_000 + '"}', "The tool arguments are too large"),
    ],
)
def test_bad_arguments_from_the_model_get_a_sentence(text: str, sentence: str) -> None:
    with pytest.raises(BadArguments) as info:
        parse_arguments(text)
    assert str(info.value).startswith(sentence)
