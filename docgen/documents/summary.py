"""年度工作总结: a pairing's annual summary, counted from its activity records against what
the programme promised, with the school's own words where it wrote them."""
from __future__ import annotations

from docxtpl import RichText

from ..activities.chart import activities_by_month
from ..activities.counting import Check, YearCounts, count, indicator_progress
from ..activities.scoring import Scorecard, score
from ..load.model.common import ACTIVITY_NAMES, PERIOD_NAMES, Activity, Period
from ..load.model.programme import Programme
from ..text import cn_date, cn_num, display_width, join, number, paren_ordinal
from . import signatures
from .scope import Scope
from .signers import pairing_signers
from .typography import KAI, Picture, split_title
from .wording import basis_sentence, pairing_names, recipients_text, rubric_item, school_names


def _chart(counts: YearCounts | None) -> Picture | None:
    png = activities_by_month(counts) if counts else None
    return Picture(png) if png else None


LAYERS = (("leader_pairs", "校级领导"), ("middle_manager_pairs", "中层干部"), ("group_pairs", "学科教研组"),
          ("teacher_pairs", "师徒"))
UNIT = {Period.week: "周", Period.month: "个月", Period.quarter: "个季度"}


def commitment_rows(checks: list[Check]) -> list[dict]:
    """One row per check; checks made week by week, month by month or quarter by quarter are
    folded into one row per commitment: periods met of periods due, naming the ones missed."""
    rows: list[dict] = []
    folded: dict[tuple[str, str], dict] = {}
    for c in checks:
        if not c.folds:
            rows.append({"period": c.period, "item": c.subject, "required": c.required_text(), "done": c.done_text(),
                         "met": c.met, "missed": []})
            continue
        key = (c.commitment.id, c.subject)
        if key not in folded:
            folded[key] = {"period": PERIOD_NAMES[c.commitment.per], "item": c.subject, "required": c.required_text(),
                           "met": True, "missed": [], "due": 0, "unit": UNIT[c.commitment.per]}
            rows.append(folded[key])
        row = folded[key]
        row["due"] += 1
        if not c.met:
            row["met"] = False
            row.setdefault("spans", []).append((c.period, c.span))
    for row in folded.values():
        row["missed"] = runs(row.pop("spans", []), row["unit"])
        done = row["due"] - len(row["missed"])
        row["tally"] = f"{row['due']}{row['unit']}中{done}{row['unit']}达到"
        row["done"] = row["tally"] + (
            f"；未达到：{short_list(row['missed'])}" if row["missed"] else "")
    return rows


def runs(missed: list[tuple[str, tuple]], unit: str) -> list[str]:
    """Missed periods, consecutive ones joined: 2026年1月5日—2月22日（7周）, or the one period's name."""
    groups: list[list[tuple[str, tuple]]] = []
    for label, span in missed:
        if groups and span and groups[-1][-1][1] and (span[0] - groups[-1][-1][1][1]).days == 1:
            groups[-1].append((label, span))
        else:
            groups.append([(label, span)])
    out = []
    for group in groups:
        if len(group) == 1:
            out.append(group[0][0])
            continue
        start, end = group[0][1][0], group[-1][1][1]
        tail = f"{end.month}月{end.day}日" if unit == "周" else f"{end.month}月"
        head = f"{start.year}年{start.month}月" + (f"{start.day}日" if unit == "周" else "")
        if end.year != start.year:
            tail = f"{end.year}年{tail}"
        out.append(f"{head}—{tail}（{len(group)}{unit}）")
    return out


def short_list(periods: list[str]) -> str:
    """2023年1月、2月、8月: a year is written once for the months that follow it in that year."""
    out, year = [], None
    for p in periods:
        head, sep, rest = p.partition("年")
        if sep and head == year and rest[:1].isdigit():
            out.append(rest)
        else:
            out.append(p)
        year = head if sep else None
    return "、".join(out)


