"""The HTTP application: GraphQL, Rocket.Chat-compatible REST, GraphiQL, health."""
