"""A commented pairing file for a clerk to fill in (``docgen new pairing``)."""
from __future__ import annotations

import json


def _q(value: str) -> str:
    """A YAML scalar: empty quotes when not given, so validation says what is missing."""
    return json.dumps(value, ensure_ascii=False) if value else '""'


def pairing_skeleton(county: str = "", supporter: str = "", recipients: list[str] | None = None) -> str:
    recipients = recipients or [""]
    lines = [
        "# 结对文件：一个支援学校与它的受援学校（可以是多所）。",
        "# 填写说明：冒号后面留一个空格再写内容；缩进只能用空格，不能用 Tab。",
        "# 写完后运行 docgen validate 检查，错误会给出行号和字段。",
        "",
        f"county: {_q(county)}            # 县市区，跨县结对写成 靖安县/奉新县",
        'remark: ""            # 备注，可不写，如：县中跨县域结对帮扶',
        "",
        "supporter:            # 支援方：一所学校，或帮扶团队、高校、教研室等",
        f"  name: {_q(supporter)}",
        "  # kind: team         # 支援方是帮扶团队时写 team（没有公章，由团队负责人签字），单位写 institution",
        "  lead:               # 负责人（第一责任人）",
        '    name: ""',
        "    position: 校长",
        "",
        "recipients:           # 受援学校，一所一项，以“- ”开头",
    ]
    for name in recipients:
        lines += [f"  - name: {_q(name)}", "    lead:", '      name: ""', "      position: 校长"]
    lines += [
        "",
        "# signed_on: 2022-11-20        # 协议签订日期",
        "# key_target: 年度重点帮扶目标，一句话",
        "",
        "leader_pairs: []               # 校级领导结对（校长与校长、分管副校长与分管副校长），写法同中层干部结对",
        "",
        "middle_manager_pairs: []       # 中层干部结对，每项如下（去掉 # 号）：",
        "#  - supporter: {name: 张某某, position: 教务处主任}",
        "#    recipient: {name: 李某某, position: 教务处主任}",
        "#    recipient_school: 受援学校全称   # 有多所受援学校时必填",
        "",
        "group_pairs: []                # 学科教研组结对，每项如下：",
        "#  - subject: 语文",
        "#    supporter_lead: {name: 孙某某, position: 语文教研组长}",
        "#    recipient_lead: {name: 周某某, position: 语文教研组长}",
        "",
        "teacher_pairs: []              # 师徒结对，每项如下：",
        "#  - mentor: {name: 王某某, subject: 数学, title: 高级教师, position: 教研组长}",
        "#    mentee: {name: 赵某某, subject: 数学, title: 二级教师, position: 班主任}",
        "",
        "monthly_plan: []               # 月度计划，每项如下：",
        "#  - month: 2022-09",
        "#    items:",
        "#      - content: 管理指导",
        "#        work: 具体工作",
        "#        owner: 责任人",
        "#        deadline: 2022-09-30",
        "",
    ]
    return "\n".join(lines)
