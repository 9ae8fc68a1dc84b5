"""The prose of a report: title, agency names of every level, sections 一 … 六.

Written from templates in the register of the real reports (never copied from a
known report).  Figures quoted in the prose come from the printed table, so the
soft text-vs-table check (N1 in ``xxgk.data.rules``) holds: 收到申请N件 is
``t3.new_received.total``, 行政复议N件 is ``t4.review.total`` and 行政诉讼N件 the
two suit totals.  Headings are numbered and worded in the ways real reports do;
some reports leave out 五 or 六, some start numbering at 主动公开 (一、) after an
unnumbered overview.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from ..schema import CHINESE_NUMERALS, SECTIONS
from .doc import Block, Piece
from .values import Values

SYLLABLES = ("东西南北中清河山阳安平宁城江湖桥庄新丰兴华泉石林松梅桃溪云龙凤鹤金宝德仁和顺昌盛永长乐康福寿吉泰瑞"
             "嘉怀临淮汉沙岭峰坪塘源浦湾港洲岗营集店铺堡寨圩坝台头")
PROVINCES = ("河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
             "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海")
LOCAL_DEPTS = ("发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源和规划局",
               "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
               "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
               "林业局", "城市管理局", "行政审批服务局", "数据资源管理局")
PROVINCE_DEPTS = ("教育厅", "公安厅", "民政厅", "财政厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅",
                  "水利厅", "农业农村厅", "商务厅", "文化和旅游厅", "卫生健康委员会", "市场监督管理局", "人民政府办公厅")
MINISTRIES = ("教育部", "科学技术部", "工业和信息化部", "民政部", "司法部", "财政部", "人力资源和社会保障部", "自然资源部",
              "生态环境部", "住房和城乡建设部", "交通运输部", "水利部", "农业农村部", "商务部", "文化和旅游部",
              "应急管理部", "国家卫生健康委员会", "国家市场监督管理总局", "国家林业和草原局", "国家统计局",
              "国家医疗保障局", "国家知识产权局")


@dataclass(frozen=True)
class Agency:
    name: str  # as the title prints it (the gold `agency`)
    short: str  # how the prose refers to itself: 我镇, 本局, 市政府 …
    superior: str  # 县委、县政府 …
    place: str  # 湖沟镇, 清河县 … for prose such as 全镇


def _place(rng: random.Random, n: int = 2) -> str:
    chars = rng.sample(SYLLABLES, n)
    return "".join(chars)


def draw_agency(rng: random.Random, level: str) -> Agency:
    county, city, town = _place(rng), _place(rng), _place(rng)
    kind = rng.random()
    if level == "township":
        unit = rng.choice("镇镇镇乡")
        name = rng.choice([f"{town}{unit}人民政府", f"{town}{unit}", f"{county}县{town}{unit}", f"{town}{unit}人民政府"])
        return Agency(name, rng.choice([f"我{unit}", f"{town}{unit}", f"{town}{unit}人民政府"]),
                      rng.choice(["县委、县政府", "区委、区政府", "市委、市政府"]), f"全{unit}")
    if level == "street":
        name = rng.choice([f"{town}街道办事处", f"{county}区{town}街道办事处", f"{town}街道"])
        return Agency(name, rng.choice(["本街道", f"{town}街道", "街道办事处"]), "区委、区政府", "全街道")
    if level in ("county", "city"):
        seat, unit = (county, rng.choice("县县区市")) if level == "county" else (city, "市")
        if kind < 0.45:
            name = rng.choice([f"{seat}{unit}人民政府", f"{seat}{unit}人民政府办公室"])
            short = rng.choice([f"{unit}政府", f"我{unit}", f"{seat}{unit}人民政府"])
        else:
            dept = rng.choice(LOCAL_DEPTS)
            name, short = f"{seat}{unit}{dept}", rng.choice([f"本{dept[-1]}", f"我{dept[-1]}", f"{unit}{dept}"])
        superior = "市委、市政府" if level == "county" else "省委、省政府"
        return Agency(name, short, superior, f"全{unit}")
    if level == "province":
        prov = rng.choice(PROVINCES)
        if kind < 0.3:
            return Agency(f"{prov}省人民政府", "省政府", "国务院办公厅", "全省")
        dept = rng.choice(PROVINCE_DEPTS)
        return Agency(f"{prov}省{dept}", rng.choice([f"本{dept[-1]}", f"我{dept[-1]}", f"省{dept}"]), "省委、省政府", "全省")
    dept = rng.choice(MINISTRIES)
    return Agency(dept, rng.choice(["本部门", f"我{dept[-1]}", dept]), "国务院办公厅", "全系统")


# --------------------------------------------------------------------------- #
# Title
# --------------------------------------------------------------------------- #
def _year_text(rng: random.Random, year: int) -> str:
    if rng.random() < 0.03:
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))
    return str(year)


def title_blocks(rng: random.Random, agency: Agency, year: int, pub: str) -> tuple[list[Block], bool]:
    """The title lines; returns (blocks, whether the title carries the year)."""
    y = _year_text(rng, year)
    sp = " " if rng.random() < 0.15 else ""
    A, Y = Piece(agency.name, "AGENCY"), Piece(y, "YEAR")
    form = rng.choices(range(6), [0.45, 0.15, 0.12, 0.1, 0.1, 0.08])[0]
    if form == 0:
        return [Block("title", [A, Piece(sp), Y, Piece(f"{sp}年政府信息公开工作年度报告")])], True
    if form == 1:
        return [Block("title", [A, Piece(sp), Y, Piece(f"{sp}年度政府信息公开工作年度报告")])], True
    if form == 2:
        return [Block("title", [Y, Piece(f"年{sp}"), A, Piece("政府信息公开工作年度报告")])], True
    if form == 3:
        return [Block("title", [A, Piece("政府信息公开工作年度报告（"), Y, Piece("年度）")])], True
    if form == 4:
        return [Block("title", [Y, Piece("年政府信息公开工作年度报告")]), Block("title", [A])], True
    return [Block("title", [Piece("政府信息公开工作年度报告")]), Block("title", [A]), Block("title", [Piece(f"（{pub}）")])], False


# --------------------------------------------------------------------------- #
# Headings
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class HeadingStyle:
    sep: str = "、"
    renumber: bool = False  # overview unnumbered, 主动公开 is 一、
    missing: tuple[int, ...] = ()
    variant: float = 0.0


def draw_heading_style(rng: random.Random) -> HeadingStyle:
    r = rng.random()
    missing = (5,) if r < 0.05 else (6,) if r < 0.12 else (5, 6) if r < 0.14 else ()
    return HeadingStyle(sep=rng.choices(["、", "．", ". ", "、 ", " "], [0.82, 0.05, 0.05, 0.04, 0.04])[0],
                        renumber=rng.random() < 0.08, missing=missing, variant=rng.choice([0.0, 0.0, 0.2, 0.5]))


def heading(rng: random.Random, number: int, st: HeadingStyle) -> Block | None:
    """The heading of section `number`, or None when the report has no heading for it."""
    section = SECTIONS[number - 1]
    title = rng.choice(section.variants) if (section.variants and rng.random() < st.variant) else section.title
    if st.renumber:
        if number == 1:
            return None
        number_printed = number - 1
    else:
        number_printed = number
    return Block("heading", [Piece(f"{CHINESE_NUMERALS[number_printed - 1]}{st.sep}{title}", f"H{number}")],
                 section=number)


# --------------------------------------------------------------------------- #
# Prose
# --------------------------------------------------------------------------- #
def _n(rng: random.Random, lo: int, hi: int) -> int:
    return rng.randint(lo, hi)


def intro(rng: random.Random, a: Agency, year: int) -> str:
    parts = [rng.choice([
        "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条的规定编制。",
        f"根据《中华人民共和国政府信息公开条例》和上级有关要求，{a.name}编制了本年度报告。",
        f"按照《中华人民共和国政府信息公开条例》要求，现公布{a.name}{year}年度政府信息公开工作年度报告。"]),
        rng.choice(["报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
                    "存在的主要问题及改进情况、其他需要报告的事项六部分组成。", ""]),
        f"报告所列数据统计时间为{year}年1月1日至{year}年12月31日。",
        rng.choice([f"如对本报告有疑问，请与{a.short}办公室联系（电话：0{_n(rng, 310, 999)}-{_n(rng, 2000000, 8999999)}）。",
                    "本报告电子版可在政府门户网站下载。", ""])]
    return "".join(parts)


TOPICS = ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障", "政策解读", "重点领域")
TOPIC_TITLES = {"主动公开": ("主动公开情况", "主动公开政府信息", "主动公开"),
                "依申请公开": ("依申请公开情况", "依申请公开", "依申请公开政府信息情况"),
                "政府信息管理": ("政府信息管理情况", "政府信息管理"),
                "平台建设": ("平台建设情况", "政府信息公开平台建设情况", "平台建设"),
                "监督保障": ("监督保障情况", "监督保障", "教育培训和监督考核情况"),
                "政策解读": ("政策解读和回应关切", "做好政策解读"),
                "重点领域": ("重点领域信息公开", "推进重点领域信息公开")}


def _sentences(rng: random.Random, pool: list[str], lo: int = 1, hi: int = 3) -> str:
    return "".join(rng.sample(pool, min(len(pool), rng.randint(lo, hi))))


def _topic(rng: random.Random, topic: str, a: Agency, v: Values, year: int, published: int) -> str:
    applied = v.number("t3.new_received.total")
    carried = v.number("t3.carried_over.total")
    forward = v.number("t3.carried_forward.total")
    review = v.number("t4.review.total")
    suits = v.number("t4.suit_direct.total") + v.number("t4.suit_after_review.total")
    normative = v.number("t2.normative.new_made" if v.template == "2019" else "t2.normative.issued")
    if topic == "主动公开":
        first = rng.choice([
            f"全年通过政府网站主动公开政府信息{published}条，其中政策文件{_n(rng, 0, published // 5)}条、"
            f"工作动态{_n(rng, 0, published // 2)}条。",
            f"本年度累计主动公开各类政府信息{published}条，发布政策解读{_n(rng, 0, 40)}篇。",
            f"{a.short}通过门户网站、政务新媒体、公开栏等渠道公开信息{published}条，"
            f"制发规范性文件{normative}件，均按规定进行了合法性审查和公开。"])
        return first + _sentences(rng, [
            "及时更新财政预决算、重大项目、民生保障等重点领域信息。",
            "严格落实规范性文件统一登记、统一编号、统一发布制度。",
            f"通过政务微信公众号推送信息{_n(rng, 10, 900)}条，进一步扩大信息传播覆盖面。",
            "对机构职能、领导分工、办事指南等基础信息进行全面梳理，确保内容准确、更新及时。",
            f"召开新闻发布会{_n(rng, 1, 12)}场，主要负责同志带头解读重大政策。",
            "坚持“公开为常态、不公开为例外”，做到应公开尽公开。"], 0, 3)
    if topic == "依申请公开":
        if applied == 0 and rng.random() < 0.8:
            text = rng.choice([f"本年度{a.short}未收到政府信息公开申请。",
                               f"{year}年，{a.short}未收到公民、法人或其他组织提出的政府信息公开申请。"])
        else:
            text = rng.choice([
                f"全年共收到政府信息公开申请{applied}件，上年结转{carried}件，均在法定期限内予以答复，"
                f"结转下年度继续办理{forward}件。",
                f"{year}年共受理政府信息公开申请{applied}件，已全部按时办结答复。" if forward == 0 else
                f"{year}年共受理政府信息公开申请{applied}件，结转下年度继续办理{forward}件。",
                f"本年度新收政府信息公开申请{applied}件，严格按照法定程序和时限办理，答复规范率100%。"])
        return text + _sentences(rng, [
            "进一步规范依申请公开受理、登记、审核、答复、归档等环节，统一答复文书格式。",
            "对申请内容不明确的，及时一次性告知申请人补正，切实保障申请人合法权益。",
            "畅通信函、网络、当面等申请渠道，在政府网站公布受理机构、地址和联系电话。",
            "建立疑难申请会商机制，必要时征求法律顾问意见，确保答复合法合规。"], 0, 2)
    if topic == "政府信息管理":
        return _sentences(rng, [
            "严格落实信息发布前保密审查机制，坚持“先审查、后公开”和“一事一审”，全年未发生泄密事件。",
            "组织开展规范性文件清理，对不符合上位法规定的文件及时修改或废止，动态更新政府信息公开目录。",
            "健全政府信息公开属性源头认定机制，对拟公开信息逐条审核，确保公开内容准确、规范。",
            f"全年审核拟公开信息{_n(rng, 20, 3000)}条，对涉及个人隐私的内容作去标识化处理。",
            "按照基层政务公开标准目录，逐项梳理公开事项，明确公开主体、时限和渠道。"], 1, 3)
    if topic == "平台建设":
        return _sentences(rng, [
            f"加强政府网站和政务新媒体管理，全年开展网站自查{_n(rng, 2, 12)}次，及时整改错链断链等问题。",
            "充分发挥政府门户网站第一平台作用，优化政务公开专栏设置，方便群众查询获取信息。",
            f"在便民服务中心设置政务公开专区，配备查阅终端{_n(rng, 1, 6)}台，为群众提供信息查询服务。",
            "利用村（社区）公开栏、电子显示屏等载体，将惠民政策送到群众身边。",
            f"清理关停长期不更新的政务新媒体账号{_n(rng, 1, 5)}个。"], 1, 3)
    if topic == "监督保障":
        text = _sentences(rng, [
            f"将政务公开工作纳入年度绩效考核，组织业务培训{_n(rng, 1, 9)}次，工作人员业务能力进一步提升。",
            "主动接受社会监督，畅通意见反馈渠道，本年度未发生因政府信息公开工作被责任追究的情况。",
            "建立健全政务公开工作考核、社会评议和责任追究制度，督促各项工作落实落细。",
            "成立由主要负责同志任组长的政务公开工作领导小组，明确专人负责日常工作。"], 1, 3)
        if review or suits:
            text += f"全年因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{suits}件。"
        return text
    if topic == "政策解读":
        return _sentences(rng, [
            f"坚持政策文件与解读材料同步组织、同步审签、同步部署，全年发布解读材料{_n(rng, 1, 80)}篇。",
            "采用图文、动漫、视频等形式解读政策，让群众看得懂、用得上。",
            "密切关注政务舆情，对涉及本单位的热点问题及时发声、解疑释惑。",
            f"办理政务服务热线转办件{_n(rng, 5, 3000)}件，按期办结率100%。"], 1, 3)
    return _sentences(rng, [
        "围绕财政预决算、重大建设项目、公共资源配置等领域，及时公开相关信息。",
        "持续做好义务教育、医疗卫生、社会救助等民生领域信息公开。",
        "按要求公开乡村振兴、生态环境保护、安全生产等重点工作进展情况。",
        "加大行政执法“三项制度”相关信息公开力度，及时公示执法结果。"], 1, 3)


def overview(rng: random.Random, a: Agency, v: Values, year: int) -> list[Block]:
    """Section 一: an opening paragraph and some of the customary sub-topics."""
    scale = {"township": (20, 600), "street": (20, 500), "county": (150, 4000), "city": (500, 20000),
             "province": (800, 30000), "national": (300, 8000)}[v.level]
    published = _n(rng, *scale)
    blocks = [Block("para", [Piece(rng.choice([
        f"{year}年，{a.short}在{a.superior}的领导下，认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
        f"围绕中心工作不断深化政务公开，各项工作取得新进展。",
        f"{year}年，{a.short}坚持以习近平新时代中国特色社会主义思想为指导，全面落实党中央、国务院关于全面推进政务公开的决策部署，"
        f"持续提升政府信息公开质量和实效。",
        f"一年来，{a.short}按照{a.superior}关于政务公开工作的部署要求，健全制度、规范流程、拓展渠道，"
        f"推动政府信息公开工作规范有序开展。",
        f"{year}年度，{a.short}严格执行《中华人民共和国政府信息公开条例》，把政务公开作为建设法治政府、服务型政府的重要抓手，"
        f"着力保障人民群众的知情权、参与权、表达权和监督权。"]))])]
    topics = [t for t in TOPICS[:5] if rng.random() < 0.8] + [t for t in TOPICS[5:] if rng.random() < 0.3]
    numbered = rng.random() < 0.85
    for i, topic in enumerate(topics):
        text = _topic(rng, topic, a, v, year, published)
        if numbered:
            blocks.append(Block("subhead", [Piece(f"（{CHINESE_NUMERALS[i]}）{rng.choice(TOPIC_TITLES[topic])}")]))
            blocks.append(Block("para", [Piece(text)]))
        else:
            blocks.append(Block("para", [Piece(f"{topic}方面，" + text if rng.random() < 0.5 else text)]))
    return blocks


def problems(rng: random.Random, a: Agency, year: int) -> list[Block]:
    issues = rng.sample([
        "主动公开的深度和广度还不够，部分领域信息更新不够及时",
        "政策解读形式较为单一，图文、视频等解读方式运用不多",
        "工作人员业务水平有待提高，对新修订《条例》的理解还不够深入",
        "政府信息公开目录的规范性和完整性有待加强",
        "回应社会关切的主动性和时效性还需进一步提升",
        "依申请公开答复文书的规范化水平还需提高",
        "基层政务公开标准化规范化建设推进不够平衡"], 3)
    fixes = rng.sample([
        "加强业务培训，提升工作人员依法公开的意识和能力",
        "聚焦群众关切，进一步拓展重点领域信息公开的范围",
        "丰富政策解读形式，提高解读的针对性和可读性",
        "完善依申请公开工作流程，严格规范答复文书",
        "健全监督考核机制，推动政务公开工作常态化、长效化",
        "加强政府网站和政务新媒体内容保障，确保信息发布及时准确"], 3)
    ordinal = ("一是", "二是", "三是")
    if rng.random() < 0.5:
        return [Block("subhead", [Piece("（一）存在的主要问题")]),
                Block("para", [Piece("；".join(o + t for o, t in zip(ordinal, issues)) + "。")]),
                Block("subhead", [Piece("（二）改进措施")]),
                Block("para", [Piece(f"下一步，{a.short}将重点做好以下工作：" + "；".join(
                    o + t for o, t in zip(ordinal, fixes)) + "。")])]
    return [Block("para", [Piece(f"{year}年，{a.short}政府信息公开工作取得一定成效，但仍存在一些不足：" + "；".join(
                f"{i + 1}.{t}" for i, t in enumerate(issues)) + "。")]),
            Block("para", [Piece("改进措施：" + "；".join(f"{i + 1}.{t}" for i, t in enumerate(fixes)) + "。")])]


def other_matters(rng: random.Random, a: Agency, v: Values, year: int) -> list[Block]:
    options = ["无。", "无", "本年度无其他需要报告的事项。",
               f"依据《政府信息公开信息处理费管理办法》，{a.short}{year}年度未收取信息处理费。",
               f"{year}年，{a.short}共办理人大代表建议{_n(rng, 0, 40)}件、政协委员提案{_n(rng, 0, 40)}件，"
               f"均按期办复，办复率100%。"]
    picked = rng.sample(options[3:], rng.randint(1, 2)) if rng.random() < 0.5 else [rng.choice(options[:3])]
    return [Block("para", [Piece(t)]) for t in picked]


def closing(rng: random.Random, a: Agency, pub: str) -> list[Block]:
    if rng.random() < 0.6:
        return []
    return [Block("para", [Piece(a.name)]), Block("para", [Piece(pub)])]


def publication_date(rng: random.Random, year: int) -> str:
    return f"{year + 1}年{rng.choice([1, 1, 1, 2, 3])}月{rng.randint(5, 28)}日"
