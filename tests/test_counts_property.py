"""The counts, checked independently: generated programmes, pairs and records, the summary
built from them, and every "N…中M…达到", every missed list and every state recomputed by a
separate, naive count (day by day, period by period, written here without docgen's counting);
the roll-up must say the same as the summary for every pairing and year — here and for every
example in data/."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.activities.rollup import rollup
from docgen.documents import summary as summary_module
from docgen.documents.scope import Scope
from docgen.documents.summary import summary
from docgen.load import Loaded, load_programme
from docgen.load.model.activity import ActivityLog
from docgen.load.model.pairing import Pairing
from docgen.load.model.programme import Programme
from tests.helpers import DATA

DAY = dt.timedelta(days=1)
SHORT = {"week": "周", "month": "个月", "quarter": "个季度"}
ORGANISER = {"observation_visit": "recipient", "joint_research": "both", "joint_meeting": "both",
             "mentor_exchange": "both"}
"""Who organises an activity when a record does not say (as the records' schema documents it)."""
MENTORS = [("甲老师", "乙老师"), ("丙老师", "丁老师"), ("戊老师", "乙老师")]


# ------------------------------------------------------------------ the naive count

def month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + m - 1 + n
    return k // 12, k % 12 + 1


def naive_periods(per: str, start: dt.date, end: dt.date, basis: str) -> list[tuple[str, dt.date, dt.date]]:
    """Every period of ``per`` wholly inside start..end, with the name a reader is given."""
    out = []
    years = range(start.year - 1, end.year + 2)
    if per == "week":
        day = start
        while day + 6 * DAY <= end:
            if day.weekday() == 0:
                out.append(("", day, day + 6 * DAY))
            day += DAY
    elif per == "month":
        out = [("", dt.date(y, m, 1), month_end(y, m)) for y in years for m in range(1, 13)]
    elif per == "quarter":
        firsts = (9, 12, 3, 6) if basis == "school" else (1, 4, 7, 10)
        for y in years:
            for m in firsts:
                y2, m2 = add_months(y, m, 2)
                out.append(("", dt.date(y, m, 1), month_end(y2, m2)))
    elif per == "term":
        for y in years:
            if basis == "school":
                out += [(f"{y}年秋季学期", dt.date(y, 9, 1), dt.date(y + 1, 3, 1) - DAY),
                        (f"{y + 1}年春季学期", dt.date(y + 1, 3, 1), dt.date(y + 1, 8, 31))]
            else:
                out += [(f"{y}年春季学期", dt.date(y, 3, 1), dt.date(y, 8, 31)),
                        (f"{y}年秋季学期", dt.date(y, 9, 1), dt.date(y, 12, 31))]
    elif per == "school_year":
        out = [(f"{y}—{y + 1}学年", dt.date(y, 9, 1), dt.date(y + 1, 8, 31)) for y in years]
    elif per == "year":
        out = [(f"{y}年", dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years]
    elif per == "cycle":
        out = [("帮扶周期内", start, end)]
    return sorted({p for p in out if start <= p[1] and p[2] <= end}, key=lambda p: p[1])


def naive_counts(prog: dict, r: dict, as_of: dt.date) -> bool:
    """Whether one record counts at all: filed in time (or late ones count), evidence in (or
    described evidence counts), and done by the as-of day."""
    if r["date"] > as_of:
        return False
    filed = r.get("filed_on")
    limit = prog.get("report_within_days")
    in_time = filed is not None and (limit is None or (filed - r["date"]).days <= limit)
    if not in_time and not prog.get("count_late_records"):
        return False
    evidence = r.get("evidence", [])
    if not evidence:
        return False
    described = [e for e in evidence if not ("/" in e or re.search(r"\.[A-Za-z0-9]{1,5}$", e))]
    return not described or prog.get("count_pending_evidence", False)


def naive_matches(c: dict, r: dict) -> bool:
    if r["type"] != c["activity"] or (c.get("tag") and r.get("tag", "") != c["tag"]):
        return False
    by = r.get("by") or ORGANISER.get(r["type"], "supporter")
    return c["by"] == "both" or by in (c["by"], "both")


def runs_on(pair: dict, day: dt.date) -> bool:
    return (pair.get("start") is None or pair["start"] <= day) and (pair.get("end") is None or day <= pair["end"])


def naive_checks(prog: dict, pairing: dict, records: list[dict], cycle: tuple, window: tuple, as_of: dt.date) -> dict:
    """(subject, period name or "", start, end) -> (done, required, state) for every check
    the window reports: periods ending in it (short ones only once ended), and long ones still
    open at the as-of day if that day is in it."""
    c_start, c_end, basis = cycle
    w_start, w_end = window
    out = {}
    for c in prog["commitments"]:
        if c.get("per") is None:
            continue
        per_teachers = c.get("layer") == "teachers" or (c.get("layer") is None and c["activity"] == "mentor_exchange")
        pairs = (pairing.get("teacher_pairs") if per_teachers else None) or [None]
        for label, a, b in naive_periods(c["per"], c_start, c_end, basis):
            if a > min(w_end, as_of) or b < w_start:
                continue
            if c["per"] in SHORT:
                shown = w_start <= b <= min(w_end, as_of)
            else:
                shown = w_start <= b <= w_end or (b > as_of and w_start <= as_of <= w_end)
            if not shown:
                continue
            for pair in pairs:
                if pair is not None and not (runs_on(pair, a) and runs_on(pair, b)):
                    continue
                done = 0
                for r in records:
                    if not (a <= r["date"] <= b and naive_counts(prog, r, as_of) and naive_matches(c, r)):
                        continue
                    if pair is not None and not (r.get("mentor") == pair["mentor"]["name"]
                                                 and r.get("mentee", pair["mentee"]["name"]) == pair["mentee"]["name"]
                                                 and runs_on(pair, r["date"])):
                        continue
                    done += 1
                name = c["what"]  # the programme's own name for the duty
                if pair is not None:
                    name += f"（{pair['mentor']['name']}—{pair['mentee']['name']}）"
                if b > w_end:  # ends in a later year: counted there, shown here as in progress
                    state = "已达到" if done >= c["times"] else "进行中"
                else:
                    state = "完成" if done >= c["times"] else ("进行中" if b > as_of else "未完成")
                out[(c["id"], name, label if c["per"] not in SHORT else "", a, b)] = (done, c["times"], state, c["per"])
    return out


# ------------------------------------------------------------------ reading the summary

DATE = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"


def parse_missed(text: str, per: str) -> set[tuple[dt.date, dt.date]]:
    """The periods a missed list names: 2025年12月29日—2026年2月22日（8周）、4月6日—12日, 2026年1月—2月（2个月）、8月."""
    out: set[tuple[dt.date, dt.date]] = set()
    year, month = None, None
    for item in text.split("、"):
        item = re.sub(r"（\d+(?:周|个月|个季度)）$", "", item)
        ends = item.split("—")
        points = []
        for part in ends:
            m = re.fullmatch(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})日)?", part)
            assert m and part, (text, part)
            year = int(m.group(1)) if m.group(1) else year
            month = int(m.group(2)) if m.group(2) else month
            points.append((year, month, int(m.group(3)) if m.group(3) else None))
        first, last = points[0], points[-1]
        a = dt.date(first[0], first[1], first[2] or 1)
        b = dt.date(last[0], last[1], last[2]) if last[2] else month_end(last[0], last[1])
        if per == "quarter" and len(points) == 1:
            raise AssertionError(f"a quarter is named by its months: {item}")
        step = {"week": 7}.get(per)
        day = a
        while day <= b:  # split the run back into its periods
            if per == "week":
                out.add((day, day + 6 * DAY))
                day += step * DAY
            else:
                n = 1 if per == "month" else 3
                y2, m2 = add_months(day.year, day.month, n - 1)
                out.add((day, month_end(y2, m2)))
                y3, m3 = add_months(day.year, day.month, n)
                day = dt.date(y3, m3, 1)
    return out


