from corpus.sentences import (
    answer_spans,
    is_caption,
    is_heading,
    is_page_furniture,
    is_section_number,
    leads,
    list_lead,
    sentence_spans,
    wrapped_sentence,
)
from corpus.table_rows import is_table_row, table_caption, table_header, table_in_currency


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_splits_on_full_stops_and_line_breaks() -> None:
    text = 'Heading\n\nThe trust launched in 2014. It was rated "good". Dr. Who left!\n- a bullet'
    assert _sentences(text) == [
        "Heading",
        "The trust launched in 2014.",
        'It was rated "good".',
        "Dr. Who left!",
        "- a bullet",
    ]


def test_leader_dots_between_a_label_and_its_figure_end_no_sentence() -> None:
    text = (
        "Posts filled by agency social workers (30 Nov 2025)     ...  24% (69 FTE)\n"
        "Social work establishment ........ 286.0\n"
        "It was going well... Then it was not."
    )
    assert _sentences(text) == [
        "Posts filled by agency social workers (30 Nov 2025)     ...  24% (69 FTE)",
        "Social work establishment ........ 286.0",
        "It was going well...",
        "Then it was not.",
    ]


def test_an_initial_of_a_name_ends_no_sentence() -> None:
    text = "Councillor L. Pritchard declared an interest. Dr J. R. Smith and S. Yardley left."
    assert _sentences(text) == [
        "Councillor L. Pritchard declared an interest.",
        "Dr J. R. Smith and S. Yardley left.",
    ]
    assert _sentences("Report author: K. Obi. The chair (L. Pritchard) spoke.") == [
        "Report author: K. Obi.",
        "The chair (L. Pritchard) spoke.",
    ]
    assert _sentences("The council adopted Plan B. Members agreed.") == [
        "The council adopted Plan B.",
        "Members agreed.",
    ]


def test_a_section_number_alone_is_no_answer() -> None:
    text = "7. RECOMMENDATION\n\n7.1 I recommend Option A. Services stay."
    assert _sentences(text)[:3] == ["7.", "RECOMMENDATION", "7.1 I recommend Option A."]
    assert is_section_number("7.") and is_section_number("4.2.")
    assert not is_section_number("7") and not is_section_number("612.")


def test_offsets_are_shifted() -> None:
    text = "One. Two."
    assert sentence_spans(text, offset=10) == [(10, 14), (15, 19)]


def test_answer_spans_read_an_address_block_as_one() -> None:
    text = (
        "Mr Damien Allen\nDirector of People\nCivic Office\nDoncaster\nDN1 3BU\n\n"
        "Dear Mr Allen\n\nMonitoring visit of Doncaster. This letter summarises it."
    )
    spans = answer_spans(text, offset=10)
    pieces = [text[s - 10 : e - 10] for s, e in spans]
    assert pieces == [
        "Mr Damien Allen\nDirector of People\nCivic Office\nDoncaster\nDN1 3BU",
        "Dear Mr Allen",  # a blank line ends the block
        "Monitoring visit of Doncaster.",
        "This letter summarises it.",
    ]
    # Short lines that end a sentence are not an address.
    assert len(answer_spans("It rose.\nIt fell.")) == 2


def test_answer_spans_read_a_signature_with_its_post() -> None:
    text = (
        "I confirm that the return is accurate.\n\nKwabena Strathdee-Morris\n"
        "Executive Director of Resources (Section 151 Officer), Cattenbridge County Council\n"
        "11 December 2024"
    )
    pieces = [text[s:e] for s, e in answer_spans(text)]
    assert pieces[1:] == [
        "Kwabena Strathdee-Morris\nExecutive Director of Resources (Section 151 Officer), "
        "Cattenbridge County Council",
        "11 December 2024",  # the post ends the signature
    ]
    # A heading in capitals is no name; a body's name under one is no post.
    for head, body in (
        ("LOWDENHAM CITY COUNCIL", "Lowdenham Domestic Abuse Local Partnership Board Report"),
        ("Mr Damien Allen", "Doncaster Metropolitan Borough Council Children's Services"),
    ):
        assert len(answer_spans(f"{head}\n{body}")) == 2


