"""年度工作总结: a pairing's annual (or term) summary, counted from its activity records
against what the programme promised, as of a date, with the school's own words where it
wrote them. Every figure the generated text states comes from the same checks as the tables."""
from __future__ import annotations

import datetime as dt

from docxtpl import RichText

from ..activities.chart import activities_by_month
from ..activities.counting import (
    REACHED,
    YearCounts,
    as_of_for,
    as_of_words,
    count_pairing,
    indicator_progress,
    matches,
    pair_name,
    term_as_of,
    unstated_persons,
)
from ..activities.scoring import Scorecard, score
from ..activities.tally import brief, commitment_rows, short_list
from ..errors import given
from ..load.model.common import ACTIVITY_NAMES, Activity
from ..load.model.programme import Programme
from ..text import cn_date, cn_num, display_width, join, number, paren_ordinal
from . import signatures
from .scope import Scope
from .signers import pairing_signers
from .typography import KAI, Picture, split_title
from .wording import (
    basis_sentence,
    pairing_names,
    recipient_word,
    recipients_text,
    rubric_item,
    school_names,
    supporter_word,
)


def _chart(counts: YearCounts | None) -> Picture | None:
    """The year's chart, drawn when the summary is rendered; None without records."""
    if counts is None or not counts.records:
        return None
    return Picture(lambda: activities_by_month(counts))


LAYERS = (("leader_pairs", "校级领导"), ("middle_manager_pairs", "中层干部"), ("group_pairs", "学科教研组"),
          ("teacher_pairs", "师徒"))


def headcount(pairing, counts: YearCounts | None, first, last) -> str:
    """校级领导结对1对、师徒结对3对（王丽—刘小芳自2026年3月16日起，陈美玲—刘小芳至2026年3月15日）: the
    pairs of each layer that ran in the days reported on, with the dates of those that started or
    ended inside them."""
    out = []
    for field, noun in LAYERS:
        ran = [p for p in getattr(pairing, field) if (p.start is None or p.start <= last)
               and (p.end is None or p.end >= first)]
        if not ran:
            continue
        notes = []
        for p in ran:
            if p.start is not None and p.start > first:
                notes.append(f"{pair_name(p)}自{cn_date(p.start)}起")
            if p.end is not None and p.end < last:
                notes.append(f"{pair_name(p)}至{cn_date(p.end)}" + (f"（{p.reason}）" if p.reason else ""))
        out.append(f"{noun}结对{len(ran)}对" + (f"（{'，'.join(notes)}）" if notes else ""))
    return "、".join(out)


def _facts(counts: YearCounts, card: Scorecard | None, prog: Programme, rows: list[dict],
           where_flagged: str) -> list[str]:
    """The facts paragraph(s) of a summary, every figure from the counts and the table rows;
    ``where_flagged``: where the flagged records are listed (表2, or an annex)."""
    parts = []
    for kind, n in counts.by_type.most_common():
        text = f"{ACTIVITY_NAMES[kind]}{n}次"
        if kind == Activity.lesson_delivery:
            ids = [i for i in counts.counted if counts.records[i].type == kind]
            subjects = sorted({s for i in ids for s in counts.records[i].subjects})
            persons = sum(counts.records[i].person_count for i in ids)
            unstated = unstated_persons([counts.records[i] for i in ids])
            text += f"（涉及{join(subjects)}{len(subjects)}个学科、{persons}人次{'，' + unstated if unstated else ''}）" \
                if subjects else ""
        parts.append(text)
    since = as_of_words(counts)
    head = f"{since}，" if since else ""
    noun = "本学期" if counts.window.term else "本年度"
    first = f"{head}{noun}共记录帮扶活动{len(counts.records)}次，计入考核{len(counts.counted)}次"
    out = [first + (f"，其中{join(parts, '，')}。" if parts else "。")]
    if counts.later:
        out[0] += f"{cn_date(counts.as_of)}以后的{len(counts.later)}次活动记录未计入本总结。"
    kept: list[str] = []
    dropped: list[str] = []
    for items, word, counted in ((counts.late, "迟报", prog.count_late_records),
                                 (counts.unfiled, "未报备", prog.count_late_records),
                                 (counts.no_evidence, "缺少证明材料", False),
                                 (counts.pending_evidence, "证明材料待补", prog.count_pending_evidence)):
        if items:
            (kept if counted else dropped).append(f"{word}{len(items)}次")
    said = []
    if dropped:
        said.append(join(dropped) + ("（均不计入完成数）" if len(dropped) > 1 else "（不计入完成数）"))
    if kept:
        said.append(join(kept) + "（按方案规定计入完成数）")
    if said:
        out.append(f"另有{'，'.join(said)}，明细见{where_flagged}。")
    judged = [r for r in rows if r["behind"] or r["met"] or r["open"]]
    unmet = [r for r in judged if r["behind"]]
    running = [r for r in judged if r["open"]]
    done = len(judged) - len(unmet) - len(running)
    if judged:
        text = f"对照承诺事项，{len(judged)}项中完成{done}项"
        if unmet:
            text += f"，未完成{len(unmet)}项：" + _unmet_list(unmet)
        if running:
            reached = sum(1 for r in running if r["state"] == REACHED)
            text += (f"{'；' if unmet else '，'}进行中{len(running)}项" + (f"（其中{reached}项已达到要求，到期的年度再计为完成）"
                                                                        if reached else "")
                     + "：" + "；".join(f"{r['period']}{r['item']}" for r in running))
        out.append(text + ("，全部完成。" if not unmet and not running else "。"))
    if counts.unperiodic:
        out.append("方案未规定周期的事项（" + "、".join(c.what for c in counts.unperiodic) + "）只列出记录次数，不作完成与否的统计。")
    checked, unchecked = indicator_progress(prog, counts)
    if checked:
        out.append("对照阶段目标的指标：" + "；".join(_indicator(year, ind, done) for year, ind, done in checked) + "。")
    if unchecked:
        out.append("以下指标无法由活动记录核对，需另行核实：" + "；".join(
            f"{year}年{_target(ind)}" for year, ind in unchecked) + "。")
    if card:
        text = f"按考核细则自评，已评定的{len(card.items) - len(card.pending)}项合计{number(card.total)}分"
        if card.pending:
            text += f"，另有{len(card.pending)}项待评定"
        elif card.grade:
            text += f"，等次为“{card.grade}”"
        out.append(text + "。")
    return out