def check_summary(ctx: dict, expected: dict, n_records: int, n_counted: int,
                  skip: frozenset = frozenset()) -> dict[str, tuple[int, int]]:
    """Every figure of the summary against the naive count; returns, per commitment, the
    (met, due) the summary states, for the roll-up to agree with. Commitments in ``skip`` are
    counted by measures the naive count does not redo."""
    rows = [r for r in ctx["commitment_rows"] if r["period"] != "未规定"]
    assert f"共记录帮扶活动{n_records}次，计入考核{n_counted}次" in ctx["facts"][0], ctx["facts"][0]
    folded: dict[str, list] = {}
    long: dict[tuple[str, str], tuple] = {}
    for (cid, name, label, a, b), value in expected.items():
        if value[3] in SHORT:
            folded.setdefault((cid, name), []).append(((a, b), value))
        else:
            long[(cid, name, label)] = value
    stated: dict[str, tuple[int, int]] = {}
    seen = set()
    behind = running = 0
    for row in rows:
        if row["commitment"] in skip:
            behind += row["status"] == "未完成"
            running += row["status"] in ("进行中", "已达到")
            continue
        if row.get("due") is not None:  # folded: N周中M周达到；未达到：…
            checks = folded.get((row["commitment"], row["item"]))
            assert checks, (row["item"], list(folded))
            per = checks[0][1][3]
            unit = SHORT[per]
            m = re.fullmatch(rf"(\d+){unit}中(\d+){unit}达到(?:；未达到：(.+))?", row["done"])
            assert m, row["done"]
            met, due = int(m.group(2)), int(m.group(1))
            naive_met = sum(1 for _, v in checks if v[0] >= v[1])
            assert (due, met) == (len(checks), naive_met), (row["item"], row["done"], len(checks), naive_met)
            missed = {span for span, v in checks if v[0] < v[1]}
            listed = m.group(3)
            more = re.fullmatch(r"(\d+)段，见附表", listed or "")
            if more:  # too many for the cell: the annex lists them all
                annexed = [a for a in ctx["annex_rows"] if (a["commitment"], a["subject"]) == (row["commitment"], row["item"])]
                assert len(annexed) == 1, (row["item"], ctx["annex_rows"])
                listed = annexed[0]["missed"]
                assert len(listed.split("、")) == int(more.group(1))
            assert (parse_missed(listed, per) if listed else set()) == missed, (row["done"], listed, sorted(missed))
            assert row["status"] == ("未完成" if missed else "完成")
            behind += bool(missed)
            seen.add((row["commitment"], row["item"]))
        else:
            value = long.pop((row["commitment"], row["item"], row["period"]), None)
            assert value is not None, (row["item"], row["period"], sorted(long))
            done, need, state, _ = value
            assert row["done"] == f"{done}次" and row["required"] in (f"≥{need}次", f"{need}次"), (row, value)
            assert row["status"] == state, (row["item"], row["period"], row["status"], value)
            behind += state == "未完成"
            running += state in ("进行中", "已达到")
            met, due = (1, 1) if state == "完成" else ((0, 1) if state == "未完成" else (0, 0))
        was = stated.get(row["commitment"], (0, 0))
        stated[row["commitment"]] = (was[0] + met, was[1] + due)
    assert set(folded) == seen, (set(folded), seen)
    assert not long, f"checks the summary does not show: {sorted(long)}"
    sentence = next((f for f in ctx["facts"] if f.startswith("对照承诺事项")), "")
    if rows:
        total, done = re.match(r"对照承诺事项，(\d+)项中完成(\d+)项", sentence).groups()
        assert (int(total), int(done)) == (len(rows), len(rows) - behind - running), sentence
        assert (f"未完成{behind}项" in sentence) == bool(behind) and (f"进行中{running}项" in sentence) == bool(running)
    else:
        assert not sentence
    return stated


