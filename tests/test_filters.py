import datetime as dt

import pytest

from docgen.documents.typography import split_title
from docgen.text import center_over, cn_date, cn_num, display_width, number, ordinal, paren, paren_ordinal, school_year


def test_dates_have_no_zero_padding():
    assert cn_date(dt.date(2022, 11, 30)) == "2022年11月30日"
    assert cn_date(dt.date(2025, 9, 1)) == "2025年9月1日"
    assert cn_date(None) == "" and "年" in cn_date(None, blank=True)


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (100, "一百"),
                                    (105, "一百零五"), (110, "一百一十"), (0, "零")])
def test_chinese_numbers(n, text):
    assert cn_num(n) == text


def test_ordinals_and_numbers():
    assert ordinal(3) == "三、" and paren_ordinal(11) == "（十一）"
    assert school_year(2022) == "2022—2023学年"
    assert number(10.0) == "10" and number(7.5) == "7.5"
    assert paren("此件主动公开") == paren("（此件主动公开）") == "（此件主动公开）"


def test_signer_centred_over_date():
    # right-aligned lines: padding the shorter one by half the difference centres it
    assert center_over("宜春市教育体育局", "2022年11月8日") == ("宜春市教育体育局", "2022年11月8日\u3000")
    assert center_over("某县教育局", "2022年11月18日") == ("某县教育局\u3000", "2022年11月18日")
    assert center_over("某某教育局", "某某年某月某日") == ("某某教育局\u3000", "某某年某月某日")


def test_long_titles_split_at_natural_points():
    lines = split_title("关于印发《宜春市县域普通高中结对帮扶工作方案》的通知")
    assert "".join(lines) == "关于印发《宜春市县域普通高中结对帮扶工作方案》的通知"
    assert len(lines) == 2 and all(display_width(line) <= 18 for line in lines)
    assert split_title("短标题") == ["短标题"]
