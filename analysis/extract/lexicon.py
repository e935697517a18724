"""The cue-word lexicons of extraction: kinds of exchange, plans and negations, movement,
delegations, titles and ranks, topics, and newly stated relationships.

Words are grouped by meaning, not by the sentences of any one document; each group is
compiled once into one alternation (longest words first).
"""

from __future__ import annotations

import re


def alternation(words: str | list[str]) -> re.Pattern[str]:
    items = words.split() if isinstance(words, str) else words
    return re.compile("|".join(sorted(map(re.escape, set(items)), key=len, reverse=True)))


# kind -> words that report that kind of exchange (the contract's `kind`)
KIND_CUES: dict[str, re.Pattern[str]] = {
    "visit": alternation(
        "考察 调研 访问 参观 拜访 到访 来访 走访 出访 回访 互访 观摩 学习考察 考察学习 对接交流 "
        "交流学习 学习交流 实地察看 慰问 莅临 拜会 考察对接 对接交流"
    ),
    "agreement": alternation(
        "签署 签订 签约仪式 缔结 结为 结成 续签 共同签署 正式签约 互签 协议 备忘录 协议书 合作书 意向书 "
        "协定 框架协议 共建协议 合作协议 联合印发 共同印发 联合发布 联合出台"
    ),
    "project": alternation(
        "签约项目 合作项目 协作项目 援建项目 帮扶项目 项目落地 落地项目 投资项目 开工 投产 建成 援建 "
        "共建园区 产业园 合作园区 飞地园区 产业园区 项目签约 "
        # an opening attended (出席…投用仪式, 共同为…揭牌): the project, even during a visit
        "揭牌 揭牌仪式 开工仪式 投产仪式 投用仪式 竣工仪式 奠基仪式 开园仪式 奠基 竣工 投用 开园"
    ),
    "cadre_exchange": alternation(
        "挂职 选派 互派 跟班学习 援派 派驻 干部交流 交流干部 挂职锻炼 支教 支医 柔性引才 "
        "专业技术人才 专技人才 选派干部 结对帮扶干部 援藏干部 援疆干部 援青干部 跟岗学习 跟岗锻炼 到岗"
    ),
    "training": alternation("培训班 培训 研修班 专题班 轮训 研修 进修"),
    "promotion": alternation(
        "推介会 推介活动 招商会 招商推介 展销会 展销活动 博览会 旅游推介 文旅推介 推介周 "
        "消费帮扶活动 展示活动 宣传周 推介 说明会 投资说明会 招商活动 产品展 图片展 展览"
    ),
    "meeting": alternation(
        "联席会议 座谈会 工作会议 对接会 推进会 协调会 视频会议 交流会 恳谈会 合作大会 联席会 "
        "工作会商 会商 会晤 视频会晤 峰会 论坛 洽谈会 对接会议 联谊会 工作例会 联络会议 磋商会 举行座谈 进行座谈 开展座谈 "
        "座谈交流 视频会谈 视频通话 视频连线会谈 举行会谈 双边会谈 举行双边会谈"
    ),
}
# 并与乙市党政负责同志座谈: talks with the hosts during a visit are a meeting too.
KIND_CUES["meeting"] = re.compile(KIND_CUES["meeting"].pattern + r"|(?<=[与同])[^，。,;；与同]{1,16}?座谈(?![会时中])")
# Words inside a cue that make it part of another kind (签约项目 is a project, not an agreement).
AGREEMENT_OBJECT = alternation("协议 备忘录 协议书 合作书 意向书 协定 友好城市 友城 关系 合同")
COMMERCIAL = re.compile(r"(?:采购|购销|销售|供货|订单|贸易)合同")  # companies' contracts, not the places' agreement
SIGN_VERB = alternation("签署 签订 签约 缔结 结为 结成 续签 互签 建立 确立 正式建立")
PROJECT_VERB = alternation("签约 落地 开工 投产 建成 援建 实施 共建 建设 引进 落户 竣工 启动 新建 修建 兴建 合建 打造 开园 揭牌 投用 奠基")
# An opening ceremony someone attends (出席…开工仪式, 为…揭牌): a project event of its own, not a stop of a trip.
OPENING = alternation("揭牌 揭牌仪式 开工仪式 投产仪式 投用仪式 竣工仪式 奠基仪式 开园仪式 奠基 竣工 投用 开园")  # cues added for openings
CEREMONY = re.compile(r"(?:揭牌|开工|投产|投用|竣工|奠基|开园)(?:仪式)?|为[^，。,;；]{1,24}?揭牌")

