"""Labels of the organisations app's audit actions and of the codes in their before/after (audit.labels)."""

from .choices import TokenScope

ACTION_LABELS = {
    "api_token.approve": "批准接口令牌",
    "api_token.create": "申请或签发接口令牌",
    "api_token.refuse": "拒绝接口令牌",
    "api_token.revoke": "吊销接口令牌",
    "auth.lockout": "登录失败次数过多被锁定",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.password_change": "修改密码",
    "auth.two_factor_enrol": "启用双因素认证",
    "auth.two_factor_remove": "移除双因素认证",
    "auth.two_factor_reset": "重置双因素认证",
    "auth.two_factor_verify": "双因素认证验证",
    "department.create": "新建部门",
    "staff.create": "新建工作人员账号",
}

#: Token scopes in the events of tokens (``api_token.*``: after = {"scopes": [...]}).
VALUE_LABELS = dict(TokenScope.choices)
