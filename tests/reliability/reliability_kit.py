"""Users of the reliability suite's fast container, by role and platform."""

ADMINS = {"slack": "UADMIN", "feishu": "ou_admin"}
MANAGERS = {"slack": "UMGR", "feishu": "ou_mgr"}