MET = {"≥": lambda d, t: d >= t, ">": lambda d, t: d > t, "≤": lambda d, t: d <= t, "<": lambda d, t: d < t,
       "": lambda d, t: d >= t}


def _target(ind) -> str:
    return f"{ind.school}{ind.name}{ind.comparator}{number(ind.target)}{ind.unit}"


def _indicator(year: int, ind, done: float) -> str:
    """{year}年目标罗山中学市级精品课8节，本年度记录5节（未达到）."""
    reached = MET[ind.comparator](done, ind.target)
    return f"{year}年目标{_target(ind)}，本年度记录{number(done)}{ind.unit}（{'已达到' if reached else '未达到'}）"


LISTED = 12
"""The most unmet rows the text names one by one; more are named by commitment, with how many."""


def _unmet_list(unmet: list[dict]) -> str:
    """The rows behind, each with its tally — or, when there are many, each commitment with the
    number of its rows behind (the table shows them all)."""
    if len(unmet) <= LISTED:
        return "；".join(_unmet(r) for r in unmet)
    groups: dict[str, list[dict]] = {}
    for r in unmet:
        groups.setdefault(r["commitment"], []).append(r)
    return "；".join(f"{_name(g[0])}{len(g)}项" for g in groups.values()) + "（逐项情况见表1）"


def _name(row: dict) -> str:
    """The commitment a row is about, without its pair: 师徒交流（听课）."""
    pair = row.get("pair")
    return row["item"].removesuffix(f"（{pair_name(pair)}）") if pair is not None else row["item"]


def _unmet(row: dict) -> str:
    if row.get("due"):
        return f"{row['item']}（{row['period']}，{row['tally']}）"
    return f"{row['period']}{row['item']}"


def _label(scope: Scope) -> str:
    return scope.term.short_label if scope.term else given(scope.year, "a year (Per.year)").label


