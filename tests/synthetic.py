"""Synthetic agencies: invented but consistent data files for benchmarks, tests and the sample project.

`write_agency` writes one agency's profile, opening balance and yearly figures and narrative; the figures
obey the format's rules (every channel at most the total, replies equal applications). `make_project`
builds a whole temporary project — the template and Makefile of an existing project plus N synthetic
agencies — and refuses to write into a folder that already holds anything, so `data/` of a real project is
never touched. Run `python -m nianbao.synthetic TARGET --agencies 50` to make one by hand.
"""

from __future__ import annotations

import argparse
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# What a project is made of besides its agencies (output/ is created empty).
SKELETON = ("notebooks", "Makefile", "pyproject.toml", "requirements.lock")
CATEGORIES = (
    "机构职能",
    "规划计划",
    "政策文件",
    "财政预决算",
    "人事信息",
    "重大建设项目",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "工作动态",
    "其它",
)
NARRATIVE = """<!-- 示例数据：{name} {year} 年报中由本机关撰写的文字（虚构）。 -->

# 概述

{year}年，{{{{ agency.self_reference }}}}按照全区政务公开工作安排，{focus}
全年主动公开政府信息{{{{ active.total }}}}条。

# 存在的主要问题

{problem}

# 改进措施

{improvement}

# 需要说明的其他情况

无。
"""
FOCUS = (
    "把群众关心的办事指南和政策文件放在公开工作的首位，",
    "梳理本单位的公开目录，按目录及时发布信息，",
    "在门户网站开设专栏，集中发布政策文件和解读材料，",
)
PROBLEMS = (
    "公开内容还不够全面，部分信息更新不及时。",
    "政策解读的形式比较单一，图解、问答等方式用得不多。",
    "工作人员多为兼职，业务培训还需加强。",
)
IMPROVEMENTS = (
    "下一步将完善公开目录，明确更新时限，落实专人负责。",
    "下一步将丰富解读形式，重要政策同步发布图文解读。",
    "下一步将组织业务培训，提高信息发布的及时性和规范性。",
)


def profile_text(slug: str, name: str, district: str, prefix: str) -> str:
    return f"""# 示例数据：虚构的机关，名称、地址、电话均为编造，仅用于演示和测试。
name: {name}
self_reference: 我单位
district: {district}
doc_prefix: {prefix}
website:
  name: {district}政府信息公开网（示例）
  url: http://www.example.gov.cn/{slug}/xxgk/
portal:
  name: {district}政府门户网站（示例）
  url: www.example.gov.cn
contact:
  office: {name}办公室
  address: {district}示例路1号
  phone: 0000—0000000
"""