def test_lines_are_read_under_their_heading_label_or_question() -> None:
    text = (
        "THORNLEIGH COUNCIL\n\nReport of the Director\n\n"
        "Question 1: How many children were looked after?\n\nNumber of CLA at 31 March:\n"
        "2019: 612\n2020: 648\n\nThe figures are audited.\n\n"
        "8. CONTACT OFFICER\n\nMoira Stallard, Director of Children's Services."
    )
    spans = answer_spans(text)
    lines = [text[s:e] for s, e in spans]
    read = dict(zip(lines, leads(text, spans), strict=True))
    assert read["2019: 612\n2020: 648"] == (
        "Question 1: How many children were looked after?\nNumber of CLA at 31 March:"
    )
    assert read["Moira Stallard, Director of Children's Services."] == "CONTACT OFFICER"
    assert read["The figures are audited."] == ""  # a sentence after the table leads on nothing
    assert read["Report of the Director"] == ""  # a title under the letterhead is no entry
    assert is_heading("8. CONTACT OFFICER") and not is_heading("Report of the Director")
    # A running header or footer answers nothing either.
    assert is_page_furniture("Inspection report: Adopt Heathland, 3 to 7 June 2024   Page 1 of 1")
    assert not is_page_furniture("See page 4 of the report for the figures.")
    assert is_page_furniture("Kelmarden County Council | DCS Annual Report 2024/25     Page 2")
    assert is_page_furniture("   Page 7")
    assert not is_page_furniture("The plan is set out on page 7")
    assert is_page_furniture("Willowbank House | Reg 44 report | March 2025 | OFFICIAL  p.4")
    assert is_page_furniture("Sorrelbury City Council - Cabinet - 12 November 2025    Page 42")
    assert not is_page_furniture("The cabinet agreed the plan. It is on Page 42")
    # A web page's print footer, by its address and the day it was printed.
    assert is_page_furniture("ludmoor.gov.uk/send-travel-assistance        Printed 02/10/2025")
    assert not is_page_furniture("The leaflet was Printed 02/10/2025 and sent out.")
    # Nor does a table's caption, or a numbered section's title: the lines below it do.
    assert is_caption("Question 5 - Agencies used and amounts paid")
    assert not is_caption("Question 5 - Agencies used. We paid them £2m.")
    assert is_caption("Table 5: Concerns raised through the DRP")
    assert is_caption("Figure 2 - Children in care, 2021 to 2025")
    assert not is_caption("The table below compares key figures.")
    table = "Ofsted inspected in January 2024.\nThe judgements were:\n\nArea | Grade\nCare | Good\n"
    assert table_caption(table, table.index("Care |")) == (
        "Ofsted inspected in January 2024.\nThe judgements were:"
    )
    assert table_caption(table, 0) == ""  # no table row there


def test_an_address_is_read_under_the_name_line_above_it() -> None:
    text = (
        "Contact\n\nScarrowfield Partnership Business Unit\n"
        "Floor 3, Causey House, 18 Bridlegate, Scarrowfield SC1 2HN\n"
        "Email: unit@scarrowfield.gov.uk\n\nThe unit replies within 5 days.\n"
        "Wendholme Police, 4 Mill Road, Wendholme WE1 2AB\n"
    )
    spans = answer_spans(text)
    read = dict(zip((text[s:e] for s, e in spans), leads(text, spans), strict=True))
    address = "Floor 3, Causey House, 18 Bridlegate, Scarrowfield SC1 2HN"
    assert read[address] == "Scarrowfield Partnership Business Unit"
    # Not under a sentence: an address line after one is an entry of its own.
    assert read["Wendholme Police, 4 Mill Road, Wendholme WE1 2AB"] == ""


