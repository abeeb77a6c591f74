"""Valid 双公示 items in the national format, for tests and benchmarks."""

import datetime

from subjects import identifiers as ids

AUTHORITY_USCC = ids.make_uscc(division_code="220000", organization_body="00000019", registration_authority="1")


def company_uscc(n: int) -> str:
    return ids.make_uscc(division_code="220104", organization_body=f"{n:08d}")


def xzcf_item(n: int, *, decided_on: datetime.date | None = None, **overrides) -> dict:
    data = {
        "CF_XDR_MC": f"长春测试{n}商贸有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": company_uscc(n),
        "CF_WSH": f"长市监罚〔2026〕{n}号",
        "CF_WFXW": "销售不符合食品安全标准的食品",
        "CF_SY": "经查，当事人销售的食品经抽检不合格。",
        "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
        "CF_CFLB": "罚款",
        "CF_NR": "罚款人民币伍万元",
        "CF_NR_FK": "5",
        "CF_JDRQ": (decided_on or datetime.date(2026, 6, 1)).isoformat(),
        "CF_CFJG": "吉林省市场监督管理厅",
        "CF_CFJGDM": AUTHORITY_USCC,
        "CF_SJLY": "吉林省市场监督管理厅",
        "CF_SJLYDM": AUTHORITY_USCC,
    }
    data.update(overrides)
    return {"record_type": "xzcf", "data": {k: v for k, v in data.items() if v is not None}}


def xzxk_item(n: int, **overrides) -> dict:
    data = {
        "XK_XDR_MC": f"长春测试{n}商贸有限公司",
        "XK_XDR_LB": "法人及非法人组织",
        "XK_XDR_SHXYM": company_uscc(n),
        "XK_XKWS": "食品经营许可决定书",
        "XK_WSH": f"长市监许〔2026〕{n}号",
        "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证",
        "XK_XKBH": f"JY1220104{n:07d}",
        "XK_NR": "预包装食品销售",
        "XK_JDRQ": "2026-05-10",
        "XK_YXQZ": "2026-05-10",
        "XK_YXQZI": "2031-05-09",
        "XK_XKJG": "吉林省市场监督管理厅",
        "XK_XKJGDM": AUTHORITY_USCC,
        "XK_SJLY": "吉林省市场监督管理厅",
        "XK_SJLYDM": AUTHORITY_USCC,
    }
    data.update(overrides)
    return {"record_type": "xzxk", "data": {k: v for k, v in data.items() if v is not None}}


def yzsxmd_item(
    n: int, *, list_code: str = "yzsx_scjg", decided_on: str = "2026-06-01", until: str | None = None, **overrides
) -> dict:
    data = {
        "YZ_XDR_MC": f"长春测试{n}商贸有限公司",
        "YZ_XDR_LB": "法人及非法人组织",
        "YZ_XDR_SHXYM": company_uscc(n),
        "YZ_MDDM": list_code,
        "YZ_MDMC": "市场监督管理严重违法失信名单",
        "YZ_RDWH": f"吉市监严〔2026〕{n}号",
        "YZ_RDYY": "提交虚假材料取得登记",
        "YZ_RDYJ": "《市场监督管理严重违法失信名单管理办法》第十条",
        "YZ_RDRQ": decided_on,
        "YZ_YXQZ": until,
        "YZ_RDJG": "吉林省市场监督管理厅",
        "YZ_RDJGDM": AUTHORITY_USCC,
    }
    data.update(overrides)
    return {"record_type": "yzsxmd", "data": {k: v for k, v in data.items() if v is not None}}


def hmd_item(
    n: int, *, list_code: str = "hmd_nsa", decided_on: str = "2026-04-01", until: str | None = "2027-03-31", **overrides
) -> dict:
    data = {
        "HM_XDR_MC": f"长春测试{n}商贸有限公司",
        "HM_XDR_SHXYM": company_uscc(n),
        "HM_MDDM": list_code,
        "HM_MDMC": "纳税信用A级纳税人",
        "HM_RDWH": f"吉税A〔2026〕{n}号",
        "HM_RDYJ": "《纳税信用管理办法》",
        "HM_RDRQ": decided_on,
        "HM_YXQZ": until,
        "HM_RDJG": "国家税务总局吉林省税务局",
    }
    data.update(overrides)
    return {"record_type": "hmd", "data": {k: v for k, v in data.items() if v is not None}}


def form_data(response) -> dict:
    """The POST body the admin change page would send unchanged: main form, inline management and rows."""
    data: dict = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data