# ------------------------------------------------------------------ generated programmes

CYCLES = [(dt.date(2024, 9, 1), "school"), (dt.date(2020, 3, 1), "calendar"), (dt.date(2023, 1, 1), "calendar"),
          (dt.date(2022, 10, 17), "school")]
PERIODS = ["week", "month", "quarter", "term", "school_year", "year", "cycle", None]
KINDS = ["lesson_delivery", "mentor_exchange", "observation_visit"]


@st.composite
def programmes(draw):
    start, basis = draw(st.sampled_from(CYCLES))
    years = draw(st.integers(1, 2))
    commitments = []
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(KINDS))
        c = {"id": f"c{i}", "activity": kind, "by": draw(st.sampled_from(["supporter", "recipient", "both"])),
             "per": draw(st.sampled_from(PERIODS)), "what": f"事项{i}", "times": draw(st.integers(1, 3)),
             "exact": draw(st.booleans())}
        if kind == "mentor_exchange" and draw(st.booleans()):
            c["layer"] = "teachers"
        if kind == "observation_visit" and draw(st.booleans()):
            c["tag"] = draw(st.sampled_from(["干部", "教师"]))
        commitments.append({k: v for k, v in c.items() if v is not None})
    prog = {"title": "生成的方案", "bureau": {"name": "示例县教育局"},
            "cycle": {"start": start, "years": years, "basis": basis}, "commitments": commitments,
            "report_within_days": draw(st.sampled_from([None, 3, 7])), "count_late_records": draw(st.booleans()),
            "count_pending_evidence": draw(st.booleans())}
    cycle_end = Programme.model_validate(prog).cycle.end
    days = (cycle_end - start).days

    def day(lo: int = 0):
        return start + dt.timedelta(days=draw(st.integers(lo, days)))

    pairs = []
    for mentor, mentee in MENTORS[:draw(st.integers(0, 3))]:
        pair = {"mentor": {"name": mentor}, "mentee": {"name": mentee}}
        if draw(st.booleans()):
            pair["start"] = day()
        if draw(st.booleans()):
            pair["end"] = day((pair["start"] - start).days if "start" in pair else 0)
        pairs.append(pair)
    records = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.sampled_from(KINDS))
        date = day()
        r = {"date": date, "type": kind, "description": "活动"}
        if draw(st.booleans()):
            r["by"] = draw(st.sampled_from(["supporter", "recipient", "both"]))
        if kind == "observation_visit" and draw(st.booleans()):
            r["tag"] = draw(st.sampled_from(["干部", "教师"]))
        if kind == "mentor_exchange":
            if not pairs:
                continue
            pair = draw(st.sampled_from(pairs))
            if not runs_on(pair, date):
                continue  # a record outside its pair's dates is an input error, tested elsewhere
            r["mentor"] = pair["mentor"]["name"]
            if draw(st.booleans()):
                r["mentee"] = pair["mentee"]["name"]
        lag = draw(st.sampled_from([None, 0, 2, 5, 10]))
        if lag is not None:
            r["filed_on"] = date + dt.timedelta(days=lag)
        r["evidence"] = draw(st.sampled_from([[], ["evidence/a.jpg"], ["照片3张"], ["evidence/a.jpg", "签到表"]]))
        records.append(r)
    pairing = {"id": "p1", "county": "示例县", "supporter": {"name": "甲校"}, "recipients": [{"name": "乙校"}],
               "teacher_pairs": pairs}
    as_of = start + dt.timedelta(days=draw(st.integers(-10, days + 60)))
    term = draw(st.booleans())
    return prog, pairing, records, as_of, term