# Plans, intentions, conditions and negations: the clause reports no exchange that happened.
NOT_HAPPENED = alternation(
    "计划 拟于 拟 将于 将赴 将到 将前往 将在 将组织 将举办 将签署 将与 将率 准备 预计 力争 争取 下一步 "
    "有望 打算 即将 筹备 今后 未来 尚未 未能 没有 如果 若 倡议 希望 期待 建议 应当 要求 鼓励 将继续 将互派 将选派 将互访 "
    "将进一步 谋划 研究部署 设想 推迟 延期 取消 原定"
)
# A plan or wish that governs the rest of its sentence (下一步…，同期在甲市举办…; 甲市愿与乙市…):
# a cue after it reports nothing done, unless something done (了, 已, 此前) comes between.
PLAN_LEAD = re.compile(r"下一步|计划|拟|将于|力争|预计|双方商定|商定|明年|届时|(?<![意心志])愿(?:与|同|意|在|为|继续|进一步)|希望"
                       r"|将(?=[^，。,;；]{0,4}(?:选派|互派|派|互访|组织|举办|召开|签署|赴|开展|推动|推进|启动|建设|邀请))")
DONE_SINCE = re.compile(r"了|已|此前|曾")
# A kind of exchange named as a general means, not one that happened (通过互访、互派等方式).
# 通过干部交流、人才培训，推动…: the means of a stated aim, in a clause of its own.
GENERIC = re.compile(r"(?:通过|以|采取|依托)[^。;；]{0,40}?等(?:方式|形式|渠道|途径|举措)|随着[^，。,;；]{0,30}|自[^。;；，,]{0,30}?以来"
                     r"|通过[^。;；，,]{1,24}[，,](?=推动|促进|实现|加强|深化|助力|带动|提升|推进|增进|拓展|加快)"
                     # 推动干部交流是…主要事项之一: a priority named, not an act
                     r"|(?:推动|加强|深化|开展|推进)[^。;；，,]{1,16}是[^。;；，,]{0,20}(?:之一|重点|重要内容|主要任务)"
                     # 建立两地领导定期互访机制: a mechanism named, not a visit
                     r"|(?:建立|健全|完善|形成|构建)[^。;；，,]{0,16}?机制"
                     # 此轮互访 / 互访的重要成果: visits already told, referred to
                     r"|(?:此轮|这轮|本轮|此次|这次)[^。;；，,]{0,6}?(?:互访|考察|访问)|(?:互访|考察|访问)的[^。;；，,]{0,6}?(?:成果|收获)")
# History and background: long past, not an exchange of the period.
HISTORY = re.compile(alternation("历史上 古称 自古 史称 始建于 古代 素有 享有 被誉为 清代 明代 民国时期 多年前 早年间 早些年").pattern + r"|(?<!成)建制")  # 成建制: as a whole unit