def test_a_table_row_is_one_span_and_knows_its_header_row() -> None:
    text = (
        "Requirements\n\nRequirement | Due date\n\n"
        "1. Children are kept safe. The registered person must offer an interview. | "
        "5 January 2024\n\n2. Records are kept. | 15 December 2023\n\n"
        "| Measure | 2022 | 2023 |\n|---|---|---|\n| Adopted | 4 | 5 |\n| Waiting | 6 | 7 |\n"
    )
    spans = answer_spans(text)
    lines = [text[s:e] for s, e in spans]
    # The requirement's two sentences and its due date are one row, not three spans.
    row = (
        "1. Children are kept safe. The registered person must offer an interview. | 5 January 2024"
    )
    assert row in lines
    header = {
        line: table_header(text, start) for line, (start, _) in zip(lines, spans, strict=True)
    }
    assert header["2. Records are kept. | 15 December 2023"] == "Requirement | Due date"
    assert header["| Waiting | 6 | 7 |"] == "| Measure | 2022 | 2023 |"  # over the rule line
    assert header["Requirement | Due date"] == ""  # the header has none
    assert header["Requirements"] == ""  # no table row
    # A header leaving the corner above the rows' names blank is one cell short.
    blank = "Table 2: Children in care\n\n2023 | 2024 | 2025\nIn care | 429 | 441 | 463\n"
    assert table_header(blank, blank.index("In care")) == "2023 | 2024 | 2025"
    # Short rows are rows, not an address block.
    short = "Measure | 2023\nAdopted | 4\nWaiting | 6\n"
    assert [short[s:e] for s, e in answer_spans(short)] == short.splitlines()


def test_table_runs_on_under_a_heading_to_its_header() -> None:
    # An export without spaces round its bars; its header was printed once per page and
    # the repeats removed as boilerplate, so the second section's rows have none of their own.
    text = (
        "Ref|Indicator|Q3 24/25|England\nA01|Contacts (in quarter)|5,240|-\n\n"
        "SECTION C - WORKFORCE\n\nPage 2 of 3\n\n"
        "C01|Average caseload|21.4|15.8\nC02|Agency social workers (%)|31%|17.6%\n"
    )
    start = text.index("C02|")
    assert is_table_row("C02|Agency social workers (%)|31%|17.6%")
    assert not is_table_row("A ratio of 3|4 in prose")
    assert table_header(text, start) == "Ref|Indicator|Q3 24/25|England"
    assert table_header(text, text.index("Ref|")) == ""  # the header has none
    # A header's row of years names columns: the table does not run on above it.
    years = "Other | 1 | 2\n\nHeading\n\nMeasure | 2022 | 2023\nAdopted | 4 | 5\n"
    assert table_header(years, years.index("Adopted")) == "Measure | 2022 | 2023"


_WRAPPED = (
    "8.1 Rachel Dunleavy presented feedback from the Tell Us survey of 118 parents\n"
    "whose children had been subject to child protection plans. 64% said they understood\n"
    "why a social worker was involved (2023: 57%).\n"
    "\n"
    "The last full Ofsted inspection of children's services, in October 2022, judged\n"
    "Ambleworth as requires improvement to be good overall, with the care leavers\n"
    "judged good, as they had been at the inspection before, in 2019. On 31\n"
    "January 2025 we had 214 approved fostering households in the city of Ambleworth.\n"
    "\n"
    "Inspection team: Dr Sian Cadwallader, Deputy Director, Care Quality Commission\n"
    "Roy Blackett, His Majesty's Inspector of Constabulary, and one other inspector\n"
    "- a bullet that is a point of its own and is not part of the line above it\n"
    "\n"
    "The council told the National Child Safeguarding Practice Review Panel on\n"
    "14/02/2024.\n"
)


def _whole(text: str, piece: str) -> str:
    start = text.index(piece)
    whole_start, whole_end = wrapped_sentence(text, start, start + len(piece))
    return text[whole_start:whole_end].replace("\n", " ")


