"""Dates a sentence states for an announcement ("on Monday", "on 4 August", "in August")."""

from __future__ import annotations

import datetime

from aidtrack.extract.lexicon import Lexicon


def stated_day(text: str, lex: Lexicon, published: datetime.date | None) -> datetime.date | None:
    """The day named in ``text`` ("on Friday" needs ``published``), else None."""
    m = lex.day_re.search(text)
    if m:
        if m.group("wd"):
            if published is None:
                return None
            back = (published.weekday() - lex.weekdays[m.group("wd").lower()]) % 7
            return published - datetime.timedelta(days=back)
        day = int(m.group("d1") or m.group("d2"))
        month = lex.months[(m.group("m1") or m.group("m2")).lower().rstrip(".")]
        year = int(m.group("y")) if m.group("y") else _year_for(month, published)
        if year is None:
            return None
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    r = lex.relative_re.search(text)
    if r and published is not None and lex.relative_days[r.group("r").lower()] <= 1:
        return published - datetime.timedelta(days=lex.relative_days[r.group("r").lower()])
    return None


def stated_month(text: str, lex: Lexicon, published: datetime.date | None) -> tuple[int, int] | None:
    """(year, month) for "in August" / "in early August 2025"; the year defaults to the most recent one,
    unless the month is where a future act happens ("Ukraine will receive €3.5bn in March", read in
    February): a future word before it, with no past verb between, makes it the next such month."""
    m = lex.month_re.search(text)
    if not m:
        return None
    month = lex.months_or_seasons[m.group("m").lower()]
    if m.group("y"):
        return (int(m.group("y")), month)
    year = _year_for(month, published)
    if year is not None and published is not None and (year, month) < (published.year, published.month):
        future = [f.end() for f in lex.cues["future_markers"].pattern.finditer(text, 0, m.start())]
        if future and not lex.cues["past_verbs"].search(text, future[-1], m.start()):
            year += 1
    return (year, month) if year is not None else None


def _year_for(month: int, published: datetime.date | None) -> int | None:
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1