def _facts(counts: YearCounts, card: Scorecard | None, prog: Programme, cutoff: tuple | None = None) -> list[str]:
    """The facts paragraph(s) of a summary, written from the counts; ``cutoff`` is the
    summary's date and the number of records after it, which it does not count."""
    by_type = counts.by_type
    parts = []
    for kind, n in by_type.most_common():
        text = f"{ACTIVITY_NAMES[kind]}{n}次"
        if kind == Activity.lesson_delivery:
            ids = [i for i in counts.counted if counts.records[i].type == kind]
            subjects = sorted({s for i in ids for s in counts.records[i].subjects})
            persons = sum(counts.records[i].person_count for i in ids)
            text += f"（涉及{join(subjects)}{len(subjects)}个学科、{persons}人次）" if subjects else ""
        parts.append(text)
    total = len(counts.records)
    since = f"截至{cn_date(cutoff[0])}，" if cutoff else ""
    out = [f"{since}本年度共记录帮扶活动{total}次，计入考核{len(counts.counted)}次，其中{join(parts, '，')}。"]
    if cutoff and cutoff[1]:
        out[0] += f"落款日期之后的{cutoff[1]}次活动不在本总结统计之内。"
    flagged = []
    if counts.late:
        flagged.append(f"迟报{len(counts.late)}次")
    if counts.unfiled:
        flagged.append(f"未报备{len(counts.unfiled)}次")
    if counts.no_evidence:
        flagged.append(f"缺少证明材料{len(counts.no_evidence)}次")
    if flagged:
        rule = "（按规定不计入完成数）" if not prog.count_late_records else ""
        out.append(f"另有{join(flagged, '、')}{rule}，明细见表2。")
    rows = commitment_rows(counts.checks)
    unmet = [r for r in rows if not r["met"]]
    out.append(f"对照承诺事项，{len(rows)}项中完成{len(rows) - len(unmet)}项"
               + (f"，未完成{len(unmet)}项：" + join([_unmet(r) for r in unmet], "；") if unmet else "，全部完成") + "。")
    progress = indicator_progress(prog, counts)
    if progress:
        out.append("对照阶段目标的指标：" + "；".join(_indicator(year, ind, done) for year, ind, done in progress) + "。")
    if card:
        out.append(f"按考核细则自评得分{number(card.total)}分（基本分{number(card.base)}分"
                   + (f"，加分{number(card.bonus)}分" if card.bonus else "") + f"），等次为“{card.grade}”"
                   + (f"；其中{len(card.pending)}项需人工评定，尚未评分" if card.pending else "") + "。")
    return out


MET = {"≥": lambda d, t: d >= t, ">": lambda d, t: d > t, "≤": lambda d, t: d <= t, "<": lambda d, t: d < t,
       "": lambda d, t: d >= t}


def _indicator(year: int, ind, done: float) -> str:
    """{year}年目标罗山中学市级精品课8节，本年度记录5节（未达到）."""
    reached = MET[ind.comparator](done, ind.target)
    return (f"{year}年目标{ind.school}{ind.name}{ind.comparator}{number(ind.target)}{ind.unit}，"
            f"本年度记录{number(done)}{ind.unit}（{'已达到' if reached else '未达到'}）")


def _unmet(row: dict) -> str:
    if row.get("due"):
        return f"{row['item']}（{row['period']}，{row['tally']}）"
    return f"{row['period']}{row['item']}"