def test_a_sentence_cut_by_a_wrapped_line_break_is_read_whole() -> None:
    # Sentences (scored line by line) are still cut at every line break.
    assert "64% said they understood" in _sentences(_WRAPPED)
    assert (
        _whole(_WRAPPED, "64% said they understood")
        == _whole(_WRAPPED, "why a social worker was involved (2023: 57%).")
        == "64% said they understood why a social worker was involved (2023: 57%)."
    )
    assert _whole(_WRAPPED, "whose children had been subject to child protection plans.") == (
        "8.1 Rachel Dunleavy presented feedback from the Tell Us survey of 118 parents "
        "whose children had been subject to child protection plans."
    )
    # Before a capital, a line broken off mid-phrase runs on; a date's day and month too.
    line = "Ambleworth as requires improvement to be good overall, with the care leavers"
    assert _whole(_WRAPPED, line) == (
        "The last full Ofsted inspection of children's services, in October 2022, judged "
        "Ambleworth as requires improvement to be good overall, with the care leavers "
        "judged good, as they had been at the inspection before, in 2019."
    )
    assert _whole(_WRAPPED, "On 31") == (
        "On 31 January 2025 we had 214 approved fostering households in the city of Ambleworth."
    )
    # A line ending in a name or title is an entry of a list; a bullet starts its own.
    team = "Inspection team: Dr Sian Cadwallader, Deputy Director, Care Quality Commission"
    assert _whole(_WRAPPED, team) == team
    bullet = "- a bullet that is a point of its own and is not part of the line above it"
    assert _whole(_WRAPPED, bullet) == bullet
    # A line of figures alone is the end of the sentence broken off before it.
    assert _whole(
        _WRAPPED, "The council told the National Child Safeguarding Practice Review Panel on"
    ) == ("The council told the National Child Safeguarding Practice Review Panel on 14/02/2024.")


def test_a_name_broken_over_a_wrapped_line_runs_on() -> None:
    text = (
        "The Authority must also take part in the national evaluation being\n"
        "carried out for the Department by Orrinhall Research\n"
        "Partnership, including a young person survey in autumn 2025. The\n"
        "health check was carried out for the council by Kestrelmoor\n"
        "Workforce Consulting, and received 228 responses from the teams.\n"
        "Our contacts for the programme are listed below with their roles:\n"
        "Lead officer for the programme: Dr Sian Cadwallader, Care Quality\n"
        "Roy Blackett, His Majesty's Inspector of Constabulary, and others\n"
    )
    assert _whole(text, "carried out for the Department by Orrinhall Research").endswith(
        "by Orrinhall Research Partnership, including a young person survey in autumn 2025."
    )
    assert _whole(text, "health check was carried out for the council by Kestrelmoor") == (
        "The health check was carried out for the council by Kestrelmoor Workforce "
        "Consulting, and received 228 responses from the teams."
    )
    # A name alone, or with a title after it, on the next line is an entry of a list.
    lead = "Lead officer for the programme: Dr Sian Cadwallader, Care Quality"
    assert _whole(text, lead) == lead


def test_an_address_broken_over_a_wrapped_line_runs_on() -> None:
    text = (
        "The protocol replaces version 1.1 (January 2022) with these main changes:\n"
        "  - a single front door, the Young People's Housing Hub, at Cordwainer\n"
        "    House, Bellfoundry Lane, replacing separate referral routes;\n"
        "  - a joint assessment to be completed within 10 working days, not 15;\n"
    )
    assert _whole(text, "- a single front door, the Young People's Housing Hub, at Cordwainer") == (
        "- a single front door, the Young People's Housing Hub, at Cordwainer     House, "
        "Bellfoundry Lane, replacing separate referral routes;"
    )


def test_a_bracket_left_open_runs_on_over_a_wrapped_line() -> None:
    text = (
        "The panel should record the reason for choosing a conditional caution over a\n"
        "caution in every weapons case from now on (owner: Inspector\n"
        "Fenella Darrow; by 30 September 2025). The panel agreed this at its meeting.\n"
        "Each case is then reviewed by the panel chair within ten working days of it.\n"
    )
    assert _whole(text, "caution in every weapons case from now on (owner: Inspector").endswith(
        "(owner: Inspector Fenella Darrow; by 30 September 2025)."
    )