# Movement towards a place; 来访/来自 and 得到/受到 are not movements.
MOVE = re.compile(r"赴|前往|来到|抵达|莅临|走进|奔赴|深入|到达|回到|(?<![以近未原后从将本年])来(?!访|自|源|的|说|看)|(?<![得受达遇感提收做办])到(?!位|了|期|达|访)|去(?!年)")
AT = re.compile(r"(?:在|于)")
DELEGATION = alternation(
    "党政代表团 代表团 考察团 考察组 工作组 调研组 一行 率队 带队 率领 率 带领 组团"
)
RECEIVE = alternation("会见 接待 迎接 欢迎 陪同 会谈 座谈")
# A visit without a visit word: a delegation moving to a place (率队赴, 代表团抵达), or received (会见…一行).
# 来 too, as in MOVE (代表团来蓉参加…活动).
LED_MOVE = re.compile(r"(?:率|带|领|代表团|考察团|考察组|专家组|工作组|一行)[^，。,;；]{0,14}?(?:赴|前往|抵达|来到|到访|(?<![得受达遇感提收做办])到(?!位|了|期|达)"
                      r"|(?<![以近未原后从将本年])来(?!访|自|源|的|说|看|了))")
INVITED = re.compile(r"(?:邀请|应邀)[^，。,;；]{0,24}?(?:出席|参加|访问|来)")
INVITEE = re.compile(r"邀请")
# A forum or meeting of many (国际友城合作论坛, 中央…座谈会): no named partner.
MULTILATERAL = re.compile(r"(?:国际|中央|全国|国务院|国集团|东北亚|亚太|等国)[^，。,;；举召]{0,16}?(?:论坛|峰会|座谈会|大会|会议|博览会|交易会|展览会)")
RECEIVED = re.compile(r"(?:会见|接待|迎接)[^。;；]{0,24}?(?:一行|代表团|考察团)")
# Calling on seconded cadres (看望慰问…挂职干部) is a visit by their home side, not a secondment.
CARE_FOR = alternation("看望 慰问 看望慰问 关心 关爱 走访")
# After an event's name, the time of another (峰会期间, 推介会前一天, 会议结束后).
TIME_OF = re.compile(r"期间|前一天|前一日|次日|前夕|结束后|之前|之后")
# The hosts accompanying the visitors (市长…陪同考察): the visit already told, not another.
ACCOMPANY = re.compile(r"陪同$|陪同下?[^，。,;；]{0,4}$")
# 挂职的干部: a cue describing someone, not an act; but 甲市选派的14名教师已到岗乙县 reports a batch arriving.
ATTRIBUTIVE = re.compile(r"^[^，。,;；]{0,2}的(?![^，。,;；]*(?:到岗|抵达|报到|赴|前往))")
STATISTICS = re.compile(r"同比|%|％|百分点|比上年|增长\d|吸纳就业|(?:有|达|共|累计)\d+余?(?:次|批)"
                        r"|已与[^，。,;；]{0,12}?\d+个")  # 已与26个国际城市缔结…: a count of partners
