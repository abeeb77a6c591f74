"""Demo news and policy articles (信用动态, 政策法规) for ``seed_demo``, so the public site's news and policy pages
and the home page's list show something. Written as the admin writes them (the model, one audit event each);
each title only once. The policy entries summarise national documents in a few lines and say so: the text in
force is the one its issuer published."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.admin_mixins import snapshot
from audit.services import Actor, audit_event_record

from .models import Article, ArticleCategory

NOTE = "（演示内容：摘要仅供了解，条文以发布机关公布的正式文本为准。）"

# (category, days ago, title, source, paragraphs)
DEMO_ARTICLES = [
    (
        ArticleCategory.POLICY,
        240,
        "《信用修复管理办法》（国家发展改革委令2025年第36号）",
        "国家发展改革委",
        [
            "办法自2026年4月1日起施行，统一了行政处罚等失信信息的公示期限和信用修复程序。",
            "轻微失信信息原则上不公示；一般失信信息最短公示3个月、最长1年；严重失信信息最短公示1年、最长3年，"
            "均自处罚决定之日起计算。超过最长公示期限的，自动停止公示。",
            "失信主体在最短公示期满后，已纠正失信行为、履行法定义务并作出信用承诺的，可以申请信用修复。"
            "信用修复按照“谁认定、谁修复”的原则办理。",
            NOTE,
        ],
    ),
    (
        ArticleCategory.POLICY,
        900,
        "关于推进社会信用体系建设高质量发展促进形成新发展格局的意见",
        "中共中央办公厅 国务院办公厅",
        [
            "意见提出完善社会信用体系，以健全的信用机制畅通国内大循环、以良好的信用环境支撑国内国际双循环。",
            "要求依法依规推进公共信用信息归集共享和公开，健全守信激励和失信惩戒机制，完善信用修复机制，"
            "加强信用信息安全和个人隐私保护。",
            NOTE,
        ],
    ),
    (
        ArticleCategory.POLICY,
        3600,
        "国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见（国发〔2016〕33号）",
        "国务院",
        [
            "指导意见确立了守信联合激励和失信联合惩戒的基本制度：对守信主体在行政审批、公共资源交易等方面提供便利，"
            "对严重失信主体在市场准入、政府采购、招标投标等方面依法依规予以限制。",
            "要求建立健全信用信息公示机制和信用信息归集共享使用机制，规范信用红黑名单制度，建立健全信用修复机制。",
            NOTE,
        ],
    ),
    (
        ArticleCategory.NEWS,
        3,
        "信用修复申请实现全程网上办理",
        "信用吉林（演示）",
        [
            "即日起，企业用户登录本网站后可在线提交信用修复申请并上传证明材料，按受理编号随时查询办理进度。",
            "平台收到申请后在规定的工作日内完成受理，并转认定部门办理；办理结果通过电子邮件告知申请人。",
        ],
    ),
    (
        ArticleCategory.NEWS,
        12,
        "全省联合奖惩核查反馈闭环运行情况通报",
        "信用吉林（演示）",
        [
            "本月各部门在行政许可、政府采购、招标投标等业务中开展联合奖惩核查，核查结果和措施实施情况已按要求反馈。",
            "信用中心将按月通报各部门核查和反馈情况，推动守信激励和失信惩戒措施落实到位。",
        ],
    ),
    (
        ArticleCategory.NEWS,
        30,
        "“守合同重信用”企业公示名单发布",
        "信用吉林（演示）",
        [
            "经企业申报、部门审核和社会公示，一批企业被认定为“守合同重信用”企业，名单已在本网站“守信激励”栏目公示。",
            "公示期内，社会各界可通过本网站对名单提出意见。",
        ],
    ),
]


def demo_articles_seed() -> int:
    """Create the demo articles whose titles do not exist yet; returns how many were created."""
    existing = set(Article.objects.filter(title__in=[a[2] for a in DEMO_ARTICLES]).values_list("title", flat=True))
    now = timezone.now()
    actor = Actor.system("演示数据")
    created = 0
    for category, days, title, source, paragraphs in DEMO_ARTICLES:
        if title in existing:
            continue
        with transaction.atomic():
            article = Article.objects.create(
                category=category,
                title=title,
                source=source,
                body="\n\n".join(paragraphs),
                published_at=now - datetime.timedelta(days=days),
            )
            audit_event_record(
                actor=actor, action="article.create", obj=article, reason="演示数据", after=snapshot(article)
            )
        created += 1
    return created
