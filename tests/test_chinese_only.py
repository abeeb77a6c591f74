"""The site speaks Chinese whatever the browser asks for, and the staff password reset is the site's own (issue 16).

Chromium's default ``Accept-Language: en-US`` turned Django's own texts English (form errors, file sizes, the
admin, the reset pages); the reset pages were the admin's "Django 站点管理员".
"""

import re

import pytest
from django.db import transaction
from django.test import Client

from audit.services import Actor
from organisations.services import staff_create

ENGLISH = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
SITE_BASE = 'class="site-header"'


@pytest.mark.django_db
def test_form_errors_are_chinese_for_an_english_browser():
    page = ENGLISH.post("/accounts/password_reset/", {"email": ""}).text
    assert "该字段是必填项。" in page
    assert "This field is required." not in page


@pytest.mark.django_db
def test_the_admin_login_is_chinese_for_an_english_browser():
    page = ENGLISH.get("/admin/login/").text
    assert "用户名" in page
    assert "密码" in page
    assert "Username" not in page
    assert "Password" not in page
    assert "Log in" not in page


@pytest.mark.django_db
def test_the_staff_login_offers_a_password_reset():
    page = Client().get("/accounts/login/").text
    assert 'href="/accounts/password_reset/"' in page
    assert "忘记密码" in page


@pytest.mark.django_db
def test_the_staff_password_reset_is_the_sites_own_in_chinese(mailoutbox):
    with transaction.atomic():
        staff_create(
            username="forgetful",
            password="Pass-12345-x",
            role="auditor",
            email="f@ex.gov.cn",
            actor=Actor.system(),
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    form = client.get("/accounts/password_reset/").text
    assert SITE_BASE in form
    assert "找回密码" in form
    assert "Django" not in form

    done = client.post("/accounts/password_reset/", {"email": "f@ex.gov.cn"}, follow=True)
    assert SITE_BASE in done.text
    assert "重置链接已发送" in done.text
    assert "Django" not in done.text

    [mail] = mailoutbox
    assert "信用吉林" in mail.subject
    assert "重置" in mail.subject
    assert "forgetful" in mail.body
    assert "如非本人操作" in mail.body
    assert not re.search(r"\b(password|Thanks|team|username)\b", mail.body, re.IGNORECASE)
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.body).group(1)

    confirm = client.get(link, follow=True)
    assert SITE_BASE in confirm.text
    assert "设置新密码" in confirm.text
    assert "Django" not in confirm.text
    new = {"new_password1": "Another-Pass-987", "new_password2": "Another-Pass-987"}
    complete = client.post(confirm.redirect_chain[-1][0], new, follow=True)
    assert SITE_BASE in complete.text
    assert "密码已重置" in complete.text
    assert "Django" not in complete.text

    invalid = client.get(link, follow=True).text
    assert SITE_BASE in invalid
    assert "重置链接无效或已过期" in invalid