def loaded_of(prog: dict, pairing: dict, records: list[dict]) -> Loaded:
    programme = Programme.model_validate(prog)
    p = Pairing.model_validate(pairing)
    p.cycle = programme.cycle
    loaded = Loaded(Path("/nonexistent"), programme, [p])
    for year in programme.cycle.cycle_years:
        mine = [r for r in records if year.contains(r["date"])]
        if mine:
            loaded.activities[("p1", year.key)] = ActivityLog.model_validate({"records": mine})
    return loaded


@pytest.fixture(autouse=True)
def no_chart(monkeypatch):
    monkeypatch.setattr(summary_module, "activities_by_month", lambda counts: None)


@pytest.mark.slow  # 150 generated programmes
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                                   HealthCheck.function_scoped_fixture])
@given(programmes())
def test_summary_counts_agree_with_a_naive_count_and_the_roll_up(case):
    prog, pairing_data, records, as_of, by_term = case
    loaded = loaded_of(prog, pairing_data, records)
    pairing = loaded.pairings[0]
    cycle = loaded.programme.cycle
    for year in cycle.cycle_years:
        windows = [(None, year.start, year.end)]
        if by_term:
            windows = [(t, a, b) for t, a, b in year.term_spans]
        for term, w_start, w_end in windows:
            if loaded.activity_log("p1", year.key) is None:
                continue
            ctx = summary(Scope(loaded, pairing=pairing, year=year, as_of=as_of, term=term))
            expected = naive_checks(prog, pairing_data, records, (cycle.start, cycle.end, cycle.basis.value),
                                    (w_start, w_end), as_of)
            in_window = [r for r in records if w_start <= r["date"] <= min(w_end, as_of)]
            counted = [r for r in in_window if naive_counts(prog, r, as_of)]
            stated = check_summary(ctx, expected, len(in_window), len(counted))
            data = rollup(loaded, year.key, as_of, term.key if term else None)
            row = data.rows[0]
            assert (row.records, row.counted) == (len(in_window), len(counted))
            for cid, (met, due) in row.completion.items():
                assert stated.get(cid, (0, 0)) == (met, due), (cid, stated.get(cid), (met, due))


