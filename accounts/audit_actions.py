"""Labels of the accounts app's audit actions (audit.labels)."""

ACTION_LABELS = {
    "account.email_confirm": "确认账户邮箱",
    "account.grant_lapse": "主体授权失效",
    "account.grant_refuse": "驳回主体身份核验",
    "account.grant_request": "申请主体身份核验",
    "account.grant_restore": "恢复主体授权",
    "account.grant_suspend": "暂停主体授权",
    "account.grant_verify": "通过主体身份核验",
    "account.grant_vouch": "主体账户担保授权",
    "account.identity_link": "关联统一身份认证",
    "account.proof_purge": "清除身份核验材料",
    "account.proof_view": "查看身份核验材料",
    "account.password_reset": "重置账户密码",
    "account.password_reset_request": "申请重置账户密码",
    "account.register": "注册企业/个人账户",
    "account.restore": "恢复账户",
    "account.suspend": "暂停账户",
}
