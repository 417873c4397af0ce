"""Date expressions found and normalised (ENCODING.md, Dates)."""
from __future__ import annotations

import pytest

from tei_encoder.annotate.dates import find_dates, parse_standalone


def dates(text, doc="1978-05-07"):
    return [(text[s.start:s.end], dict(s.attrs)) for s in find_dates(text, doc)]


@pytest.mark.parametrize("text, found, attrs", [
    ("on 22 August 1963 he", "22 August 1963", {"when": "1963-08-22"}),
    ("dated August 22, 1963.", "August 22, 1963", {"when": "1963-08-22"}),
    ("Date: May 7th, 1978", "May 7th, 1978", {"when": "1978-05-07"}),
    ("“15” October 1956", "“15” October 1956", {"when": "1956-10-15"}),
    ("visited Beijing in May 1960 upon", "May 1960", {"when": "1960-05"}),
    ("Pyongyang, 28 th September, 1955", "28 th September, 1955", {"when": "1955-09-28"}),
    ("between 1972 April 4 and 11.", "between 1972 April 4 and 11", {"from": "1972-04-04", "to": "1972-04-11"}),
    ("From 16 July to 23 August 1981 Chen", "From 16 July to 23 August 1981", {"from": "1981-07-16", "to": "1981-08-23"}),
    ("from 24 May to 11 June 1956", "from 24 May to 11 June 1956", {"from": "1956-05-24", "to": "1956-06-11"}),
    ("January-December 1978", "January-December 1978", {"from": "1978-01", "to": "1978-12"}),
    ("lived in China from 1920 to 1922 and", "from 1920 to 1922", {"from": "1920", "to": "1922"}),
    ("Received: 27.X 62. at 08.40", "27.X 62", {"when": "1962-10-27"}),
    ("Arrived: 24.10.62 16:30", "24.10.62", {"when": "1962-10-24"}),
    ("dated 1956.3.5 in Beijing", "1956.3.5", {"when": "1956-03-05"}),
    ("the plan for 1955-1956 was", "1955-1956", {"from": "1955", "to": "1956"}),
    ("the plan for 1961–65 was", "1961–65", {"from": "1961", "to": "1965"}),
    ("in the 1950s the", "1950s", {"from": "1950", "to": "1959"}),
    ("written c. 1962 by", "c. 1962", {"when": "1962", "cert": "low"}),
    ("in March of 1956", "March of 1956", {"when": "1956-03"}),
    ("Moscow, 5.III.1956", "5.III.1956", {"when": "1956-03-05"}),
    ("dated 15/10/1956 in", "15/10/1956", {"when": "1956-10-15"}),
    ("by mid-1956 the", "1956", {"when": "1956"}),
    ("in 1972 April the", "1972 April", {"when": "1972-04"}),
    ("in August (1955) the", "August (1955)", {"when": "1955-08"}),
    ("dated 10/15/1956 in", "10/15/1956", {"when": "1956-10-15"}),
])

def test_dates_are_found_and_normalised(text, found, attrs):
    assert (found, attrs) in dates(text)


def test_date_without_year_is_resolved_against_the_document_date_and_says_so():
    [(text, attrs)] = dates("on 8 October of this year he had", doc="1956-10-15")
    assert text == "8 October"
    assert attrs == {"when": "1956-10-08", "cert": "medium", "evidence": "conjecture"}


def test_without_a_document_date_a_yearless_date_is_not_guessed():
    assert dates("on 8 October he had", doc=None) == []


def test_two_years_are_two_dates():
    assert [t for t, _ in dates("the 1976 and 1977 [visits] to the USSR")] == ["1976", "1977"]


@pytest.mark.parametrize("text", [
    "dated 5/6/1956 (day or month first? not guessed)",
    "on the occasion of the 60th birthday",
    "emphasized by the 20th and 22nd congresses",
    "TELEGRAM 057.139 and No. 1977",
    "loans worth over 300 million rubles",
    "Report 4262/1954 was sent",
    "amounting to 1500 tons",
    "on Wednesday at 5 p.m.",
    "sent at 2035 30 September",
])
def test_not_dates(text):
    found = [t for t, a in dates(text) if t not in ("30 September",)]
    assert found == []


def test_a_line_that_is_only_a_date():
    assert parse_standalone("August, 1981") == "1981-08"
    assert parse_standalone("April 02, 1962") == "1962-04-02"
    assert parse_standalone("Telegram from Moscow") is None


