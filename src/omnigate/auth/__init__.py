"""Who is calling: Rocket.Chat login tokens and the ``view-livechat-manager`` permission."""

from omnigate.auth.authenticator import Authenticator
from omnigate.auth.principal import Principal
from omnigate.auth.request import authenticate_request

__all__ = ["Authenticator", "Principal", "authenticate_request"]
