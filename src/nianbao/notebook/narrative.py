"""Narrative: the agency's prose and the template's wording, with placeholders filled from the figures.

Markdown cells of the template and the agency's `narrative.md` may contain named placeholders such as
`{{ active.total }}` (and simple `{% if %}` conditions and `{% for %}` loops). They are filled from
`Figures.context()` in the placeholder sandbox (`sandbox.py`), where an unknown name is an error, never an
empty string, and every value is HTML-escaped where it is inserted. This module renders one text and
numbers the sections; `placeholders.FillPlaceholders` fills a whole notebook with it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from nianbao.errors import TemplateError, did_you_mean
from nianbao.figures import numbers
from nianbao.figures.absent import AbsentFigureError
from nianbao.formats import ReportFormat
from nianbao.notebook import sandbox

SECTION_HEADING = re.compile(r"^#{1,6}\s.*\{\{\s*sections\.([A-Za-z_]\w*)\s*\}\}", re.MULTILINE)


def render(source: str, context: Mapping[str, Any], where: str) -> str:
    """Fill the placeholders of one of the template's Markdown cells (its own HTML is kept)."""
    return _render(source, context, where, literal_is_data=False)


def render_prose(source: str, context: Mapping[str, Any], where: str) -> Markup:
    """Fill the placeholders of an agency's (or the district's) prose: data, so HTML typed in it is
    escaped like every value, and the result is safe to put into a template cell as it is."""
    return Markup(_render(source, context, where, literal_is_data=True))


def _render(source: str, context: Mapping[str, Any], where: str, literal_is_data: bool) -> str:
    with _placeholder_errors(where):
        return sandbox.render(source, context, literal_is_data)


def check_written(source: str, where: str) -> None:
    """An agency's prose with its placeholders written as the sandbox allows, before any figure is known
    (`make collect` checks a narrative from a Word form so, before placing it): what `render_prose`
    would refuse for how a placeholder is written, refused the same way; names are checked at build."""
    with _placeholder_errors(where):
        sandbox.compiled(source, literal_is_data=True)


@contextlib.contextmanager
def _placeholder_errors(where: str) -> Iterator[None]:
    """A placeholder's fault as one message naming `where`."""
    try:
        yield
    except jinja2.UndefinedError as err:
        raise TemplateError(f"占位符无法填写：{_undefined(err.message or '')}", path=where) from err
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(f"占位符写法错误（第 {err.lineno} 行）：{err.message}", path=where) from err
    except (sandbox.PlaceholderError, AbsentFigureError) as err:
        raise TemplateError(f"占位符无法填写：{err}", path=where) from err
    except SecurityError as err:
        raise TemplateError(
            "占位符只能引用数字和文字（如 {{ active.total }}），可用 {% if %} 和 {% for %}，"
            "不能调用方法、赋值或访问内部属性",
            path=where,
        ) from err
    except jinja2.TemplateError as err:
        raise TemplateError(f"占位符无法填写：{err.message}", path=where) from err
    except (ArithmeticError, TypeError, ValueError) as err:  # e.g. {{ a / 0 }} or {{ name + 1 }}
        raise TemplateError(f"占位符中的计算无法进行：{err}", path=where) from err
    except RecursionError as err:
        raise TemplateError("占位符嵌套得太深", path=where) from err


def _undefined(message: str) -> str:
    # Jinja says "'dict object' has no attribute 'totl'": keep the name, drop the Python words.
    match = re.search(r"attribute '([^']+)'|'([^']+)' is undefined|no element (\S+)", message)
    name = next((group for group in match.groups() if group), None) if match else None
    return f"没有名为 {name} 的数字或文字" if name else message


def rendered_sections(cells: list[str], fmt: ReportFormat, where: str) -> list[str]:
    """The section ids whose headings the template actually renders, in order of appearance."""
    known = [section.id for section in fmt.sections]
    found: list[str] = []
    for source in cells:
        for section_id in SECTION_HEADING.findall(source):
            if section_id not in known:
                raise TemplateError(
                    f"模板中的 {{{{ sections.{section_id} }}}} 不是格式 {fmt.id} 的部分"
                    f"{did_you_mean(section_id, known)}；可用的部分：{'、'.join(known)}",
                    path=where,
                )
            if section_id in found:
                raise TemplateError(f"部分 sections.{section_id} 的标题在模板中出现了两次", path=where)
            found.append(section_id)
    return found


def section_context(section_ids: list[str], fmt: ReportFormat) -> dict[str, Any]:
    """Numbered headings (一、概述) and the introduction's list of parts, from the rendered sections."""
    labels = [fmt.section(section_id).label for section_id in section_ids]
    return {
        "sections": {
            section_id: f"{numbers.chinese(i)}、{label}"
            for i, (section_id, label) in enumerate(zip(section_ids, labels, strict=True), start=1)
        },
        "parts": "，".join(labels),
        "part_count": numbers.chinese(len(labels)),
    }


def subheads(fmt: ReportFormat, prose: Mapping[str, Markup]) -> dict[str, list[dict[str, Any]]]:
    """The agency's parts that are sub-heads of a section (the five of 一、总体情况), numbered （一）…,
    by section id, so the template lists them in the format's order with the format's headings."""
    result: dict[str, list[dict[str, str]]] = {}
    for spec in fmt.prose:
        if spec.part_of is not None:
            parts = result.setdefault(spec.part_of, [])
            parts.append(
                {"number": numbers.chinese(len(parts) + 1), "heading": spec.heading, "text": prose[spec.id]}
            )
    return result


def heading(fmt: ReportFormat, part_id: str) -> str:
    """The heading of the agency's part `part_id` in its narrative file (as in messages)."""
    return next(spec.heading for spec in fmt.prose if spec.id == part_id)
