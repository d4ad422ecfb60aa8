"""Rocket.Chat's collection names."""

ROOMS = "rocketchat_room"
MESSAGES = "rocketchat_message"
DEPARTMENTS = "rocketchat_livechat_department"
USERS = "users"
PERMISSIONS = "rocketchat_permissions"
SETTINGS = "rocketchat_settings"
UNIT_MONITORS = "rocketchat_livechat_unit_monitors"
