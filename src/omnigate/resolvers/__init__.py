"""Resolvers: they turn arguments into loader keys and rows into plain schema objects."""