def summary(scope: Scope) -> dict:
    prog = scope.programme
    pairing, year = given(scope.pairing, "a pairing (Per.year)"), given(scope.year, "a year (Per.year)")
    pairing_id, cycle = given(pairing.id, "a loaded pairing's id"), given(pairing.cycle, "a loaded pairing's cycle")
    text = next((s for s in pairing.summaries if str(s.year) == year.key), None) if scope.term is None else None
    log = scope.loaded.activity_log(pairing_id, year.key)
    label = _label(scope)
    names = pairing_names(pairing)
    counts = count_pairing(scope.loaded, pairing, year, _as_of(scope), scope.term) if log else None
    first, last = (counts.window.start, min(counts.window.end, counts.as_of)) if counts else (year.start, year.end)
    overview = [text.overview] if text and text.overview else []
    people = []
    if len(cycle.cycle_years) > 1 and scope.term is None:
        people.append(f"本年度是帮扶周期的第{cn_num(year.index)}年。")
    crew = headcount(pairing, counts, first, last)
    parties = "结对双方" if len(pairing.recipients) == 1 else "结对各方"  # 双方 is two
    people.append(f"{parties}为{supporter_word(pairing, prog)}{pairing.supporter.name}和{recipient_word(prog)}"
                  f"{recipients_text(pairing)}"
                  + (f"，{crew}" if crew else "") + "。")
    overview.append("".join(people))
    card = score(prog, counts, log) if counts and prog.rubric and prog.rubric.self_assessment else None
    rows = commitment_rows(counts.checks) if counts else []
    rows += [{"period": "未规定", "item": f"{c.what}", "required": "—", "done": f"记录{n}次", "met": False,
              "behind": False, "open": False, "state": "—", "missed": []}
             for c, n in _unperiodic(counts)] if counts else []

    source = f"pairings/{pairing_id}.yaml 中 summaries 的 {year.key} 年度"
    gaps: list[str] = []
    if log is None:
        gaps.append(f"本年度活动记录（activities/{year.key}/{pairing_id}.yaml）")
    derived = _derived(counts, pairing, rows) if counts else {}
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
                    f"（activities/{year.key}/{pairing_id}.yaml 中 scores）")
    for f in (counts.pending_evidence if counts else []):
        gaps.append(f"证明材料：{cn_date(f.record.date)}{ACTIVITY_NAMES[f.record.type]}的"
                    f"{'、'.join(f.record.evidence_described)}（activities/{year.key}/{pairing_id}.yaml 中该记录的 evidence，"
                    "补齐后把文字说明换成文件路径）")
    since = as_of_words(counts) if counts else ""
    flagged, labels = _flagged(counts), _labels(card, rows, counts)
    return {
        "title_lines": split_title(f"{names}{label}结对帮扶工作总结", keep=school_names(pairing)),
        "lead": [f"{basis_sentence(prog)}，现将{label}结对帮扶工作情况总结如下："],
        "overview": overview,
        "facts": _facts(counts, card, prog, rows, labels["flagged"] if flagged["flagged_annex"] else "表2")
        if counts else [],
        "as_of": f"（{since}）" if since else "",
        "commitment_rows": [{**r, "status": r["state"]} for r in rows],
        **flagged,
        "chart": _chart(counts),
        "rubric_rows": [{"no": s.item.no, "title": rubric_item(s.item), "points": number(s.item.points),
                         "score": "待评" if s.score is None else number(s.score), "reason": s.reason}  # (None: pending)
                        for s in card.items] if card else [],
        "annex_rows": (annex := _annex(card, rows)),
        "annex_items": any(r["item"] for r in annex),  # a 细则序号 column only where the rubric numbers them
        "annex_labels": labels,
        "rubric_total": _rubric_total(card) if card else "",
        "parts": parts,
        "signature": signatures.joint(pairing_signers(scope), cn_date(text.date if text else None, blank=True)),
        "gaps": gaps,
    }


FLAGGED_IN_BODY = 10
"""The most flagged records the body's 表2 lists; more go to an annex of their own."""


def _flagged(counts: YearCounts | None) -> dict:
    """表2 (or, when long, an annex) of records late, unfiled or without evidence."""
    rows = [{"date": cn_date(f.record.date), "type": ACTIVITY_NAMES[f.record.type], "description": f.record.description,
             "why": f.why} for f in counts.flagged] if counts else []
    long = len(rows) > FLAGGED_IN_BODY
    return {"flagged_rows": [] if long else rows, "flagged_annex": rows if long else []}


def _labels(card: Scorecard | None, rows: list[dict], counts: YearCounts | None) -> dict:
    """附表 when the summary has one annex, 附表1 and 附表2 when it has two."""
    both = bool(_annex(card, rows)) and len(counts.flagged if counts else []) > FLAGGED_IN_BODY
    return {"detail": "附表1" if both else "附表", "flagged": "附表2" if both else "附表"}


def _annex(card: Scorecard | None, rows: list[dict]) -> list[dict]:
    """The annex: each rubric item's commitments pair by pair (where the programme asks for a
    self-assessment), and every commitment whose missed periods are too many for the table,
    with all of them."""
    out = [d for s in card.items for d in s.details] if card else []
    listed = {d["subject"] for d in out}
    out += [{"item": "", "subject": r["item"], "period": r["period"], "required": r["required"], "tally": r["tally"],
             "missed": short_list(r["missed"]), "commitment": r["commitment"]}
            for r in rows if r.get("long") and r["item"] not in listed]
    return out


