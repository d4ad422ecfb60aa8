"""The Conversations / Productivity overview types (plain data, no resolvers)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from omnigate.metrics.overview import OverviewData


@strawberry.type
class BusiestDay:
    date: str = strawberry.field(description="YYYY-MM-DD in the reporting timezone")
    weekday: str
    messages: int


@strawberry.type
class BusiestHour:
    hour: int = strawberry.field(description="0-23 in the reporting timezone")
    label: str = strawberry.field(description='As in the REST overview, e.g. "7AM- 8AM"')
    messages: int


@strawberry.type
class ConversationsOverview:
    total: int
    open: int
    on_hold: int
    messages: int
    per_day: float
    busiest_day: BusiestDay | None = strawberry.field(
        description="null when there are no conversations"
    )
    busiest_hour: BusiestHour | None


@strawberry.type
class ProductivityOverview:
    """Averages in seconds over the rooms that have both response and reaction metrics."""

    average_response_time: float
    average_first_response_time: float
    average_reaction_time: float


@strawberry.type
class Overview:
    start: datetime
    end: datetime
    timezone: str
    conversations: ConversationsOverview
    productivity: ProductivityOverview

    @classmethod
    def from_data(cls, data: OverviewData) -> Overview:
        day, hour = data.busiest_day, data.busiest_hour
        return cls(
            start=data.start,
            end=data.end,
            timezone=data.timezone,
            conversations=ConversationsOverview(
                total=data.total,
                open=data.open,
                on_hold=data.on_hold,
                messages=data.messages,
                per_day=data.per_day,
                busiest_day=day
                and BusiestDay(date=day.date, weekday=day.weekday, messages=day.messages),
                busiest_hour=hour
                and BusiestHour(hour=hour.hour, label=hour.label, messages=hour.messages),
            ),
            productivity=ProductivityOverview(
                average_response_time=data.average_response_time,
                average_first_response_time=data.average_first_response_time,
                average_reaction_time=data.average_reaction_time,
            ),
        )