def test_day_ranges_without_a_year_are_resolved():
    assert dates("on 10-11 October the", doc="1956-10-15") == \
        [("10-11 October", {"from": "1956-10-10", "to": "1956-10-11", "cert": "medium", "evidence": "conjecture"})]


def test_a_yearless_date_long_after_the_document_belongs_to_the_year_before():
    """'on 25 December' in a report of 10 January 1956 is December 1955."""
    [(text, attrs)] = dates("on 25 December the delegation left", doc="1956-01-10")
    assert attrs["when"] == "1955-12-25" and attrs["evidence"] == "conjecture"
    [(text, attrs)] = dates("on 2 March the delegation will leave", doc="1956-01-10")
    assert attrs["when"] == "1956-03-02"


def test_a_year_supplied_in_brackets_completes_a_yearless_date():
    for text, span, iso in [("your telegrams dated 29 August [1955].", "29 August [1955]", "1955-08-29"),
                            ("on 5 March [19]56 he left", "5 March [19]56", "1956-03-05")]:
        found = find_dates(text, "1957-01-10")
        assert [(text[s.start:s.end], s.attr("when"), s.attr("evidence")) for s in found] == [(span, iso, None)]


def test_a_telegram_forms_slashed_date_with_a_two_digit_year_but_not_a_file_number():
    assert dates("Sent by wire on 10/14/50 at 03:15 a.m.", doc="1950-10-14") == [("10/14/50", {"when": "1950-10-14"})]
    assert dates("Ciphered telegram No. 12/25/50 of today", doc="1950-10-14") == []
    assert dates("on 5/6/50 they met", doc="1950-10-14") == []       # day and month could be either


def test_two_whole_dates_joined_by_to_or_through_are_one_range():
    assert dates("for the period from 20 December 1955 through 19 January 1956", doc="1956-01-21") == \
        [("from 20 December 1955 through 19 January 1956", {"from": "1955-12-20", "to": "1956-01-19"})]
    assert dates("during 13 May through 29 May 1958", doc="1958-05-30") == \
        [("13 May through 29 May 1958", {"from": "1958-05-13", "to": "1958-05-29"})]
    assert len(dates("on 1 May 1953 and 25 June 1953", doc="1953-06-25")) == 2


def test_a_day_with_a_roman_month_and_no_year_is_resolved_but_not_a_section_number():
    assert dates("28/VII added by hand", doc="1953-06-25") == \
        [("28/VII", {"when": "1953-07-28", "cert": "medium", "evidence": "conjecture"})]
    assert dates("see Chapter 3.IV and section 2/I", doc="1953-06-25") == []


def test_a_month_after_a_time_word_is_a_date_but_not_the_word_may():
    assert dates("In the early days of August, we met", doc="1963-10-04") == \
        [("August", {"when": "1963-08", "cert": "medium", "evidence": "conjecture"})]
    assert dates("He came in early October.", doc="1963-10-04")[0][0] == "early October"
    assert dates("You may come. March on! The August Plenum; May Day.", doc="1963-10-04") == []


def test_two_days_of_a_month_joined_by_and_and_capital_month_names():
    assert dates("on January 11th and 12th, 1962", doc="1962-01-20") == \
        [("January 11th and 12th, 1962", {"from": "1962-01-11", "to": "1962-01-12"})]
    assert dates("on 29 JUNE 1962 the", doc="1962-07-01") == [("29 JUNE 1962", {"when": "1962-06-29"})]


def test_between_two_dates_is_a_range_and_a_time_may_follow_a_slash():
    assert dates("between 21 February and 5 June 1972 the", doc="1972-06-09") == \
        [("between 21 February and 5 June 1972", {"from": "1972-02-21", "to": "1972-06-05"})]
    assert dates("Sent 26.08.1976/03:00 hours", doc="1976-08-26") == [("26.08.1976", {"when": "1976-08-26"})]


def test_a_day_range_with_from_and_till():
    assert dates("from 7 till 11 September the", doc="1988-09-20") == \
        [("from 7 till 11 September", {"from": "1988-09-07", "to": "1988-09-11", "cert": "medium",
                                       "evidence": "conjecture"})]


def test_the_anniversary_of_october_is_the_revolution_not_a_month():
    assert dates("the 55th anniversary of October and", doc="1972-11-07") == []
