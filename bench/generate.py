"""Fill a PostgreSQL database with a realistic customer registry for the benchmarks.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ledger_bench \\
        .venv/bin/python bench/generate.py --reset

What it creates (with the default ``--customers 100000``):

* the demo organisation of ``fixtures.demo``: departments, users of every role
  (password ``demo12345``) and the ~40 products of 表5-7;
* 100,000 customers owned by the five salespeople and managers, with Chinese company
  names, people, addresses and phone numbers drawn from fixed pools (fixed seed, so two
  runs give the same data);
* 300,000 contacts (one primary contact per customer, the rest secondary);
* 1,000,000 customer events and 1,000,000 service records, dated after the customer was
  created; ``last_contact_on`` is what the services would have kept (the newest event
  that is not a follow-up, or service record, not in the future).

Other counts scale with ``--customers``. Rows go in with ``COPY``; secondary indexes are
dropped before the load and rebuilt after it, which is several times faster than
maintaining them row by row. The simple-history tables are left empty. The script ends
with ``VACUUM ANALYZE`` so that the planner statistics and the visibility map look like
those of a database that has been running for a while.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import io
import itertools
import os
import random
import sys
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The generator only writes to the database; these keep ``ledger.settings`` happy
# without DEBUG (a bench-only key, never used to sign anything that leaves this host).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledger.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuv")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SEED = 20261127
CHUNK_ROWS = 100_000  # rows per COPY statement

# --- Pools ----------------------------------------------------------------------------
CITIES = [
    "北京",
    "上海",
    "天津",
    "重庆",
    "广州",
    "深圳",
    "杭州",
    "苏州",
    "南京",
    "无锡",
    "宁波",
    "温州",
    "合肥",
    "武汉",
    "长沙",
    "成都",
    "西安",
    "郑州",
    "济南",
    "青岛",
    "厦门",
    "福州",
    "东莞",
    "佛山",
    "珠海",
    "中山",
    "惠州",
    "昆明",
    "南宁",
    "贵阳",
    "南昌",
    "太原",
    "石家庄",
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "常州",
    "嘉兴",
    "绍兴",
    "台州",
    "金华",
    "泉州",
    "烟台",
    "潍坊",
    "徐州",
    "扬州",
    "南通",
    "镇江",
    "芜湖",
    "洛阳",
    "襄阳",
    "宜昌",
    "株洲",
    "湘潭",
    "绵阳",
    "柳州",
    "桂林",
    "保定",
    "唐山",
]
AREA_CODES = [
    "010",
    "021",
    "022",
    "023",
    "020",
    "0755",
    "0571",
    "0512",
    "025",
    "0510",
    "0574",
    "0577",
    "0551",
    "027",
    "0731",
    "028",
    "029",
    "0371",
    "0531",
    "0532",
    "0592",
    "0591",
]
BRAND_CHARS = (
    "华兴达通恒泰盛隆鑫源丰瑞宏远昌荣信诚德金伟新安嘉利祥顺"
    "和益光明天正永飞腾海博创凯迅汇科中美佳合万宇星"
)
# Trade word in the name → the customer's industry (the demo's list).
TRADES = [
    ("精密机械", "机械制造"),
    ("重工机械", "机械制造"),
    ("电子科技", "电子元件"),
    ("光电", "电子元件"),
    ("电气", "电子元件"),
    ("化工材料", "化工材料"),
    ("塑胶", "化工材料"),
    ("食品", "食品饮料"),
    ("饮品", "食品饮料"),
    ("建筑工程", "建筑工程"),
    ("建材", "建筑工程"),
    ("纺织", "纺织服装"),
    ("服饰", "纺织服装"),
    ("医疗器械", "医疗器械"),
    ("生物医药", "医疗器械"),
    ("汽车配件", "汽车配件"),
    ("汽车零部件", "汽车配件"),
    ("物流", "物流运输"),
    ("供应链管理", "物流运输"),
    ("商贸", "零售连锁"),
    ("超市", "零售连锁"),
    ("五金", "机械制造"),
    ("包装材料", "化工材料"),
    ("环保科技", "化工材料"),
    ("新能源", "电子元件"),
]
SUFFIXES = ["有限公司"] * 12 + ["股份有限公司"] * 3 + ["有限责任公司"] * 3 + ["集团有限公司", "厂"]
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国峰亮"
    "成晨婷雪琳颖倩玉兰红梅莉燕萍丹慧佳文博志海云思雨欣晶洁立新春秀英桂凤玲子涵轩怡"
)
DISTRICTS = [
    "高新区",
    "经济技术开发区",
    "工业园区",
    "新区",
    "城东区",
    "城南区",
    "江北区",
    "滨湖区",
    "临港新区",
    "保税区",
    "科技园",
    "开发区",
]
ROADS = [
    "人民路",
    "建设路",
    "解放路",
    "中山路",
    "长江路",
    "黄河路",
    "科技路",
    "创业路",
    "工业大道",
    "环城北路",
    "学府路",
    "金融街",
    "滨江大道",
    "园区二路",
    "兴业路",
    "迎宾大道",
    "东方路",
]
EMAIL_USERS = ["info", "sales", "service", "purchase", "contact", "office", "admin", "trade"]
EMAIL_FREE = ["qq.com", "163.com", "126.com", "sina.com", "aliyun.com", "outlook.com"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]

CATEGORIES = ["new"] * 20 + ["regular"] * 45 + ["key"] * 15 + ["potential"] * 20
SIZES = ["micro", "small", "small", "medium", "medium", "large", ""]
RATINGS = ["AAA", "AA", "AA", "A", "A", "A", "B", "B", "C", ""]
COMPETITORS = ["华东实业", "宏达科技", "新世纪材料", "恒通机电", "瑞丰贸易"]
RISKS = [""] * 14 + [
    "回款周期偏长，需关注",
    "近期有一笔货款逾期 30 天",
    "客户经营变动，暂停赊销",
    "法人变更，需重新核实资信",
]
OVERDUE = [
    "2026 年 8 月逾期 15 天，已结清",
    "2025 年 12 月逾期 40 天，已结清",
    "2026 年 3 月逾期 7 天，已结清",
    "尚有一笔 2026 年 9 月的货款逾期未付",
]
# Contact job titles: the demo's (``fixtures.demo.TITLES``) and two more. The demo module
# imports models, so it can only be read after ``django.setup()``: see ``titles()``.
EXTRA_TITLES = ["仓储主管", "行政主管"]


def titles() -> list[str]:
    """The job titles of the contacts (call after ``django.setup()``)."""
    from fixtures.demo import TITLES as DEMO_TITLES

    return [*DEMO_TITLES, *EXTRA_TITLES]


# Events: kind (weight) → titles. Follow-ups are dated up to two months ahead.
EVENT_KINDS = ["contract"] * 2 + ["meeting"] * 4 + ["other"] * 3 + ["follow_up"]
KIND_CODE = {"contract": 0, "meeting": 1, "other": 2, "follow_up": 3}
EVENT_TITLES = [
    ["年度框架合同签订", "补充协议签订", "订单确认", "续签供货合同", "合同变更"],
    ["产品需求沟通会", "报价谈判", "技术交流", "新品推介", "季度业务回顾", "高层拜访"],
    ["参加行业展会", "回款对账", "寄送样品", "节日问候", "资料更新"],
    ["跟进报价反馈", "安排技术人员上门", "确认下季度需求", "催收尾款"],
]
EVENT_DETAILS = [
    "",
    "",
    "",
    "客户对交期较为关注，需提前排产。",
    "双方就价格达成初步一致。",
    "客户提出增加小批量规格的需求。",
    "已发送最新报价单，等待回复。",
    "客户采购负责人更换，需重新建立联系。",
]
SERVICE_KINDS = ["consultation", "consultation", "complaint", "suggestion"]
# Service kind → (content, result) pairs.
SERVICE_CASES = {
    "consultation": [
        ("咨询产品交期", "已告知排产计划和交货日期"),
        ("询问发票开具", "已开具发票并寄出"),
        ("咨询产品技术参数", "已发送技术规格书"),
        ("咨询售后维修流程", "已说明维修流程并提供联系人"),
    ],
    "complaint": [
        ("反映包装破损", "已补发货物，客户确认收到"),
        ("投诉发货延迟", "已与客户沟通并处理完毕"),
        ("投诉产品色差", "已安排技术人员上门处理"),
        ("反映数量短缺", "已补发差额，客户确认收到"),
    ],
    "suggestion": [
        ("建议增加小批量规格", "已转生产部评估，客户认可答复"),
        ("建议优化送货时间", "已调整送货班次"),
        ("建议提供电子对账单", "已开通电子对账"),
    ],
}
# A share of the customers has never been contacted (no events, no service records).
DORMANT_SHARE = 0.08

# The share of the customers each owner has.
OWNER_WEIGHTS = [("sales1", 25), ("sales2", 20), ("sales3", 25), ("manager1", 15), ("manager2", 15)]
HANDLERS = ["sales1", "sales2", "sales3", "manager1"]

LEDGER_TABLES = [
    "ledger_customer",
    "ledger_contact",
    "ledger_customerevent",
    "ledger_servicerecord",
]
HISTORY_TABLES = [
    "ledger_historicalcustomer",
    "ledger_historicalcontact",
    "ledger_historicalservicerecord",
]


def _check_pools() -> None:
    """The pools are written into COPY text unescaped: no tab, newline or backslash."""
    for value in itertools.chain(
        CITIES,
        BRAND_CHARS,
        SURNAMES,
        GIVEN,
        DISTRICTS,
        ROADS,
        RISKS,
        OVERDUE,
        titles(),
        EVENT_DETAILS,
        COMPETITORS,
        *EVENT_TITLES,
        (text for cases in SERVICE_CASES.values() for pair in cases for text in pair),
        (t for t, _i in TRADES),
        SUFFIXES,
    ):
        assert not any(c in value for c in "\t\n\r\\"), value


# --- Helpers --------------------------------------------------------------------------
class Dates:
    """ISO text of a day number (days before/after today), computed once per day."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._cache: dict[int, str] = {}

    def iso(self, offset: int) -> str:
        text = self._cache.get(offset)
        if text is None:
            text = (self.today + datetime.timedelta(days=offset)).isoformat()
            self._cache[offset] = text
        return text

    def stamp(self, offset: int, seconds: int) -> str:
        """A timestamp in Asia/Shanghai on that day, ``seconds`` after midnight."""
        h, rest = divmod(seconds, 3600)
        return f"{self.iso(offset)} {h:02d}:{rest // 60:02d}:{rest % 60:02d}+08"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN)
    if rng.random() < 0.6:
        given += rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def mobile(rng: random.Random) -> str:
    number = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
    r = rng.random()
    if r < 0.75:
        return number
    if r < 0.9:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"