def summary(scope: Scope) -> dict:
    prog, pairing, year = scope.programme, scope.pairing, scope.year
    text = next((s for s in pairing.summaries if str(s.year) == year.key), None)
    log = scope.loaded.activity_log(pairing.id, year.key)
    names = pairing_names(pairing)
    overview = [text.overview] if text and text.overview else []
    people = [f"本年度是帮扶周期的第{cn_num(year.index)}年（{cn_date(year.start)}至{cn_date(year.end)}）。"
              f"结对双方为支援学校{pairing.supporter.name}和受援学校{recipients_text(pairing)}"]
    headcount = [f"{noun}结对{len(getattr(pairing, field))}对" for field, noun in LAYERS if getattr(pairing, field)]
    people[0] += ("，" + "、".join(headcount) if headcount else "") + "。"
    overview += people
    cutoff = None
    if log and text and text.date:  # a summary counts what was done by the day it is signed
        later = [r for r in log.records if r.date > text.date]
        log = log.model_copy(update={"records": [r for r in log.records if r.date <= text.date]})
        cutoff = (text.date, len(later))
    counts = count(prog, pairing, year, log, until=text.date if text else None) if log else None
    card = score(prog, counts, log) if counts else None

    source = f"pairings/{pairing.id}.yaml 中 summaries 的 {year.key} 年度"
    gaps: list[str] = []
    if log is None:
        gaps.append(f"本年度活动记录（activities/{year.key}/{pairing.id}.yaml）")
    derived = _derived(counts, pairing) if counts else {}
    parts = []
    for key, title in (("achievements", "主要做法与成效"), ("problems", "存在问题"), ("next_steps", "下一步打算")):
        written = list(getattr(text, key)) if text else []
        if written:
            parts.append({"title": title, "note": "", "paragraphs": numbered_items(written)})
            continue
        gaps.append(f"{title}（{source} {key}）")
        drafted = derived.get(key, [])
        note = "【草稿：以下内容由活动记录生成，请学校核对、修改后写入结对文件。】" if drafted else "【待填写：本部分由学校填写。】"
        parts.append({"title": title, "note": note, "paragraphs": numbered_items(drafted)})
    if not (text and text.date):
        gaps.append(f"落款日期（{source} date）")
    for pending in (card.pending if card else []):
        gaps.append(f"考核细则第{pending.item.no}项“{pending.item.title}”的评分"
                    f"（activities/{year.key}/{pairing.id}.yaml 中 scores）")
    flagged = sorted([*counts.late, *counts.unfiled, *counts.no_evidence], key=lambda f: (f.record.date, f.index)) if counts else []
    return {
        "title_lines": split_title(f"{names}{year.label}结对帮扶工作总结", keep=school_names(pairing)),
        "lead": [f"{year.label}，{basis_sentence(prog)}，结对双方按照协议扎实开展帮扶工作。现将有关情况总结如下："],
        "overview": overview,
        "facts": _facts(counts, card, prog, cutoff) if counts else [],
        "commitment_rows": [{**r, "status": "完成" if r["met"] else "未完成"}
                            for r in commitment_rows(counts.checks)] if counts else [],
        "flagged_rows": [{"date": cn_date(f.record.date), "type": ACTIVITY_NAMES[f.record.type],
                          "description": f.record.description, "why": f.why} for f in flagged],
        "chart": _chart(counts),
        "rubric_rows": [{"no": s.item.no, "title": rubric_item(s.item),
                         "points": number(s.item.points),
                         "score": "待评" if s.pending else number(s.score), "reason": s.reason} for s in card.items] if card else [],
        "rubric_total": (f"合计{number(card.total)}分（基本分{number(card.base)}分，加分{number(card.bonus)}分），等次：{card.grade}。"
                         + (f"另有{len(card.pending)}项待人工评定。" if card.pending else "")) if card else "",
        "parts": parts,
        "signature": signatures.joint(pairing_signers(scope), cn_date(text.date if text else None, blank=True)),
        "gaps": gaps,
    }


def _derived(counts: YearCounts, pairing) -> dict[str, list[str]]:
    """What the records say for each section the school has not written (a draft for it)."""
    achievements = [f"全年开展{ACTIVITY_NAMES[k]}{n}次。" for k, n in counts.by_type.most_common()]
    if pairing.key_target:
        achievements.append(f"围绕年度重点帮扶目标“{pairing.key_target.rstrip('。')}”开展帮扶。")
    problems = [f"{r['period']}{r['item']}" + (f"有{short_list(r['missed'])}未达到{r['required']}的要求。" if r.get("due")
                else f"完成{r['done']}，未达到{r['required']}的要求。")
                for r in commitment_rows(counts.checks) if not r["met"]]
    if counts.late or counts.unfiled:
        problems.append(f"有{len(counts.late) + len(counts.unfiled)}次活动未在规定时限内报备，按规定不计入完成数。")
    if counts.no_evidence:
        problems.append(f"有{len(counts.no_evidence)}次活动缺少证明材料。")
    next_steps = [f"补齐{c.subject}等未完成事项。" for c in counts.unmet[:1]]
    return {"achievements": achievements, "problems": problems, "next_steps": next_steps}


LEAD = 24
"""The longest lead sentence of an item that is set as its heading."""


def numbered_items(items: list[str]) -> list:
    """Items of a section: one stands alone; several are numbered （一）（二）… with the number
    and the item's lead sentence in 楷体 (GB/T 9704 7.3.3: second-level headings)."""
    if len(items) < 2:
        return [RichText(item) for item in items]
    out = []
    for n, item in enumerate(items, 1):
        lead, dot, rest = item.partition("。")
        rich = RichText()
        if dot and rest and display_width(lead) <= LEAD:
            rich.add(f"{paren_ordinal(n)}{lead}。", font=KAI)
            rich.add(rest)
        elif display_width(item) <= LEAD:
            rich.add(f"{paren_ordinal(n)}{item}", font=KAI)
        else:
            rich.add(paren_ordinal(n), font=KAI)
            rich.add(item)
        out.append(rich)
    return out