def year_values(rng: random.Random) -> dict[str, Any]:
    """One year's typed figures: random, but every rule of the format holds."""
    names = sorted(rng.sample(range(len(CATEGORIES)), rng.randint(2, 5)))
    categories = {CATEGORIES[i]: rng.randint(1, 60) for i in names}
    total = sum(categories.values())
    apply = [rng.randint(0, 12) for _ in range(3)]
    received = sum(apply)
    granted = rng.randint(0, received)
    partial = rng.randint(0, received - granted)
    refused = rng.randint(0, received - granted - partial)
    return {
        "produced": total + rng.randint(0, 20),
        "electronic": rng.randint(total // 2, total),
        "website": total,
        "gazette": rng.randint(0, total // 4),
        "categories": categories,
        "visitors": rng.randint(0, 300),
        "calls": rng.randint(0, 400),
        "apply": apply,
        "reply": [granted, partial, refused, received - granted - partial - refused],
        "complaints": rng.randint(0, 2),
        "admin_review": rng.randint(0, 1),
        "litigation": rng.randint(0, 1),
        "fees": [rng.choice((0, 0, 0, 15, 40)), 0],
    }


def figures_text(year: int, v: dict[str, Any]) -> str:
    cats = "\n".join(f"    {name}: {count}" for name, count in v["categories"].items())
    apply, reply, fees = v["apply"], v["reply"], v["fees"]
    return f"""# 示例数据（虚构）：{year} 年度的数字。合计、累计、百分比由程序计算。
report:
  number: {1 + year % 7}
  date: {year + 1}-01-2{year % 8}

active:
  produced: {v["produced"]}
  electronic: {v["electronic"]}
  website: {v["website"]}
  gazette: {v["gazette"]}
  categories:
{cats}

interpretation:
  visitors: {v["visitors"]}
  calls: {v["calls"]}

apply:
  in_person: {apply[0]}
  online: {apply[1]}
  letter_fax: {apply[2]}

reply:
  granted: {reply[0]}
  partial: {reply[1]}
  refused: {reply[2]}
  other: {reply[3]}

complaints: {v["complaints"]}
admin_review: {v["admin_review"]}
litigation: {v["litigation"]}

fees:
  collected: {fees[0]}
  waived: {fees[1]}
"""


def opening_text(as_of: int, rng: random.Random) -> str:
    website = rng.randint(0, 400)
    gazette = rng.randint(0, 30)
    apply = [rng.randint(0, 20) for _ in range(3)]
    lines = {
        "active.total": website + gazette,
        "active.website": website,
        "active.gazette": gazette,
        "apply.in_person": apply[0],
        "apply.online": apply[1],
        "apply.letter_fax": apply[2],
        "reply.granted": sum(apply),
        "reply.partial": 0,
        "reply.refused": 0,
        "reply.other": 0,
        "complaints": 0,
        "admin_review": 0,
        "litigation": 0,
    }
    body = "\n".join(f"  {key}: {value}" for key, value in lines.items())
    return f"# 示例数据（虚构）：截至 {as_of} 年底的历年累计期初数。\nas_of: {as_of}\ncumulative:\n{body}\n"


def write_agency(
    root: Path,
    slug: str,
    name: str,
    years: Sequence[int],
    *,
    district: str = "示例区",
    prefix: str = "示",
    seed: int = 0,
) -> None:
    """Write one fictional agency into the project at `root`: profile, opening balance, every year."""
    rng = random.Random(f"{slug}:{seed}")
    (root / "params").mkdir(parents=True, exist_ok=True)
    (root / "params" / f"{slug}.yaml").write_text(
        profile_text(slug, name, district, prefix), encoding="utf-8"
    )
    folder = root / "data" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "opening.yaml").write_text(opening_text(min(years) - 1, rng), encoding="utf-8")
    for year in years:
        (folder / str(year)).mkdir(exist_ok=True)
        (folder / str(year) / "figures.yaml").write_text(
            figures_text(year, year_values(rng)), encoding="utf-8"
        )
        narrative = NARRATIVE.format(
            name=name,
            year=year,
            focus=rng.choice(FOCUS),
            problem=rng.choice(PROBLEMS),
            improvement=rng.choice(IMPROVEMENTS),
        )
        (folder / str(year) / "narrative.md").write_text(narrative, encoding="utf-8")


def make_project(target: Path, source: Path, agencies: int, years: Sequence[int] = (2017,)) -> Path:
    """A new project at `target`: `source`'s template and Makefile, and `agencies` synthetic agencies."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty: synthetic agencies go into a new folder only")
    target.mkdir(parents=True, exist_ok=True)
    for part in SKELETON:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        elif (source / part).is_file():
            shutil.copy2(source / part, target / part)
    (target / "output").mkdir()
    (target / "params").mkdir()
    (target / "data").mkdir()
    for n in range(1, agencies + 1):
        write_agency(target, f"synth{n:04d}", f"示例区第{n}合成局", years, seed=n)
    return target


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="write a temporary project with synthetic agencies")
    parser.add_argument("target", type=Path, help="a new, empty folder")
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--years", type=int, nargs="+", default=[2017])
    parser.add_argument("--source", type=Path, default=Path.cwd(), help="project to copy the template from")
    args = parser.parse_args(argv)
    make_project(args.target, args.source, args.agencies, args.years)


if __name__ == "__main__":
    main()