# ------------------------------------------------------------------ the examples

EXAMPLES = sorted(p.name for p in DATA.iterdir() if (p / "programme.yaml").is_file())


def plain(value):
    """A model dump with enums as their values: what the naive count reads."""
    if isinstance(value, dict):
        return {k.value if hasattr(k, "value") else k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.value if hasattr(value, "value") and not isinstance(value, dt.date) else value


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_summary_agrees_with_the_naive_count_and_the_roll_up(name):
    loaded = load_programme(DATA / name)
    assert loaded.problems == []
    prog, skip = _naive_scope(plain(loaded.programme.model_dump(mode="python")))
    seen = 0
    for pairing in loaded.pairings:
        records = [plain(r.model_dump(mode="python", exclude_defaults=True))
                   for (pid, _), lg in sorted(loaded.activities.items()) if pid == pairing.id for r in lg.records]
        pairing_data = plain(pairing.model_dump(mode="python"))
        for year in pairing.cycle.cycle_years:
            if loaded.activity_log(pairing.id, year.key) is None:
                continue
            seen += 1
            text = next((s for s in pairing.summaries if str(s.year) == year.key), None)
            as_of = text.date if text and text.date else dt.date.today()
            ctx = summary(Scope(loaded, pairing=pairing, year=year))
            expected = naive_checks(prog, pairing_data, records,
                                    (pairing.cycle.start, pairing.cycle.end, pairing.cycle.basis.value),
                                    (year.start, year.end), as_of)
            in_year = [r for r in records if year.start <= r["date"] <= min(year.end, as_of)]
            counted = [r for r in in_year if naive_counts(prog, r, as_of)]
            stated = check_summary(ctx, expected, len(in_year), len(counted), skip)
            row = next(r for r in rollup(loaded, year.key, as_of).rows if r.pairing_id == pairing.id)
            assert (row.records, row.counted) == (len(in_year), len(counted))
            for cid, (met, due) in row.completion.items():
                if cid not in skip:
                    assert stated.get(cid, (0, 0)) == (met, due), (pairing.id, cid)
    assert seen or name not in ("gaotai-2020", "sichuan-2025")


def _naive_scope(prog: dict) -> tuple[dict, frozenset]:
    """The examples' commitments the naive count redoes (counted by times, for the pairing or per
    teacher pair), and the ids of the others (other layers' pairs, people, days, subjects)."""
    out, skip = [], set()
    for c in prog["commitments"]:
        c = dict(c)
        if c.get("layer") is None and c["activity"] == "mentor_exchange":
            c["layer"] = "teachers"
        if c.get("layer") not in (None, "teachers") or any(c.get(k) for k in ("subjects", "people", "days",
                                                                               "person_times")):
            skip.add(c["id"])
            c["per"] = None
        c["times"] = c.get("times") or 1
        out.append(c)
    return {**prog, "commitments": out}, frozenset(skip)