def _rubric_total(card: Scorecard) -> str:
    text = f"已评定的{len(card.items) - len(card.pending)}项合计{number(card.total)}分（基本分{number(card.base)}分"
    text += (f"，加分{number(card.bonus)}分" if card.bonus else "") + "）"
    if card.pending:
        return text + f"；另有{len(card.pending)}项待评定。"
    return text + (f"，等次：{card.grade}。" if card.grade else "。")


def _unperiodic(counts: YearCounts) -> list[tuple]:
    return [(c, sum(1 for i in counts.counted if matches(c, counts.records[i]))) for c in counts.unperiodic]


def _derived(counts: YearCounts, pairing, rows: list[dict]) -> dict[str, list[str]]:
    """What the records say for each section the school has not written (a draft for it),
    from the same counts and rows as the tables."""
    since = as_of_words(counts)
    noun = since if since else "本学期" if counts.window.term else "本年度"
    achievements = [f"{noun}开展{ACTIVITY_NAMES[k]}{n}次。" for k, n in counts.by_type.most_common()]
    if pairing.key_target:
        achievements.append(f"围绕年度重点帮扶目标“{pairing.key_target.rstrip('。')}”开展帮扶。")
    behind = [r for r in rows if r["behind"]]
    if len(behind) <= LISTED:
        problems = [f"{r['period']}{r['item']}" + (f"有{brief(r['missed'])}未达到{r['required']}的要求。"
                                                   if r.get("due") else f"完成{r['done']}，未达到{r['required']}的要求。")
                    for r in behind]
    else:
        groups: dict[str, list[dict]] = {}
        for r in behind:
            groups.setdefault(r["commitment"], []).append(r)
        problems = [f"{_name(g[0])}有{len(g)}项未达到{g[0]['period'] if g[0].get('due') else ''}{g[0]['required']}的要求"
                    "（见表1）。" for g in groups.values()]
    if counts.late or counts.unfiled:
        problems.append(f"有{len(counts.late) + len(counts.unfiled)}次活动未在规定时限内报备"
                        + ("，不计入完成数。" if not pairing_counts_late(counts) else "。"))
    if counts.no_evidence:
        problems.append(f"有{len(counts.no_evidence)}次活动缺少证明材料。")
    if counts.pending_evidence:
        problems.append(f"有{len(counts.pending_evidence)}次活动的证明材料待补。")
    first = next((r for r in rows if r["behind"]), None)
    next_steps = [f"补齐{first['item']}等未完成事项。"] if first else []
    return {"achievements": achievements, "problems": problems, "next_steps": next_steps}


def pairing_counts_late(counts: YearCounts) -> bool:
    return any(f.index in counts.counted for f in [*counts.late, *counts.unfiled])


LEAD = 24
"""The longest lead sentence of an item that is set as its heading."""


def numbered_items(items: list[str]) -> list[dict]:
    """Items of a section: one stands alone; several are numbered （一）（二）… with the number
    and the item's lead sentence in 楷体 (GB/T 9704 7.3.3: second-level headings). An item that
    is its lead sentence alone reads as a heading, so it keeps with what follows (``keep``):
    never last on a page."""
    if len(items) < 2:
        return [{"text": RichText(item), "keep": False} for item in items]
    out = []
    for n, item in enumerate(items, 1):
        lead, dot, rest = item.partition("。")
        rich = RichText()
        keep = False
        if dot and rest.strip() and display_width(lead) <= LEAD:
            rich.add(f"{paren_ordinal(n)}{lead}。", font=KAI)
            rich.add(rest)
        elif display_width(item) <= LEAD:
            rich.add(f"{paren_ordinal(n)}{item}", font=KAI)
            keep = True
        else:
            rich.add(paren_ordinal(n), font=KAI)
            rich.add(item)
        out.append({"text": rich, "keep": keep})
    return out


def _as_of(scope: Scope) -> dt.date:
    """The day a summary counts to: the day asked for, else (for a year) the day it is signed,
    else today (or the last day of its year or term, once that is over)."""
    if scope.term is not None:
        return term_as_of(given(scope.year, "a year (Per.year)"), scope.term, scope.as_of)
    return as_of_for(given(scope.pairing, "a pairing (Per.year)"), given(scope.year, "a year (Per.year)"), scope.as_of)


def counted_to(scope: Scope) -> str:
    """The day a summary counts to (and its term): part of what it is made from."""
    return f"as-of {_as_of(scope).isoformat()}" + (f" term {scope.term.key}" if scope.term else "")
