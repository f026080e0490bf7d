"""年度工作总结: a pairing's annual summary, counted from its activity records against what
the programme promised, with the school's own words where it wrote them."""
from __future__ import annotations

from ..activities.chart import activities_by_month
from ..activities.counting import YearCounts, count
from ..activities.scoring import Scorecard, score
from ..load.model.common import ACTIVITY_NAMES, Activity
from ..load.model.programme import Programme
from ..text import cn_date, cn_num, join, number
from .scope import Scope
from .typography import Picture, split_title
from .wording import basis_sentence, pairing_names, recipients_text, signer_rows


def _chart(counts: YearCounts | None) -> Picture | None:
    png = activities_by_month(counts) if counts else None
    return Picture(png) if png else None


def _facts(counts: YearCounts, card: Scorecard | None, prog: Programme) -> list[str]:
    """The facts paragraph(s) of a summary, written from the counts."""
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
    out = [f"本年度共记录帮扶活动{total}次，计入考核{len(counts.counted)}次，其中{join(parts, '，')}。"]
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
    met = sum(1 for c in counts.checks if c.met)
    out.append(f"对照承诺事项，{len(counts.checks)}项次中完成{met}项次"
               + (f"，未完成{len(counts.checks) - met}项次：" + join([f"{c.period}{c.subject}" for c in counts.unmet], "；")
                  if counts.unmet else "，全部完成") + "。")
    if card:
        out.append(f"按考核细则自评得分{number(card.total)}分（基本分{number(card.base)}分"
                   + (f"，加分{number(card.bonus)}分" if card.bonus else "") + f"），等次为“{card.grade}”"
                   + (f"；其中{len(card.pending)}项需人工评定，尚未评分" if card.pending else "") + "。")
    return out


def summary(scope: Scope) -> dict:
    prog, pairing, year = scope.programme, scope.pairing, scope.year
    text = next((s for s in pairing.summaries if str(s.year) == year.key), None)
    log = scope.loaded.activity_log(pairing.id, year.key)
    names = pairing_names(pairing)
    overview = [text.overview] if text and text.overview else []
    people = [f"本年度是帮扶周期的第{cn_num(year.index)}年（{cn_date(year.start)}至{cn_date(year.end)}）。"
              f"结对双方为支援学校{pairing.supporter.name}和受援学校{recipients_text(pairing)}"]
    headcount = []
    if pairing.middle_manager_pairs:
        headcount.append(f"中层干部结对{len(pairing.middle_manager_pairs)}对")
    if pairing.teacher_pairs:
        headcount.append(f"师徒结对{len(pairing.teacher_pairs)}对")
    people[0] += ("，" + "、".join(headcount) if headcount else "") + "。"
    overview += people
    counts = count(prog, pairing, year, log) if log else None
    card = score(prog, counts, log) if counts else None

    def section(values: list[str], draft: list[str]) -> dict:
        return {"paragraphs": values, "draft": False} if values else {"paragraphs": draft, "draft": True}

    planned = sorted({it.content for m in pairing.monthly_plan for it in m.items
                      if year.start.strftime("%Y-%m") <= m.month <= year.end.strftime("%Y-%m")})
    if counts:
        done = counts.by_type
        draft_achievements = [f"全年开展{ACTIVITY_NAMES[k]}{n}次。" for k, n in done.most_common()]
        draft_problems = [f"{c.period}{c.subject}完成{c.done_text()}，未达到{c.required_text()}的要求。" for c in counts.unmet]
        if counts.late or counts.unfiled:
            draft_problems.append(f"有{len(counts.late) + len(counts.unfiled)}次活动未在规定时限内报备，按规定不计入完成数。")
        if counts.no_evidence:
            draft_problems.append(f"有{len(counts.no_evidence)}次活动缺少证明材料。")
        draft_problems = draft_problems or ["各项承诺均已完成，帮扶成效的总结提炼还需加强。"]
        draft_next = ([f"补齐{c.subject}等未完成事项，确保每学期达到承诺次数。" for c in counts.unmet[:1]]
                      + ["活动结束后按时报备并留存证明材料。"])
    else:
        draft_achievements = [f"按照结对帮扶协议开展了{join(planned)}等活动。" if planned else "按照结对帮扶协议开展了帮扶活动。"]
        draft_problems = ["帮扶活动的过程资料和成效总结有待进一步完善。"]
        draft_next = ["对照协议和考核细则查漏补缺，按计划完成下一年度帮扶任务。"]
    if pairing.key_target:
        draft_achievements.append(f"围绕年度重点帮扶目标“{pairing.key_target.rstrip('。')}”推进帮扶工作。")
    flagged = sorted([*counts.late, *counts.unfiled, *counts.no_evidence], key=lambda f: (f.record.date, f.index)) if counts else []
    return {
        "title_lines": split_title(f"{names}{year.label}结对帮扶工作总结"),
        "lead": [f"{year.label}，{basis_sentence(prog)}，结对双方按照协议扎实开展帮扶工作。现将有关情况总结如下："],
        "overview": overview,
        "facts": _facts(counts, card, prog) if counts else [],
        "commitment_rows": [{"period": c.period, "item": c.subject, "required": c.required_text(), "done": c.done_text(),
                             "status": "完成" if c.met else "未完成"} for c in counts.checks] if counts else [],
        "flagged_rows": [{"date": cn_date(f.record.date), "type": ACTIVITY_NAMES[f.record.type],
                          "description": f.record.description, "why": f.why} for f in flagged],
        "chart": _chart(counts),
        "rubric_rows": [{"no": s.item.no, "title": s.item.title, "points": number(s.item.points) + ("（加分）" if s.item.bonus else ""),
                         "score": "待评" if s.pending else number(s.score), "reason": s.reason} for s in card.items] if card else [],
        "rubric_total": (f"合计{number(card.total)}分（基本分{number(card.base)}分，加分{number(card.bonus)}分），等次：{card.grade}。"
                         + (f"另有{len(card.pending)}项待人工评定。" if card.pending else "")) if card else "",
        "achievements": section(list(text.achievements) if text else [], draft_achievements),
        "problems": section(list(text.problems) if text else [], draft_problems),
        "next_steps": section(list(text.next_steps) if text else [], draft_next),
        "signer_rows": signer_rows([pairing.supporter.name] + [r.name for r in pairing.recipients]),
        "date": text.date if text else None,
    }
