# nianbao — 政府信息公开工作年度报告。`make` 或 `make help` 列出全部命令。
# The Makefile only wires targets to the CLI (src/nianbao/cli.py); the logic lives in the package.

# Which of AGENCY and YEAR were given (command line or environment), noted before the defaults below.
AGENCY_GIVEN := $(filter command line environment,$(origin AGENCY))
YEAR_GIVEN := $(filter command line environment,$(origin YEAR))
AGENCY ?= minzheng
YEAR ?= 2017
# A value is data, never code: `$(value …)` keeps make from expanding a `$(…)` in it, and recipes read it
# from the environment in double quotes ("$$NIANBAO_AGENCY"), after `--`, so no shell or option parser
# sees code. Exported under names of our own: an exported AGENCY or YEAR would reach every make that the
# tests start, as if given there (`make test` would restrict the tests' `make reports` to 2017).
# (A command-line variable would be exported, and expanded on the way, by make itself: hence the override
# to a simple variable, then unexport.)
override AGENCY := $(value AGENCY)
override YEAR := $(value YEAR)
override AGENCIES := $(value AGENCIES)
override FILE := $(value FILE)
unexport AGENCY YEAR AGENCIES FILE
export NIANBAO_AGENCY := $(value AGENCY)
export NIANBAO_YEAR := $(value YEAR)
export NIANBAO_AGENCIES := $(value AGENCIES)
export NIANBAO_FILE := $(value FILE)
PYTHON ?= python3
# The project's environment. Conda users: `make report VENV=$$CONDA_PREFIX` (see docs/dependencies.md).
VENV ?= .venv
# A virtualenv keeps its programs in Scripts/ on Windows (Git Bash), bin/ elsewhere.
BIN := $(VENV)/$(if $(filter Windows_NT,$(OS)),Scripts,bin)
# Two sets, two stamps: the clerk's commands need the runtime set only (requirements.lock); tests,
# linters, JupyterLab and the lock itself need the development set too (requirements-dev.lock, a superset
# with the same pins). A venv with the development set has both stamps, so it serves every target.
STAMP := $(VENV)/.nianbao-installed
DEV_STAMP := $(VENV)/.nianbao-dev-installed

.DEFAULT_GOAL := help
.PHONY: help setup report import check next-year reports summary index workbook workbooks collect bench test lint format lab sync sync-md lock golden clean

help: ## 列出所有命令 / list every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The environment is rebuilt whenever the pinned lock file or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nianbao 需要 Python 3.11 或更高版本 / needs Python >= 3.11, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "正在安装项目环境（首次约需 2–3 分钟，之后只在依赖变化时重装）/ installing the environment (first time: about 2–3 minutes)…"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name nianbao --display-name "nianbao" >/dev/null
	@touch $@

$(DEV_STAMP): requirements-dev.lock $(STAMP)
	@echo "正在安装开发工具（测试、检查、JupyterLab）/ installing the development set…"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

setup: $(STAMP) ## 建立项目环境（其他命令会自动调用）/ create the virtualenv from the lock file

report: $(STAMP) ## 生成一份报告：make report AGENCY=minzheng YEAR=2017
	@$(BIN)/nianbao report -- "$$NIANBAO_AGENCY" "$$NIANBAO_YEAR"

# FILE, AGENCY and YEAR are all required: the defaults above (minzheng 2017) are never a page's.
import: $(STAMP) ## 导入上一年度已发布的年报网页：make import FILE=2021年报.html AGENCY=shili YEAR=2021
	@test -n "$(AGENCY_GIVEN)" -a -n "$(YEAR_GIVEN)" -a -n "$$NIANBAO_FILE" || { echo "错误：请写明 FILE=（保存的网页）、AGENCY=（机关代号）和 YEAR=（网页所载的年度），如 make import FILE=2021年报.html AGENCY=shili YEAR=2021" >&2; exit 2; }
	@$(BIN)/nianbao import -- "$$NIANBAO_FILE" "$$NIANBAO_AGENCY" "$$NIANBAO_YEAR"

# Without AGENCY/YEAR on the command line, check validates every agency and year on file.
CHECK_ARGS = $(if $(AGENCY_GIVEN),--agency="$$NIANBAO_AGENCY") $(if $(YEAR_GIVEN),--year="$$NIANBAO_YEAR")
check: $(STAMP) ## 只校验数据不生成报告：make check（全部）或 make check AGENCY=minzheng YEAR=2017
	@$(BIN)/nianbao check $(CHECK_ARGS)

# Without AGENCY on the command line, next-year starts the next year of every agency; without YEAR,
# each agency's latest year on file + 1.
next-year: $(STAMP) ## 开始下一年度（结转的数字已填，其余待填）：make next-year [AGENCY=minzheng] [YEAR=2026]
	@$(BIN)/nianbao next-year $(if $(YEAR_GIVEN),--year="$$NIANBAO_YEAR") $(if $(AGENCY_GIVEN),-- "$$NIANBAO_AGENCY")

