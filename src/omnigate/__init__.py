"""omnigate: a GraphQL gateway over Rocket.Chat's omnichannel analytics."""

__version__ = "0.1.0"