def test_a_stop_inside_an_open_bracket_ends_no_wrapped_sentence() -> None:
    text = (
        "3.2 Children in care placed more than 20 miles from their home address\n"
        "fell again this year, to 58 at the end of March 2025 (the year before:\n"
        "64). Most of them live with foster carers in the neighbouring counties\n"
        "and a few in children's homes run by independent providers elsewhere.\n"
    )
    assert _whole(text, "64).") == (
        "3.2 Children in care placed more than 20 miles from their home address fell again "
        "this year, to 58 at the end of March 2025 (the year before: 64)."
    )
    # A line may close one bracket and open another, still open at its end.
    text = (
        "1.1 At the end of the spring term 2025 the Virtual School was responsible\n"
        "for 412 children of statutory school age in care (from Reception to\n"
        "Year 11) in the care of Ardingworth County Council (spring term 2024:\n"
        "389). Of them, 293 attend schools in the county and 119 attend schools\n"
        "outside it, most of them in the neighbouring counties to the north.\n"
    )
    assert _whole(text, "389).").endswith("Ardingworth County Council (spring term 2024: 389).")


def test_a_line_typed_unwrapped_among_wrapped_ones_sets_no_width() -> None:
    """One long line (a sentence the writer did not wrap) does not hide the width the
    rest of the report is wrapped at."""
    wrapped = (
        "4.1 Option 2 was rejected because soft market testing in April 2024\n"
        "attracted interest from only one provider, at a proposed block rate\n"
        "of £5,450 per bed per week, and the council would have limited say\n"
        "over which children were matched to the beds.\n"
    )
    unwrapped = (
        "4.2 Each home must be registered with Ofsted and comply with the Children's Homes "
        "Regulations.\n"
    )
    text = "\n".join([wrapped] * 8 + [unwrapped] + [wrapped] * 8)
    assert _whole(text, "attracted interest from only one provider, at a proposed block rate") == (
        "4.1 Option 2 was rejected because soft market testing in April 2024 attracted "
        "interest from only one provider, at a proposed block rate of £5,450 per bed per "
        "week, and the council would have limited say over which children were matched to "
        "the beds."
    )


def test_text_not_wrapped_at_a_fixed_width_keeps_its_line_breaks() -> None:
    text = (
        "Children's services were judged to require improvement to be good, and the council\n"
        "Leaders said the plan would be published in the spring once members had agreed it\n"
        "A much longer line that no fixed-width export would write, running well past a hundred "
        "characters before it ends, and another such line follows it below this one.\n"
        "A second line of that length, as a text written one paragraph to a line has many of, "
        "and as no fixed-width export would write.\n"
    )
    piece = "Children's services were judged to require improvement to be good, and the council"
    assert _whole(text, piece) == piece


def test_a_table_names_its_currency_in_its_caption_or_header() -> None:
    text = (
        "Table 3: Youth justice partnership budget (cash contributions, GBP)\n\n"
        "Funder | 2023-24 | 2024-25 | Change\n"
        "Youth Justice Board (Youth Justice Grant) | 612,480 | 648,210 | +35,730\n"
        "Police and Crime Commissioner | 96,500 | 102,000 | +5,500\n\n"
        "Table 4: Children supervised\n\n"
        "Order | 2023-24 | 2024-25\n"
        "Referral orders | 41 | 38\n"
    )
    assert table_in_currency(text, text.index("Police and Crime"))
    assert not table_in_currency(text, text.index("Referral orders"))
    assert not table_in_currency(text, text.index("Table 3"))  # a caption is no row
    header = "Service | Budget 2024-25 (£) | Outturn\nFostering | 4,210,000 | 4,388,000\n"
    assert table_in_currency(header, header.index("Fostering"))


def test_every_item_of_a_list_is_read_under_the_line_introducing_it() -> None:
    text = (
        "5. Current position\n\nAt 30 November 2025:\n- there were 193 households;\n\n"
        "- 497 children were in care; and\n- 40 were placed far away.\n\nIt rose."
    )
    for item in ("- there", "- 497", "- 40"):
        assert list_lead(text, text.index(item) + 4) == "At 30 November 2025:"
    assert list_lead(text, text.index("It rose")) == ""  # no list item
    # A list under a sentence, or a wrapped item's line, has no such line.
    assert list_lead("It was agreed.\n- a\n- b", 17) == ""
    assert list_lead("At 1 May:\n- a long item\n  wrapped here\n- b", 39) == ""