# A count of projects carried out next to funds (实施帮扶项目312个): a statistic, not a project begun.
PROJECT_COUNT = re.compile(r"实施[^，。,;；]{0,8}?项目\s*\d+\s*(?:个|项)")
COORDINATION = re.compile(r"(?:与|和|同|及|、)")
LIST_SEPARATOR = re.compile(r"^(?:、|和|及|与|以及|,|，)$")
HOME = re.compile(r"(?:我|本)(?:省|市|区|县|州)")
BENEFICIARY = re.compile(r"为")
# Travelling to attend an event the other side holds (赴黄山市参加招商推介会): a visit.
ATTEND = re.compile(r"(?:赴|到|来|前往)[^，。,;；]{1,12}?(?:参加|出席)[^，。,;；]*$")
MUTUAL = alternation("互派 互访 互相 相互")
BOTH_SIDES = alternation("两地 两市 两省 两区 两县 两家 双方 两个新区 两新区")
# A sentence naming no place tells of the pair before only when it points back to them (期间，双方…);
# a forum "with 22 delegations" that names no one is no bilateral event.
# A meeting of one place's own units (召开全市项目建设推进会): no partner, even right after a visit.
ONE_PLACE_EVENT = re.compile(r"全(?:市|州|县|区|省|地区|盟|旗)(?!上下)[^，。,;；]{0,20}?(?:会议|大会|推进会|工作会|座谈会|培训班)")
REFERS_BACK = re.compile(BOTH_SIDES.pattern + "|期间|其间|会上|会后|此行|活动中|座谈中|^现场|^(?:会议|大会|活动|仪式)(?:现场)?还")
# Examples named in a list closed by 等 (甲市(2006年缔结)、乙区(2011年缔结)等): names, not two parties to
# one act; each item may carry a bracketed note. Institutions paired (结为姐妹学校) are not cities paired.
NOTE = r"(?:[(（][^()（）]{0,30}[)）])?"
EXAMPLE_GAP = re.compile(rf"^{NOTE}(?:、|和|及|以及)[^、，,。;；()（）]{{0,4}}$")  # a qualifier not in the gazetteer may lead an item
EXAMPLE_END = re.compile(rf"{NOTE}等")
INSTITUTION_PAIRING = re.compile(r"(?:姐妹|友好)(?:学校|中学|小学|大学|院校|医院|企业|商会|班级)|校际")
# A cue inside brackets annotates a name in a list (泉州市(2012年缔结友好关系)): background.
BRACKETED = re.compile(r"[(（【][^()（）【】]{0,40}$")  # 【高层互访】: a yearbook's section label too
# Several parties acting together (成都、重庆、西安三市共同签署): one agreement per pair.
COLLECTIVE = re.compile(r"(?:[三四五六七八九十]|\d)(?:市|省|地|方|区|县|省市|城|座城市|个城市)(?:之间)?(?:共同|互相|相互|联合|一起|分别)?")
# Short names of city groups, each standing for its members (province or city ids).
REGION_GROUPS = {
    "京津冀": ("CN-110000", "CN-120000", "CN-130000"),
    "沪苏浙皖": ("CN-310000", "CN-320000", "CN-330000", "CN-340000"),
    "苏浙皖沪": ("CN-310000", "CN-320000", "CN-330000", "CN-340000"),
    "川渝": ("CN-510000", "CN-500000"),
    "成渝": ("CN-510100", "CN-500000"),
}
# Titles -> leader rank. Deputies before their principals: the longest match wins.
TITLE_RANKS: dict[str, str] = {
    **dict.fromkeys(
        ["书记", "市长", "省长", "行署专员", "专员", "区长", "县长", "州长", "盟长", "旗长", "自治区主席", "主要领导", "主要负责同志", "主要负责人", "一把手", "党政主要领导", "党工委书记", "管委会主任"],
        "top",
    ),
    **dict.fromkeys(
        ["副书记", "副市长", "副省长", "副区长", "副县长", "副州长", "副盟长", "副旗长", "副主席", "常委", "秘书长", "人大常委会主任", "政协主席", "人大主任", "市领导", "区领导", "县领导", "省领导", "州领导", "分管领导", "纪委书记", "组织部部长", "宣传部部长", "统战部部长", "政法委书记", "副主任", "党工委副书记", "管委会副主任"],
        "senior",
    ),
    **dict.fromkeys(
        ["局长", "副局长", "主任", "处长", "副处长", "科长", "厅长", "副厅长", "部长", "副部长", "负责人", "负责同志", "党组书记", "院长", "校长", "董事长", "总经理", "所长", "站长", "社长", "会长"],
        "official",
    ),
}
TITLE = alternation(list(TITLE_RANKS))
BUREAU_SIGNS = re.compile(r"(?:局|厅|委员会|办公室|办)(?:共同|联合)?(?:签署|签订|签约|印发|发布|出台)")
# A document's one statement on who led all its delegations (均由党政“一把手”带队).
DELEGATIONS_LED = re.compile(rf"(?:均|都|全部|一律|皆)由[^，。；,;]{{0,12}}?({TITLE.pattern})[”\"’」]?\s*(?:带队|率队|率领|领队|带领)")
DELEGATION_NOUN = alternation("党政代表团 代表团 考察团")
# An undated agreement or meeting told as the outcome of visits already reported.
VISIT_REFERENCE = alternation("互访 考察 访问 代表团 此行 访问期间 考察期间")
# Several governments' departments issuing one document together (三地医保局联合印发《…》).
JOINT_ISSUE = re.compile(r"(?:联合|共同)(?:印发|发布|出台|制定)《")
JOINT = re.compile(r"(?:联合|共同)$")
ORG_GAP = re.compile(r"^[^，。,;；、()（）]{0,10}[、和及与]$")
# A signing ceremony is an agreement unless projects are signed at it (项目集中签约仪式).
SIGNING_CEREMONY = re.compile(r"(?<!项目)(?<!集中)(?<!招商)(?<!引资)签约仪式(?![后上前中]|结束)")  # 签约仪式后: the one told
RANK_ORDER = {"top": 3, "senior": 2, "official": 1, "none": 0}