def landline(rng: random.Random) -> str:
    code = rng.choice(AREA_CODES)
    digits = 8 if len(code) == 3 else rng.choice((7, 8))
    return f"{code}-{rng.randrange(2 * 10 ** (digits - 1), 10**digits)}"


def email(rng: random.Random) -> str:
    if rng.random() < 0.3:
        user = "".join(rng.choices(LETTERS, k=rng.randint(4, 9))) + str(rng.randrange(100))
        return f"{user}@{rng.choice(EMAIL_FREE)}"
    domain = "".join(rng.choices(LETTERS, k=rng.randint(4, 10)))
    return f"{rng.choice(EMAIL_USERS)}@{domain}.{rng.choice(('com', 'cn', 'com.cn'))}"


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` (lines of tab-separated text, ending in newline) in chunks."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    total = 0
    while True:
        chunk = list(itertools.islice(rows, CHUNK_ROWS))
        if not chunk:
            return total
        cursor.copy_expert(sql, io.StringIO("".join(chunk)))
        total += len(chunk)


def secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes on ``tables`` that back no constraint."""
    cursor.execute(
        """
        SELECT ci.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class ci ON ci.oid = i.indexrelid
        JOIN pg_class ct ON ct.oid = i.indrelid
        WHERE ct.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY ct.relname, ci.relname
        """,
        [tables],
    )
    return cursor.fetchall()


class Timer:
    def __init__(self):
        self.rows: list[tuple[str, int, float]] = []

    def run(self, label: str, func, unit: str = "rows"):
        start = time.perf_counter()
        count = func()
        elapsed = time.perf_counter() - start
        self.rows.append((label, count, elapsed))
        shown = f"{count:>10,} {unit:<4}" if count is not None else " " * 15
        print(f"  {label:<34}{shown}  {elapsed:7.1f} s", flush=True)
        return count


# --- The generator --------------------------------------------------------------------
class Generator:
    def __init__(self, n_customers: int, seed: int, users: dict, today: datetime.date):
        self.n = n_customers
        self.n_contacts = 3 * n_customers
        self.n_events = 10 * n_customers
        self.n_services = 10 * n_customers
        self.seed = seed
        self.users = {name: user.pk for name, user in users.items()}
        self.today = today
        self.dates = Dates(today)
        self.horizon = 3 * 365  # customers were created over the last three years

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    # Customers' creation day, owner and 最近联系 come first: events and service
    # records are dated after the creation day, and 最近联系 derives from them.
    def plan(self) -> None:
        rng = self.rng("plan")
        owners, weights = zip(*OWNER_WEIGHTS, strict=True)
        owner_ids = [self.users[o] for o in owners]
        cum = list(itertools.accumulate(weights))
        self.owner = array(
            "q", (owner_ids[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(self.n))
        )
        # Day offsets (negative = in the past); ids follow creation order.
        created = sorted(-rng.randrange(7, self.horizon) for _ in range(self.n))
        self.created = array("i", created)
        self.last_contact = array("i", [-(10**6)] * self.n)
        self.active = array("i", (i for i in range(self.n) if rng.random() >= DORMANT_SHARE))

    def _day_after_created(self, rng: random.Random, index: int, ahead: int = 0) -> int:
        start = self.created[index]
        return start + int(rng.random() * (ahead - start + 1))

    def plan_events(self) -> None:
        """Who, when and what for every event, sorted by date (ids follow time)."""
        rng = self.rng("events")
        active = self.active
        kinds = rng.choices(range(4), weights=(2, 4, 3, 1), k=self.n_events)
        plan = []
        for kind in kinds:
            i = rng.choice(active)
            day = self._day_after_created(rng, i, ahead=60 if kind == 3 else 0)
            plan.append((day, i, kind))
            if kind != 3 and day <= 0 and day > self.last_contact[i]:
                self.last_contact[i] = day
        plan.sort()
        self.events = plan

    def plan_services(self) -> None:
        rng = self.rng("services")
        plan = []
        active = self.active
        for _ in range(self.n_services):
            i = rng.choice(active)
            day = self._day_after_created(rng, i)
            plan.append((day, i))
            if day > self.last_contact[i]:
                self.last_contact[i] = day
        plan.sort()
        self.services = plan

    # --- rows -------------------------------------------------------------------------
    def customer_rows(self):
        from ledger.models.customers import name_key, phone_key, search_key

        rng = self.rng("customers")
        dates = self.dates
        seen: set[str] = set()
        for i in range(self.n):
            while True:
                trade, industry = rng.choice(TRADES)
                brand = "".join(rng.sample(BRAND_CHARS, 2))
                name = f"{rng.choice(CITIES)}{brand}{trade}{rng.choice(SUFFIXES)}"
                if name not in seen:
                    seen.add(name)
                    break
            phone = landline(rng) if rng.random() < 0.35 else mobile(rng)
            address = (
                f"{rng.choice(CITIES)}市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}"
                f"{rng.randint(1, 999)}号"
            )
            competitors = "、".join(rng.sample(COMPETITORS, rng.choice((0, 0, 1, 1, 2))))
            created = self.created[i]
            last = self.last_contact[i]
            last_text = dates.iso(last) if last > -(10**6) else "\\N"
            created_at = dates.stamp(created, rng.randrange(8 * 3600, 19 * 3600))
            updated_at = dates.stamp(
                max(created, last) if last > -(10**6) else created,
                19 * 3600 + rng.randrange(4 * 3600),
            )
            owner = self.owner[i]
            person = person_name(rng) if rng.random() < 0.3 else ""
            yield (
                "\t".join(
                    (
                        str(i + 1),
                        name,
                        person,
                        address,
                        phone,
                        email(rng) if rng.random() < 0.7 else "",
                        rng.choice(CATEGORIES),
                        industry,
                        rng.choice(SIZES),
                        competitors,
                        rng.choice(RATINGS),
                        rng.choice(OVERDUE) if rng.random() < 0.08 else "",
                        rng.choice(RISKS),
                        last_text,
                        name_key(name),
                        phone_key(phone),
                        search_key(name, person, phone),
                        "1",
                        created_at,
                        updated_at,
                        str(owner),
                        str(owner),
                    )
                )
                + "\n"
            )

    CUSTOMER_COLUMNS = [
        "id",
        "name",
        "person_name",
        "address",
        "phone",
        "email",
        "category",
        "industry",
        "company_size",
        "competitors",
        "credit_rating",
        "overdue_record",
        "risk_warning",
        "last_contact_on",
        "name_key",
        "phone_key",
        "search_key",
        "version",
        "created_at",
        "updated_at",
        "created_by_id",
        "owner_id",
    ]

    def contact_rows(self):
        """One primary contact per customer, then the secondary ones spread at random."""
        from ledger.models.customers import phone_key

        rng = self.rng("contacts")
        job_titles = titles()
        customers = list(range(self.n)) + [
            rng.randrange(self.n) for _ in range(self.n_contacts - self.n)
        ]
        customers[self.n :] = sorted(customers[self.n :])
        for seq, i in enumerate(customers, start=1):
            phone = mobile(rng) if rng.random() < 0.9 else landline(rng)
            yield (
                "\t".join(
                    (
                        str(seq),
                        "primary" if seq <= self.n else "secondary",
                        person_name(rng),
                        rng.choice(job_titles),
                        phone,
                        email(rng) if rng.random() < 0.5 else "",
                        phone_key(phone),
                        str(i + 1),
                        "1",
                    )
                )
                + "\n"
            )

    CONTACT_COLUMNS = [
        "id",
        "kind",
        "name",
        "title",
        "phone",
        "email",
        "phone_key",
        "customer_id",
        "version",
    ]

    def event_rows(self):
        rng = self.rng("event-rows")
        dates = self.dates
        kind_names = ["contract", "meeting", "other", "follow_up"]
        for seq, (day, i, kind) in enumerate(self.events, start=1):
            recorded = min(day, 0) if kind != 3 else max(self.created[i], day - 14)
            recorded = min(recorded, 0)
            yield (
                "\t".join(
                    (
                        str(seq),
                        kind_names[kind],
                        dates.iso(day),
                        rng.choice(EVENT_TITLES[kind]),
                        rng.choice(EVENT_DETAILS),
                        "\\N",
                        dates.stamp(recorded, rng.randrange(8 * 3600, 20 * 3600)),
                        str(self.owner[i]),
                        str(i + 1),
                        "\\N",
                    )
                )
                + "\n"
            )

    EVENT_COLUMNS = [
        "id",
        "kind",
        "occurred_on",
        "title",
        "detail",
        "source_id",
        "created_at",
        "created_by_id",
        "customer_id",
        "source_type_id",
    ]

    def service_rows(self):
        rng = self.rng("service-rows")
        dates = self.dates
        handlers = [self.users[h] for h in HANDLERS]
        for seq, (day, i) in enumerate(self.services, start=1):
            handled = rng.random() < 0.7
            handled_on = min(day + rng.randint(0, 10), 0)
            kind = rng.choice(SERVICE_KINDS)
            content, result = rng.choice(SERVICE_CASES[kind])
            yield (
                "\t".join(
                    (
                        str(seq),
                        kind,
                        person_name(rng),
                        mobile(rng),
                        content,
                        result if handled else "",
                        dates.iso(day),
                        dates.iso(handled_on) if handled else "\\N",
                        dates.stamp(day, rng.randrange(8 * 3600, 20 * 3600)),
                        str(self.owner[i]),
                        str(i + 1),
                        str(rng.choice(handlers) if rng.random() < 0.6 else self.owner[i]),
                        "1",
                    )
                )
                + "\n"
            )

    SERVICE_COLUMNS = [
        "id",
        "kind",
        "client_name",
        "contact_info",
        "content",
        "result",
        "received_on",
        "handled_on",
        "created_at",
        "created_by_id",
        "customer_id",
        "handler_id",
        "version",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--customers",
        type=int,
        default=100_000,
        help="number of customers (default 100000); contacts ×3, events and service records ×10",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="empty the customer registry tables first (TRUNCATE … CASCADE)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.customers < 1:
        parser.error("--customers must be at least 1")

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(
            "set DATABASE_URL to a PostgreSQL database, e.g. "
            "postgres://root@127.0.0.1:5432/ledger_bench"
        )
    import django

    django.setup()
    _check_pools()
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from fixtures.demo import SEED as DEMO_SEED
    from fixtures.demo import _departments, _products, _users
    from ledger.models import Contact, Customer, CustomerEvent, ServiceRecord

    started = time.perf_counter()
    timer = Timer()
    print(
        f"Database {connection.settings_dict['NAME']} on "
        f"{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}; "
        f"{args.customers:,} customers",
        flush=True,
    )

    with connection.cursor() as cursor:
        if args.reset:

            def reset():
                cursor.execute(
                    f"TRUNCATE {', '.join(LEDGER_TABLES + HISTORY_TABLES)} RESTART IDENTITY CASCADE"
                )

            timer.run("truncate", reset)
        elif Customer.objects.exists():
            print(
                "The customer tables are not empty: run with --reset to replace them.",
                file=sys.stderr,
            )
            return 1

    users: dict = {}

    def organisation():
        with transaction.atomic():
            users.update(_users(_departments()))
            _products(random.Random(DEMO_SEED), users["admin"])
        return None

    timer.run("demo departments, users, products", organisation)

    gen = Generator(args.customers, args.seed, users, timezone.localdate())

    def plan():
        gen.plan()
        gen.plan_events()
        gen.plan_services()
        return None

    timer.run("plan dates (in memory)", plan)

    with connection.cursor() as cursor:
        indexes = secondary_indexes(cursor, LEDGER_TABLES)
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.cursor  # psycopg2's own cursor, for copy_expert

        def rebuild():
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, sql in indexes:
                cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            return len(indexes)

        try:
            timer.run(
                "ledger_customer",
                lambda: copy_rows(
                    raw, "ledger_customer", gen.CUSTOMER_COLUMNS, gen.customer_rows()
                ),
            )
            timer.run(
                "ledger_contact",
                lambda: copy_rows(raw, "ledger_contact", gen.CONTACT_COLUMNS, gen.contact_rows()),
            )
            timer.run(
                "ledger_customerevent",
                lambda: copy_rows(raw, "ledger_customerevent", gen.EVENT_COLUMNS, gen.event_rows()),
            )
            timer.run(
                "ledger_servicerecord",
                lambda: copy_rows(
                    raw, "ledger_servicerecord", gen.SERVICE_COLUMNS, gen.service_rows()
                ),
            )
        finally:
            # Whatever happened, the tables get their indexes back.
            timer.run("rebuild secondary indexes", rebuild, unit="idx")

        def sequences():
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Customer, Contact, CustomerEvent, ServiceRecord]
            ):
                cursor.execute(sql)
            return None

        timer.run("reset sequences", sequences)

        def analyze():
            for table in LEDGER_TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
            return None

        timer.run("VACUUM ANALYZE", analyze)

        cursor.execute("SELECT count(*), count(last_contact_on) FROM ledger_customer")
        total, with_contact = cursor.fetchone()

    # The data changed under any cached home-page figures: move their generation on.
    from ledger import generations

    generations.bump_now(generations.CUSTOMERS)

    print(
        f"Done in {time.perf_counter() - started:.1f} s: {total:,} customers "
        f"({with_contact:,} with a last-contact date).",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