# `make reports` builds only what is stale, in parallel with `make -j N reports`: the CLI reads -jN from
# MAKEFLAGS and runs that many warm workers. YEAR is only passed on when given on the command line.
reports: $(STAMP) ## 生成所有过期的报告、汇总与索引页：make reports [YEAR=2017] [-j 2]
	@$(BIN)/nianbao reports $(if $(YEAR_GIVEN),-- "$$NIANBAO_YEAR")

summary: $(STAMP) ## 生成区（县）汇总报告：make summary YEAR=2017
	@$(BIN)/nianbao summary -- "$$NIANBAO_YEAR"

index: $(STAMP) ## 重新生成索引页 output/index.html
	@$(BIN)/nianbao index

workbook: $(STAMP) ## 生成填报表 output/workbooks/<机关>-<年度>.xlsx（数字）和 .docx（文字）：make workbook AGENCY=shili YEAR=2021
	@$(BIN)/nianbao workbook -- "$$NIANBAO_AGENCY" "$$NIANBAO_YEAR"

workbooks: $(STAMP) ## 为每个机关（和区县汇总）生成某年度的两种填报表：make workbooks YEAR=2026
	@$(BIN)/nianbao workbooks -- "$$NIANBAO_YEAR"

# DIR is a path given by the clerk: passed like AGENCY, as data in the environment, after `--`.
override DIR := $(value DIR)
unexport DIR
export NIANBAO_DIR := $(value DIR)
collect: $(STAMP) ## 把收回的填报表（.xlsx、.docx）按其中记录的机关和年度放入 data/（不改动人写的）：make collect DIR=收回的表格
	@test -n "$$NIANBAO_DIR" || { echo "错误：请指定文件夹：make collect DIR=<收回的填报表所在的文件夹>" >&2; exit 1; }
	@$(BIN)/nianbao collect -- "$$NIANBAO_DIR"

bench: $(DEV_STAMP) ## 批量生成的性能测试（约十分钟）/ benchmark the batch: make bench [AGENCIES=50]
	$(BIN)/python -m benchmarks.bench_batch --agencies="$${NIANBAO_AGENCIES:-50}"

# AGENCY and YEAR are exported to every recipe (see the top): the tests' own `make` calls would take
# them as given on the command line (`make check` would check minzheng 2017 only), so pytest runs without.
test: $(DEV_STAMP) ## 运行全部测试（含较慢的端到端测试）/ run the whole test suite
	$(BIN)/python -m pytest

lint: $(DEV_STAMP) ## 代码检查：ruff 与 mypy / lint, format check and type check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(DEV_STAMP) ## 自动格式化代码 / format the code with ruff
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

lab: $(DEV_STAMP) ## 用 JupyterLab 打开项目，编辑模板中的文字 / open JupyterLab on the project
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root) notebooks/annual_report.ipynb notebooks/district_summary.ipynb

# Each template (the report's and the district summary's) is two files that jupytext pairs
# (notebooks/jupytext.toml): the .md people edit and review, and the .ipynb papermill runs.
# `jupytext --sync` takes the cells from the newer file and keeps the .ipynb's cell ids; touching the .md
# first makes the direction the target's, not the files' dates (a checkout changes those). The .ipynb is
# written only if it changes (else the batch would rebuild every report).
TEMPLATES := notebooks/annual_report notebooks/district_summary
sync: $(STAMP) ## 编辑 .md 之后：按 notebooks/ 中的 .md 更新 .ipynb（报告和汇总报告的模板）/ rewrite the templates' .ipynb from their .md
	@for t in $(TEMPLATES); do test -f $$t.md || { echo "错误：找不到 $$t.md；运行 make sync-md 由 .ipynb 生成它" >&2; exit 1; }; done
	@for t in $(TEMPLATES); do touch $$t.md && $(BIN)/jupytext --sync $$t.md || exit 1; done

sync-md: $(STAMP) ## 在 JupyterLab 以外改了 .ipynb 之后：按 .ipynb 更新 .md / rewrite the templates' .md from their .ipynb
	@for t in $(TEMPLATES); do $(BIN)/jupytext --to md:myst $$t.ipynb || exit 1; done

# Both locks from pyproject.toml; each output file is read as preferences, so existing pins stay unless a
# requirement moved. The runtime set includes the build requirement (setuptools: `make setup` installs
# nianbao without build isolation, so offline); the development set is resolved within the runtime pins.
LOCK_FLAGS = --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock"
BUILD_REQUIRES = $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
lock: $(DEV_STAMP) ## 根据 pyproject.toml 重新生成两个锁定文件 / regenerate requirements.lock and requirements-dev.lock
	$(BUILD_REQUIRES) | $(BIN)/uv pip compile pyproject.toml - $(LOCK_FLAGS) -o requirements.lock
	$(BUILD_REQUIRES) | $(BIN)/uv pip compile pyproject.toml - --extra dev -c requirements.lock $(LOCK_FLAGS) -o requirements-dev.lock

golden: $(DEV_STAMP) ## 重新生成样例输出的哈希（改动有意改变输出时，并在提交说明中写明原因）/ regenerate tests/golden
	$(BIN)/python -m tests.golden

clean: ## 删除生成的报告（output/）/ delete generated reports
	rm -rf output/*/ output/index.html