TOPIC_WORDS: dict[str, str] = {
    "economy": "经济 经贸 商贸 贸易 消费 市场 营商环境 开放",
    "industry": "产业 工业 制造 企业 园区 农业 特色产业 产业链 加工",
    "investment": "投资 招商 引资 资金 融资 金融 项目落地",
    "innovation": "创新 科技 研发 数字 科创 高新技术 人工智能 数字经济",
    "urbanization": "城镇化 城市建设 城市更新 基础设施 交通 规划 新区建设",
    "public_services": "公共服务 社保 医保 民生 养老 就业 劳务 政务服务 社会保障",
    "education": "教育 学校 教师 支教 职业教育 院校 学生",
    "health": "医疗 卫生 医院 健康 医生 支医 医保",
    "culture": "文化 文艺 非遗 艺术 文物 红色文化",
    "tourism": "旅游 文旅 康养 景区 客源",
    "ecology": "生态 环保 绿色 环境 碳 水利 森林",
    "poverty_alleviation": "扶贫 脱贫 乡村振兴 帮扶 共同富裕 消费帮扶 东西部协作 对口支援",
    "talent": "人才 干部 专业技术 技术人员 挂职 跟班学习 培训",
    "governance": "治理 党建 基层 政务 管理经验 社区",
}
TOPIC_PATTERNS = {topic: alternation(words) for topic, words in TOPIC_WORDS.items()}

# A newly stated relationship (relationships.csv): its kind and the words that establish it.
RELATIONSHIP_KINDS: dict[str, re.Pattern[str]] = {
    "friendly_exchange": alternation("友好交流城市 友好交流关系 友好合作城市"),
    "sister_city": alternation("友好城市 友城 姐妹城市 友好城区 友好县"),
    "east_west_pairing": alternation("东西部协作 东西部扶贫协作 结对帮扶 结对关系"),
    "counterpart_cooperation": alternation("对口合作 对口支援 对口协作"),
    "strategic_cooperation": alternation("战略合作关系 战略合作伙伴"),
}
ESTABLISH = re.compile(r"(?:结为|缔结|结成|建立|确立|确定为|正式结对|结对)[^，。,;；]{0,8}?(?:友好|东西部|结对|对口|战略合作)")

NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
DELEGATES = re.compile(rf"{NUMBER}\s*(?:名|位|人)(?!次|民|口)")
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万)?元")
# A count of similar events: (kind, words naming one of them, measure words)
COUNT_OBJECTS = {"project": "项目", "promotion": "推介会|推介活动|活动|展销会", "meeting": "会议|座谈会|联席会议", "training": "培训班|研修班|专题班"}


def count_pattern(kind: str) -> re.Pattern[str] | None:
    obj = COUNT_OBJECTS.get(kind)
    if obj is None:
        return None
    return re.compile(rf"(?:{obj})\s*{NUMBER}\s*(?:个|项|场|次|期)|{NUMBER}\s*(?:个|项|场|期|批)[^，。；,;]{{0,6}}?(?:{obj})")


COUNTS = {kind: count_pattern(kind) for kind in COUNT_OBJECTS}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def number_value(text: str) -> float | None:
    """12, 2.5, 十二, 一百二十 -> a number (None when unreadable)."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    total, digit = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            return None
    return float(total + digit)
