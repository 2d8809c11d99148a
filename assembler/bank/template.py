"""The empty bank workbook authors start from: headers, help, drop-downs and one example per type
(答辩题 included)."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from ..fileio import write_bytes_atomic
from ..standard import load_standard
from ..structure import ItemType
from .defence import DefenceQuestion, ScoringPoint
from .excel_io import write_workbook
from .models import Item, Material, RubricRow, Task

EXAMPLE_ITEMS = [
    Item(id="EX-JUDGE-001", type=ItemType.JUDGE, level="4", function="内容创作", code="2.2.3",
         stem="直播脚本通常按时间轴写明各时段的讲解商品、话术要点和互动安排。", options=(), answer="√", difficulty=2,
         explanation="直播脚本以时间轴组织流程，是主播和场控配合的依据。"),
    Item(id="EX-SINGLE-001", type=ItemType.SINGLE, level="4", function="流量运营", code="5.2.1",
         stem="某条广告计划消耗3000元，获得展示150000次，其千次展示成本（CPM）为（    ）。",
         options=(("A", "2元"), ("B", "20元"), ("C", "50元"), ("D", "200元")), answer="B", difficulty=3,
         explanation="CPM = 消耗 ÷ 展示次数 × 1000 = 3000 ÷ 150000 × 1000 = 20元。"),
    Item(id="EX-MULTI-001", type=ItemType.MULTIPLE, level=None, function="基础知识", code="2.2.6(2)",
         stem="依据《中华人民共和国广告法》，下列广告用语中，**不**得使用的有（    ）。",
         options=(("A", "国家级产品"), ("B", "最佳选择"), ("C", "销量领先的第一品牌"), ("D", "限时优惠"), ("E", "新品上市")),
         answer="ABC", difficulty=2, explanation="广告法第九条禁止使用“国家级”“最高级”“最佳”等用语。"),
]
EXAMPLE_TASK = Task(
    id="EX-TASK-01", level="4", function="数据优化", codes=("6.1.1", "6.1.2"), title="短视频账号周度运营数据统计与分析", duration=20,
    points=15,
    equipment=("计算机1台/人，安装 Excel 或 WPS 表格、Word 或 WPS 文字", "考场提供打印的数据表1份"),
    task="某美妆账号第12周发布3条短视频，数据见表1。请：\n1. 计算每条视频的完播率和互动率（保留一位小数）；\n"
    "2. 指出表现最好的视频并说明依据（不少于100字）；\n3. 提出两条下周优化建议。",
    materials=(Material("表1 第12周短视频数据", ("视频", "播放量", "完播数", "点赞+评论+转发"),
              (("V1", 20000, 5000, 1200), ("V2", 8000, 2400, 640), ("V3", 15000, 3000, 450))),),
    quality=("完播率、互动率计算正确", "结论与数据一致", "建议具体可执行"),
    rubric=(RubricRow("完播率计算", 4, "V1 25.0%、V2 30.0%、V3 20.0%，每错一项扣1分；未保留一位小数扣1分"),
     RubricRow("互动率计算", 4, "V1 6.0%、V2 8.0%、V3 3.0%，每错一项扣1分；未保留一位小数扣1分"),
     RubricRow("最佳视频判断", 4, "未选 V2扣2分；依据未引用完播率或互动率数据扣2分"),
     RubricRow("优化建议", 3, "少一条扣1.5分；建议与数据无关扣1.5分")),
    difficulty=2,
)

EXAMPLE_DEFENCE = DefenceQuestion(
    id="EX-DEF-01", level="2", function="运营管理", codes=("4.1.1",),
    question="请结合你主持过的一次年度（或季度）运营计划，说明计划的目标怎样确定、怎样分解到月度和岗位，"
    "执行中你用哪些数据检查进度，以及计划未达成时你做了哪些调整。",
    points=Fraction(15),
    rubric=(ScoringPoint("目标有依据：引用上一周期数据或市场数据说明目标值的来源", Fraction(4)),
     ScoringPoint("目标分解到月度和岗位（或渠道），分解后合计与总目标一致", Fraction(4)),
     ScoringPoint("说出至少两项跟踪指标及检查频率", Fraction(3)),
     ScoringPoint("偏差调整有具体动作并说明调整后的结果", Fraction(4))),
    follow_ups=("如果年中发现目标明显偏高，你会怎样向上级提出调整？",),
)


def write_template(path: str | Path, overwrite: bool = False) -> Path:
    """Write the template workbook. Raises OutputError if the file exists and overwrite is False."""
    data = write_workbook(EXAMPLE_ITEMS, [EXAMPLE_TASK], load_standard(), template=True, defence=[EXAMPLE_DEFENCE])
    return write_bytes_atomic(path, data, overwrite)
